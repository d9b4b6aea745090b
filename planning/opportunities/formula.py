"""Value quantification: a driver's formula evaluated over its named inputs, safely.

The formula is parsed with :mod:`ast` and every node is checked against a short
allow-list before :mod:`simpleeval` evaluates it (never ``eval``): numbers, the
inputs' names, ``+ - * / **``, parentheses, unary minus/plus and the functions
``min``, ``max``, ``round`` and ``abs``. Everything else is refused with a
sentence that says what to change. Errors are ``ValidationError`` on
``formula`` (or on ``inputs`` for a bad input), so pages and the API show them
next to the field.

The seed example: ``wafers_per_month * price_per_wafer * yield_gain`` with
2,000 wafers, $4,000 a wafer and a 3 % yield gain is $240,000 a month.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from simpleeval import NumberTooHigh, SimpleEval

#: The stored result has 18 digits before the point (``ValueDriver.result``).
MAX_RESULT = Decimal("1e18")

FUNCTIONS: dict[str, Any] = {"min": min, "max": max, "round": round, "abs": abs}

_BINARY: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}
_UNARY = (ast.USub, ast.UAdd)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ALLOWED_TEXT = "numbers, the inputs' names, + - * / **, parentheses and min, max, round, abs"


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def parse_number(raw: Any, *, name: str = "") -> float:
    """A number from JSON or from a person: ``4,000`` is 4000 and ``3%`` is 0.03.

    A comma is read only as a thousands separator between groups of three
    digits ("4,000", "1,250,000"); "3,5" is refused rather than guessed.
    """
    subject = f"The input `{name}`" if name else "The value"
    if isinstance(raw, bool):
        raise _error("inputs", f"{subject} must be a number, not {str(raw).lower()}.")
    if isinstance(raw, int | float | Decimal):
        number = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1]
        if "," in text:
            if not re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text):
                raise _error(
                    "inputs",
                    f"{subject} is {raw.strip()!r}: use a comma only between thousands"
                    " (4,000) and a point for decimals (3.5).",
                )
            text = text.replace(",", "")
        try:
            number = float(Decimal(text))
        except (InvalidOperation, ValueError):
            raise _error(
                "inputs",
                f"{subject} is {raw.strip()!r}, which is not a number."
                " Write for example 2000, 4,000, 0.03 or 3%.",
            ) from None
        if percent:
            number /= 100
    else:
        raise _error("inputs", f"{subject} must be a number.")
    if not math.isfinite(number):
        raise _error("inputs", f"{subject} must be a finite number.")
    return number


def clean_inputs(inputs: Any) -> dict[str, float]:
    """``{name: number}`` with identifier names; strings such as "3%" are read as numbers."""
    if inputs in (None, ""):
        return {}
    if not isinstance(inputs, Mapping):
        raise _error("inputs", 'Give the inputs as names with numbers, e.g. {"yield_gain": 0.03}.')
    cleaned: dict[str, float] = {}
    for raw_name, raw_value in inputs.items():
        name = str(raw_name).strip()
        if not _IDENTIFIER.match(name) or name in FUNCTIONS:
            raise _error(
                "inputs",
                f"`{name}` cannot be an input name: use letters, digits and underscores,"
                " start with a letter, no spaces (e.g. wafers_per_month)"
                + (", and not the name of a function." if name in FUNCTIONS else "."),
            )
        cleaned[name] = parse_number(raw_value, name=name)
    return cleaned


def parse_inputs_text(text: str) -> dict[str, float]:
    """The form's inputs box: one ``name = value`` per line (blank lines ignored)."""
    found: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, sep, value = line.partition("=")
        if not sep:
            name, sep, value = line.partition(":")
        if not sep or not value.strip():
            raise _error(
                "inputs",
                f"Line {number} ({line!r}) needs the form name = value,"
                " e.g. wafers_per_month = 2,000.",
            )
        name = name.strip()
        if name in found:
            raise _error("inputs", f"Line {number}: the input `{name}` is given twice.")
        found[name] = value.strip()
    return clean_inputs(found)


def format_inputs_text(inputs: Mapping[str, Any]) -> str:
    """The inverse of :func:`parse_inputs_text` for editing a saved driver."""
    return "\n".join(f"{name} = {_plain(value)}" for name, value in inputs.items())


def _plain(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _check_nodes(tree: ast.AST, formula: str, inputs: Mapping[str, float]) -> None:
    names = ", ".join(sorted(inputs)) or "none yet"
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Load):
            continue
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise _error(
                    "formula",
                    f"The formula uses an operator that is not allowed. Use {_ALLOWED_TEXT}.",
                )
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, _UNARY):
                raise _error("formula", f"The formula may only use {_ALLOWED_TEXT}.")
        elif isinstance(node, ast.operator | ast.unaryop):
            continue
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise _error(
                    "formula",
                    f"The formula contains {node.value!r}, which is not a number."
                    f" Use {_ALLOWED_TEXT}.",
                )
        elif isinstance(node, ast.Name):
            if node.id not in inputs and node.id not in FUNCTIONS:
                raise _error(
                    "formula",
                    f"The formula uses `{node.id}`, which is not an input. Inputs: {names}.",
                )
            if node.id in FUNCTIONS and node.id in inputs:
                continue
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise _error(
                    "formula", "The formula may only call the functions min, max, round and abs."
                )
            if node.keywords or not node.args:
                raise _error(
                    "formula",
                    f"Give {node.func.id}() plain values in its parentheses,"
                    f" e.g. {node.func.id}(a, b).",
                )
        else:
            raise _error("formula", f"The formula may only use {_ALLOWED_TEXT}.")
    # A bare function name (``max * 2``) is a name that is no number.
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in FUNCTIONS:
            parent_calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.func is node]
            if not parent_calls:
                raise _error(
                    "formula",
                    f"`{node.id}` is a function: write {node.id}(…) with values inside.",
                )


def evaluate(formula: str, inputs: Mapping[str, Any]) -> Decimal:
    """The formula's value with these inputs, rounded to cents; ValidationError if it cannot be."""
    text = (formula or "").strip()
    if not text:
        raise _error("formula", "Write a formula, e.g. wafers_per_month * price_per_wafer.")
    numbers = clean_inputs(inputs)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise _error(
            "formula",
            f"“{text}” is not a formula: {error.msg} (at character {error.offset or 1})."
            f" Use {_ALLOWED_TEXT}.",
        ) from None
    _check_nodes(tree, text, numbers)
    evaluator = SimpleEval(names=dict(numbers), functions=dict(FUNCTIONS))
    try:
        value = evaluator.eval(text, previously_parsed=tree.body)
    except ZeroDivisionError:
        raise _error("formula", "The formula divides by zero with these inputs.") from None
    except (NumberTooHigh, OverflowError):
        raise _error("formula", "The result is too large to store; check the inputs.") from None
    except TypeError as error:
        raise _error("formula", f"The formula cannot be computed: {error}.") from None
    if isinstance(value, complex) or not isinstance(value, int | float):
        raise _error(
            "formula", "The formula does not give a real number (a negative number to a fraction)."
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise _error("formula", "The result is too large to store; check the inputs.")
    # Integers can be huge (10**400): compare as Decimal, never convert to float first.
    result = Decimal(value) if isinstance(value, int) else Decimal(str(value))
    if abs(result) >= MAX_RESULT:
        raise _error("formula", "The result is too large to store; check the inputs.")
    return result.quantize(Decimal("0.01"))
