"""Converting a whole column of cells at once: the fast path of the check.

A million-line file is checked a chunk of rows at a time, column by column,
because calling a Python function per cell (16 million calls for a sales file)
was most of the check's time. Each function here returns, for every cell,
exactly what the per-cell converter of ``rows.py`` returns, and for a cell it
cannot read the per-cell converter's own message: only the speed differs.

* numbers: the column is joined into one string, the separators are replaced in
  one go, and one regular expression confirms that every line is a plain number
  that fits. Any line that is not (thousands spaces, a trailing minus, too many
  digits, text) goes through the per-cell converter.
* text: ``str.strip`` over the column; only empty or too-long cells go back.
* dates, currencies, tiers: few distinct values, so each is converted once.

Cells from an XLSX sheet can be numbers or dates, not only text: those columns
take the per-cell converter throughout.
"""

from __future__ import annotations

import re
from functools import lru_cache

from accounts.imports.fields import FieldSpec
from accounts.imports.reading import Cell
from accounts.imports.rows import CellError, Converter

#: Position in the chunk -> the reason its cell cannot be read.
ColumnErrors = dict[int, str]

#: Distinct values a memo keeps before it starts again (memory bound).
MEMO_LIMIT = 200_000


def _each(convert: Converter, cells: list[Cell], positions: range | list[int]) -> ColumnErrors:
    """Convert the cells at ``positions`` one by one, in place; their errors."""
    errors: ColumnErrors = {}
    for position in positions:
        try:
            cells[position] = convert(cells[position])
        except CellError as error:
            cells[position] = ""
            errors[position] = str(error)
    return errors


@lru_cache(maxsize=64)
def _plain_numbers(*, required: bool, negative_allowed: bool, whole_digits: int) -> re.Pattern:
    """Lines that parse_number returns unchanged and that pass the sign and size checks."""
    number = rf"{'-?' if negative_allowed else ''}[0-9]{{1,{whole_digits}}}(?:\.[0-9]+)?"
    return re.compile(number if required else f"(?:{number})?")


def _numbers(
    spec: FieldSpec, convert: Converter, cells: list[str], decimal_separator: str
) -> tuple[list[str], ColumnErrors]:
    joined = "\n".join(cells)
    if decimal_separator == ",":
        joined = joined.replace(".", "").replace(",", ".")
    else:
        joined = joined.replace(",", "")
    lines = joined.split("\n")
    if len(lines) != len(cells):  # a cell held a line break: no shortcut
        values: list[Cell] = list(cells)
        return values, _each(convert, values, range(len(values)))  # type: ignore[return-value]
    line = _plain_numbers(
        required=spec.required,
        negative_allowed=spec.negative_allowed,
        whole_digits=spec.max_digits - spec.decimal_places,
    )
    # One C-level pass when every line is plain (the usual case) ...
    if re.fullmatch(rf"{line.pattern}(?:\n{line.pattern})*", joined):
        return lines, {}
    # ... else only the odd lines go through the per-cell converter.
    odd = [position for position, text in enumerate(lines) if not line.fullmatch(text)]
    values = list(lines)
    for position in odd:
        values[position] = cells[position]
    return values, _each(convert, values, odd)  # type: ignore[return-value]


def _texts(spec: FieldSpec, convert: Converter, cells: list[str]) -> tuple[list[str], ColumnErrors]:
    values = [cell.strip() for cell in cells]
    odd: list[int] = []
    if spec.required and not all(values):
        odd = [position for position, text in enumerate(values) if not text]
    if values and max(map(len, values)) > spec.max_length:
        odd = sorted({*odd, *(p for p, text in enumerate(values) if len(text) > spec.max_length)})
    if not odd:
        return values, {}
    converted: list[Cell] = list(values)
    for position in odd:
        converted[position] = cells[position]
    return converted, _each(convert, converted, odd)  # type: ignore[return-value]


def _memoised(
    convert: Converter, cells: list[str], memo: dict[str, str]
) -> tuple[list[str], ColumnErrors]:
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    values = list(map(memo.get, cells))
    errors: ColumnErrors = {}
    for position in [p for p, value in enumerate(values) if value is None]:
        cell = cells[position]
        try:
            values[position] = memo[cell] = convert(cell)
        except CellError as error:  # not remembered: errors are rare and each is reported
            values[position] = ""
            errors[position] = str(error)
    return values, errors  # type: ignore[return-value]


class ColumnConverter:
    """Converts one field's column, chunk after chunk (it remembers dates and codes)."""

    def __init__(
        self, spec: FieldSpec, convert: Converter, *, decimal_separator: str, text_cells: bool
    ) -> None:
        self.spec = spec
        self.convert = convert
        self.decimal_separator = decimal_separator
        self.text_cells = text_cells  # CSV: every cell is a str
        self.memo: dict[str, str] = {}

    def __call__(self, cells: list[Cell]) -> tuple[list[str], ColumnErrors]:
        if not self.text_cells:
            values = list(cells)
            return values, _each(self.convert, values, range(len(values)))  # type: ignore[return-value]
        texts: list[str] = cells  # type: ignore[assignment]
        if self.spec.kind == "number":
            return _numbers(self.spec, self.convert, texts, self.decimal_separator)
        if self.spec.kind == "text":
            return _texts(self.spec, self.convert, texts)
        return _memoised(self.convert, texts, self.memo)
