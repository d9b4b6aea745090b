"""Turning one file cell into a clean value, or a reason it cannot be one.

A converter takes the raw cell (text from CSV; text, number or date from XLSX)
and returns normalised text ready for COPY and hashing: ``""`` for an empty
optional cell, ISO dates, numbers with a decimal point. It raises
:class:`CellError` with the reason a person reads in the error table.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

from accounts.imports.fields import FieldSpec
from accounts.imports.parsing import number_fits, parse_date, parse_number
from accounts.imports.reading import Cell

_CURRENCY = re.compile(r"^[A-Z]{3}$")

Converter = Callable[[Cell], str]


class CellError(ValueError):
    pass


def quoted(value: object) -> str:
    """A cell's text between quotes, exactly as the file holds it.

    Not ``repr``: that doubles every backslash (``'C:\\\\temp'``) and switches
    to double quotes around an apostrophe, so the message no longer shows
    what the person sees in the file.
    """
    return f"'{value}'"


def _text_of(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # Excel stores customer number 1042 as 1042.0
    return str(cell).strip()


def _required(spec: FieldSpec, text: str) -> str:
    if not text and spec.required:
        raise CellError(f"{spec.label} is missing; it is required.")
    return text


def text_converter(spec: FieldSpec) -> Converter:
    def convert(cell: Cell) -> str:
        text = _required(spec, _text_of(cell))
        if len(text) > spec.max_length:
            raise CellError(
                f"{spec.label} is {len(text)} characters long; at most {spec.max_length} fit."
            )
        return text

    return convert


def number_converter(spec: FieldSpec, *, decimal_separator: str) -> Converter:
    def convert(cell: Cell) -> str:
        if isinstance(cell, bool):
            raise CellError(f"{spec.label}: {quoted(cell)} is not a number.")
        if isinstance(cell, int | float):
            # Excel numbers arrive as numbers: no separators to interpret.
            text = format(Decimal(repr(cell)), "f") if isinstance(cell, float) else str(cell)
        else:
            raw = _required(spec, _text_of(cell))
            if not raw:
                return ""
            parsed = parse_number(raw, decimal_separator=decimal_separator)
            if parsed is None:
                example = "1.234,50" if decimal_separator == "," else "1,234.50"
                raise CellError(
                    f"{spec.label}: {quoted(raw)} is not a number"
                    f" (expected something like {example})."
                )
            text = parsed
        if text.startswith("-") and not spec.negative_allowed:
            raise CellError(f"{spec.label} is negative ({text}); it must be zero or more.")
        if not number_fits(text, max_digits=spec.max_digits, decimal_places=spec.decimal_places):
            raise CellError(f"{spec.label}: {text} is too large.")
        return text

    return convert


def date_converter(spec: FieldSpec, *, slash_order: str) -> Converter:
    # Dates repeat a lot in sales files (a few thousand days for a million
    # lines): each distinct text is parsed once.
    cache: dict[str, str] = {}

    def convert(cell: Cell) -> str:
        if isinstance(cell, datetime.datetime):
            return cell.date().isoformat()
        if isinstance(cell, datetime.date):
            return cell.isoformat()
        raw = _required(spec, _text_of(cell))
        if not raw:
            return ""
        found = cache.get(raw)
        if found is None:
            day = parse_date(raw, slash_order=slash_order)
            if day is None or not 1900 <= day.year <= 2200:
                raise CellError(
                    f"{spec.label}: {quoted(raw)} is not a date we can read (use 2024-03-31,"
                    " 31.03.2024 or the slash format chosen for this file)."
                )
            found = cache[raw] = day.isoformat()
        return found

    return convert


def tier_converter(spec: FieldSpec) -> Converter:
    def convert(cell: Cell) -> str:
        text = _text_of(cell)
        if not text:
            return ""
        text = text.removeprefix("Tier ").removeprefix("tier ").strip()
        if text not in {"1", "2", "3"}:
            raise CellError(f"{spec.label}: {quoted(_text_of(cell))} is not a tier; use 1, 2 or 3.")
        return text

    return convert


def currency_converter(spec: FieldSpec) -> Converter:
    def convert(cell: Cell) -> str:
        text = _required(spec, _text_of(cell)).upper()
        if text and not _CURRENCY.match(text):
            raise CellError(
                f"{spec.label}: {quoted(_text_of(cell))} is not a currency code; use three letters"
                " such as EUR or USD."
            )
        return text

    return convert


def converter_for(spec: FieldSpec, *, decimal_separator: str, slash_order: str) -> Converter:
    if spec.kind == "number":
        return number_converter(spec, decimal_separator=decimal_separator)
    if spec.kind == "date":
        return date_converter(spec, slash_order=slash_order)
    if spec.kind == "tier":
        return tier_converter(spec)
    if spec.kind == "currency":
        return currency_converter(spec)
    return text_converter(spec)
