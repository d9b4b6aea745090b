"""The column-at-once converters read every cell exactly as the per-cell ones do."""

from __future__ import annotations

import pytest

from accounts.imports.columns import ColumnConverter
from accounts.imports.fields import fields_for
from accounts.imports.rows import CellError, converter_for

SALES = {spec.name: spec for spec in fields_for("sales_lines")}

AMOUNTS = [
    "1.234,50",
    "800,00",
    "-99,90",
    "120,00-",  # SAP's credit note
    " 12,5 ",
    "1 234,50",
    "",
    "12x",
    "-",
    "9999999999999999,99",  # 16 digits before the comma: fits
    "99999999999999999,99",  # 17: too large
    "000000000000000001,5",  # leading zeros do not count
    "+7",
    "٣,5",  # an Arabic-Indic digit
    "1.2.3,4",
]


def _one_by_one(name: str, cells: list[str], separator: str) -> list[tuple[str, str]]:
    convert = converter_for(SALES[name], decimal_separator=separator, slash_order="dmy")
    out = []
    for cell in cells:
        try:
            out.append((convert(cell), ""))
        except CellError as error:
            out.append(("", str(error)))
    return out


def _column(name: str, cells: list[str], separator: str) -> list[tuple[str, str]]:
    spec = SALES[name]
    column = ColumnConverter(
        spec,
        converter_for(spec, decimal_separator=separator, slash_order="dmy"),
        decimal_separator=separator,
        text_cells=True,
    )
    values, errors = column(list(cells))
    return [(values[p] if p not in errors else "", errors.get(p, "")) for p in range(len(cells))]


@pytest.mark.parametrize(
    ("name", "separator", "cells"),
    [
        ("net_sales", ",", AMOUNTS),  # required, negative allowed
        ("cost_delivery", ",", AMOUNTS),  # optional, never negative
        ("quantity", ".", ["1,234.5", "3", "", "0.001", "1e5", "12.5-"]),
        ("net_sales", ",", ["1,00", "2,00\n3,00", "4,00"]),  # a line break inside a cell
        ("customer", ",", ["C1", " C2 ", "", "x" * 65, "Müller"]),
        ("date", ",", ["31.03.2024", "2024-04-02", "31.02.2024", "", "31.03.2024", "05/06/24"]),
        ("currency", ",", ["eur", "CHF", "EURO", "", "chf"]),
    ],
)
def test_a_column_reads_like_its_cells(name: str, separator: str, cells: list[str]) -> None:
    expected = _one_by_one(name, cells, separator)
    assert _column(name, cells, separator) == expected
    # The plain case must not hide a different reading either.
    plain = [value for value, error in expected if not error and value]
    if plain and name in {"net_sales", "cost_delivery", "quantity"}:
        assert _column(name, plain, ".") == _one_by_one(name, plain, ".")


def test_the_errors_carry_the_per_cell_messages() -> None:
    reasons = [reason for _, reason in _column("cost_delivery", ["1,00", "-3,00", "12x"], ",")]
    assert reasons[0] == ""
    assert reasons[1] == "Delivery cost is negative (-3.00); it must be zero or more."
    assert "'12x' is not a number" in reasons[2]
