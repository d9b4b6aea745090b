"""Value quantification formulas: the seed example, and each refusal with its message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from planning.opportunities.formula import clean_inputs, evaluate, parse_inputs_text

WAFERS = {"wafers_per_month": 2000, "price_per_wafer": 4000, "yield_gain": 0.03}


def _message(formula: str, inputs: dict[str, object]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        evaluate(formula, inputs)
    [(field, [message])] = caught.value.message_dict.items()
    return field, message


def test_wafer_example_per_month_and_per_year() -> None:
    assert evaluate("wafers_per_month * price_per_wafer * yield_gain", WAFERS) == Decimal(
        "240000.00"
    )
    assert evaluate("wafers_per_month * 12 * price_per_wafer * yield_gain", WAFERS) == Decimal(
        "2880000.00"
    )


def test_typed_inputs_read_like_a_person_means_them() -> None:
    inputs = parse_inputs_text(
        "wafers_per_month = 2,000\nprice_per_wafer = 4000\n\nyield_gain = 3%"
    )
    assert inputs == {"wafers_per_month": 2000.0, "price_per_wafer": 4000.0, "yield_gain": 0.03}
    assert evaluate("wafers_per_month * price_per_wafer * yield_gain", inputs) == Decimal(
        "240000.00"
    )


def test_functions_parentheses_and_unary_minus_are_allowed() -> None:
    assert evaluate(
        "max(a, b) * -(1 + 1) + abs(-3) + round(2.6) + min(a, b) ** 2", {"a": 2, "b": 5}
    ) == Decimal("-10.00") + Decimal("3") + Decimal("3") + Decimal("4")


def test_unknown_input_is_named_with_the_inputs_there_are() -> None:
    assert _message("wafer * price_per_wafer", WAFERS) == (
        "formula",
        "The formula uses `wafer`, which is not an input."
        " Inputs: price_per_wafer, wafers_per_month, yield_gain.",
    )


def test_division_by_zero_is_refused() -> None:
    assert _message("price_per_wafer / (yield_gain - 0.03)", WAFERS) == (
        "formula",
        "The formula divides by zero with these inputs.",
    )


@pytest.mark.parametrize(
    "formula",
    ["2 +* 3", "(1 + 2", "price_per_wafer price_per_wafer"],
)
def test_syntax_errors_say_it_is_not_a_formula(formula: str) -> None:
    field, message = _message(formula, WAFERS)
    assert field == "formula"
    assert message.startswith(f"“{formula}” is not a formula: ")


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('true')",
        "price_per_wafer.real",
        "[1, 2][0]",
        "'text'",
        "price_per_wafer % 7",
        "price_per_wafer > 1",
        "lambda: 1",
    ],
)
def test_anything_beyond_arithmetic_is_refused(formula: str) -> None:
    field, _ = _message(formula, WAFERS)
    assert field == "formula"


def test_too_large_results_are_refused() -> None:
    assert _message("10 ** 400", {}) == (
        "formula",
        "The result is too large to store; check the inputs.",
    )
    assert _message("price_per_wafer ** 9", WAFERS)[1].startswith("The result is too large")


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"wafers per month": 1}, "`wafers per month` cannot be an input name"),
        ({"2x": 1}, "`2x` cannot be an input name"),
        ({"max": 1}, "not the name of a function"),
        ({"yield_gain": "lots"}, "The input `yield_gain` is 'lots', which is not a number."),
        ({"price": "3,5"}, "use a comma only between thousands"),
        ({"flag": True}, "must be a number"),
    ],
)
def test_bad_inputs_are_refused_on_inputs(inputs: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_inputs(inputs)
    assert expected in caught.value.message_dict["inputs"][0]


def test_a_line_without_equals_sign_is_explained() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_inputs_text("wafers_per_month 2000")
    assert "needs the form name = value" in caught.value.message_dict["inputs"][0]
