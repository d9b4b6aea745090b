"""Checking every row of an import before anything is written.

One streaming pass over the file converts each mapped cell (``rows.py``), runs
the checks of the kind (unknown customer, duplicate line, missing exchange
rate, ...) and writes

* ``staged.csv``: the clean rows, in the column order of :data:`STAGED_FIELDS`,
  which the apply step loads (COPY on PostgreSQL) without parsing anything again;
* ``errors.csv``: every error (line, column, reason), offered as a download.

A second pass over the staged rows (``changes.py``, called by the service after
this one) compares them with what the workspace already holds, to count new,
changed and unchanged rows.

Natural keys, so that importing the same file twice adds nothing: customer
number, offering code, (currency, valid from) for exchange rates, and for sales
lines the line id column when the file has one. A sales file without line ids
gets a derived key: ``row:`` + the SHA-256 of the line's cleaned values (so the
same line written with a decimal comma or in XLSX gets the same key) + ``#`` +
how many identical lines came before it in the file. Two identical lines (same
customer, day, product and amounts) are therefore two lines, and re-importing
the file finds both again.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from accounts.currency import load_rate_table
from accounts.imports.columns import ColumnConverter
from accounts.imports.fields import FieldSpec, fields_for
from accounts.imports.parsing import (
    AmbiguousDates,
    detect_decimal_separator,
    detect_slash_order,
    slash_order_for,
)
from accounts.imports.reading import Cell, FileFormat, iter_rows
from accounts.imports.rows import CellError, converter_for, quoted
from accounts.imports.staged import CheckResult, Progress, WorkFiles, staged_fields
from accounts.models import Customer, ImportKind, Offering
from kam.workspaces.models import Workspace

MAX_STORED_ERRORS = 200
PREVIEW_ROWS = 10
SAMPLE_ROWS = 2000


class MappingProblem(ValueError):
    """The mapping or options cannot be used; ``errors`` maps a form field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# -- options ------------------------------------------------------------------


def _samples(path: Path, file_format: FileFormat, column: int) -> Iterator[str]:
    rows = iter_rows(path, file_format)
    next(rows, None)
    for row in itertools.islice(rows, SAMPLE_ROWS):
        if column < len(row) and isinstance(row[column], str):
            yield row[column]  # type: ignore[misc]


def resolve_options(
    *, kind: str, path: Path, file_format: FileFormat, columns: dict[str, int], options: dict
) -> tuple[str, str]:
    """(slash order, decimal separator) to read the file with; :class:`MappingProblem` if unsure."""
    date_format = options.get("date_format", "auto")
    slash_order = slash_order_for(date_format)
    if slash_order is None:
        slash_order = "dmy"
        for spec in fields_for(kind):
            if spec.kind == "date" and spec.name in columns:
                try:
                    slash_order = (
                        detect_slash_order(_samples(path, file_format, columns[spec.name])) or "dmy"
                    )
                except AmbiguousDates:
                    raise MappingProblem(
                        {
                            "date_format": "The dates with slashes could be day/month or"
                            " month/day (for example 03/04/2024). Choose the date format of"
                            " this file."
                        }
                    ) from None
    separator = options.get("decimal_separator", "auto")
    if separator not in {".", ","}:
        samples = [
            text
            for spec in fields_for(kind)
            if spec.kind == "number" and spec.name in columns
            for text in _samples(path, file_format, columns[spec.name])
        ]
        separator = detect_decimal_separator(samples)
    return slash_order, separator


# -- a chunk of rows on its way through the check ----------------------------

CHUNK_ROWS = 10_000

#: Sort order of a checker's problem after the cell problems of the same row.
ROW_CHECK = 1_000


@dataclass
class Chunk:
    """Up to :data:`CHUNK_ROWS` rows: their converted columns, problems and staged rows."""

    first_line: int
    columns: dict[str, list[str]]  # every field of the kind; "" where not mapped
    preview_wanted: int = 0
    failed: set[int] = field(default_factory=set)  # positions with a problem
    problems: list[tuple[int, int, str, str]] = field(default_factory=list)
    staged: list[Sequence[str]] = field(default_factory=list)
    preview: list[dict[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))

    def problem(self, position: int, column: str, reason: str, order: int = ROW_CHECK) -> None:
        self.problems.append((position, order, column, reason))
        self.failed.add(position)

    @property
    def wants_preview(self) -> bool:
        return len(self.preview) < self.preview_wanted

    def accepted(self, position: int, values: dict[str, str]) -> None:
        if self.wants_preview:
            self.preview.append({"line": str(self.first_line + position), **values})


# -- the kind-specific checks -------------------------------------------------


class _Checker:
    """Checks of one kind beyond single cells; returns the staged row or raises."""

    key_field: str

    def __init__(self, workspace: Workspace, columns: dict[str, str]) -> None:
        self.workspace = workspace
        self.columns = columns  # our field -> the file's column name
        self.seen: dict[Any, int] = {}

    def error(self, field_name: str, reason: str) -> CellError:
        error = CellError(reason)
        error.column = self.columns.get(field_name, "")  # type: ignore[attr-defined]
        return error

    def once(self, key: Any, line: int, field_name: str, what: str) -> None:
        first = self.seen.setdefault(key, line)
        if first != line:
            raise self.error(field_name, f"{what} appears again; first on line {first}.")

    def stage(self, values: dict[str, str], line: int) -> list[str]:
        raise NotImplementedError

    def stage_chunk(self, chunk: Chunk) -> None:
        """Stage every row of ``chunk`` without a cell error, one at a time."""
        names = list(chunk.columns)
        for position, row in enumerate(zip(*chunk.columns.values(), strict=True)):
            if position in chunk.failed:
                continue
            values = dict(zip(names, row, strict=True))
            try:
                chunk.staged.append(self.stage(values, chunk.first_line + position))
            except CellError as error:
                chunk.problem(position, getattr(error, "column", ""), str(error))
                continue
            chunk.accepted(position, values)


class _CustomerChecker(_Checker):
    def stage(self, values: dict[str, str], line: int) -> list[str]:
        self.once(values["external_id"], line, "external_id", f"Customer {values['external_id']}")
        return [values[name] for name in staged_fields(ImportKind.CUSTOMERS)]


class _OfferingChecker(_Checker):
    def stage(self, values: dict[str, str], line: int) -> list[str]:
        self.once(values["code"], line, "code", f"Offering {values['code']}")
        return [values[name] for name in staged_fields(ImportKind.OFFERINGS)]


class _ExchangeRateChecker(_Checker):
    def stage(self, values: dict[str, str], line: int) -> list[str]:
        if values["currency"] == self.workspace.reporting_currency:
            raise self.error(
                "currency",
                f"{values['currency']} is the reporting currency; it needs no exchange rate.",
            )
        if Decimal(values["rate"]) == 0:
            raise self.error("rate", "Rate is zero; it must be above zero.")
        self.once(
            (values["currency"], values["valid_from"]),
            line,
            "valid_from",
            f"The rate of {values['currency']} from {values['valid_from']}",
        )
        return [values[name] for name in staged_fields(ImportKind.EXCHANGE_RATES)]


class _SalesLineChecker(_Checker):
    def __init__(self, workspace: Workspace, columns: dict[str, str]) -> None:
        super().__init__(workspace, columns)
        self.customers = set(Customer.objects.values_list("external_id", flat=True))
        self.offerings = set(Offering.objects.values_list("code", flat=True))
        self.reporting = workspace.reporting_currency
        self.rates = load_rate_table(reporting_currency=self.reporting)
        self.has_rate: dict[tuple[str, str], bool] = {}
        self.fields = staged_fields(ImportKind.SALES_LINES)[1:]
        self.line_ids = "line_id" in columns

    def stage_chunk(self, chunk: Chunk) -> None:
        """Column by column, in the order a row's checks are made: it gets the first failing.

        Line keys: the line id, or ``row:`` + SHA-256 of the cleaned values +
        ``#`` + how many identical lines came before (see the module's docs).
        """
        columns, failed = chunk.columns, chunk.failed
        size = len(chunk)
        if "currency" in self.columns:
            columns["currency"] = [code or self.reporting for code in columns["currency"]]
        else:
            columns["currency"] = [self.reporting] * size
        for position, number in enumerate(columns["customer"]):
            if number not in self.customers and position not in failed:
                chunk.problem(position, *self._unknown_customer(number))
        if "offering" in self.columns:
            for position, code in enumerate(columns["offering"]):
                if code and code not in self.offerings and position not in failed:
                    chunk.problem(position, *self._unknown_offering(code))
        if "currency" in self.columns:
            for position, (code, day) in enumerate(
                zip(columns["currency"], columns["date"], strict=True)
            ):
                if code != self.reporting and position not in failed:
                    reason = self._missing_rate(code, day)
                    if reason:
                        chunk.problem(position, self.columns.get("currency", ""), reason)
        if self.line_ids:
            self._check_line_ids(chunk)
        kept = [p for p in range(size) if p not in failed] if failed else range(size)
        values = [columns[name] for name in self.fields]
        if failed:
            values = [[column[p] for p in kept] for column in values]
        if self.line_ids:
            keys = [columns["line_id"][p] for p in kept]
        else:
            keys = self._row_keys(map("\x1f".join, zip(*values, strict=True)))
        chunk.staged.extend(zip(keys, *values, strict=True))
        for position in kept[: chunk.preview_wanted]:
            chunk.accepted(position, {name: column[position] for name, column in columns.items()})

    def _check_line_ids(self, chunk: Chunk) -> None:
        column = self.columns.get("line_id", "")
        for position, line_id in enumerate(chunk.columns["line_id"]):
            if position in chunk.failed:
                continue
            if not line_id:
                chunk.problem(position, column, "Line id is missing; it is required in this file.")
                continue
            line = chunk.first_line + position
            first = self.seen.setdefault(line_id, line)
            if first != line:
                chunk.problem(
                    position, column, f"Line {line_id} appears again; first on line {first}."
                )

    def _row_keys(self, rows: Iterator[str]) -> list[str]:
        sha256, seen = hashlib.sha256, self.seen
        keys = []
        for digest in [sha256(row.encode()).digest()[:20] for row in rows]:
            occurrence = seen.get(digest, 0)
            seen[digest] = occurrence + 1
            keys.append(f"row:{digest.hex()}#{occurrence}")
        return keys

    def _unknown_customer(self, number: str) -> tuple[str, str]:
        return (
            self.columns.get("customer", ""),
            f"Unknown customer {number}: no customer has this number in this"
            " workspace. Import the customers first, or correct the number.",
        )

    def _unknown_offering(self, code: str) -> tuple[str, str]:
        return (
            self.columns.get("offering", ""),
            f"Unknown offering {code}. Import the offerings first, or correct the code.",
        )

    def _missing_rate(self, currency: str, day: str) -> str:
        pair = (currency, day)
        known = self.has_rate.get(pair)
        if known is None:
            on = datetime.date.fromisoformat(day)
            known = self.has_rate[pair] = self.rates.rate_on(currency, on) is not None
        if known:
            return ""
        return (
            f"No exchange rate for {currency} on or before {day}. Add the rate"
            " (or import exchange rates) and check again."
        )


CHECKERS: dict[str, type[_Checker]] = {
    ImportKind.CUSTOMERS: _CustomerChecker,
    ImportKind.OFFERINGS: _OfferingChecker,
    ImportKind.EXCHANGE_RATES: _ExchangeRateChecker,
    ImportKind.SALES_LINES: _SalesLineChecker,
}


# -- the pass over the file ---------------------------------------------------


def _write_staged(handle: TextIO, writer: Any, rows: list[Sequence[str]]) -> None:
    """Rows as CSV; joined directly when no value needs quoting (the usual case)."""
    if not rows:
        return
    text = "\n".join(map(",".join, rows))
    separators = len(rows) * (len(rows[0]) - 1)
    # Each row adds exactly its separators when no value holds a comma, and one
    # line break less than the rows when no value holds a line break.
    if (
        '"' not in text
        and "\r" not in text
        and text.count(",") == separators
        and text.count("\n") == len(rows) - 1
    ):
        handle.write(text + "\n")
    else:
        writer.writerows(rows)


def _convert_chunk(
    block: list[list[Cell]],
    plan: list[tuple[int, FieldSpec, int, ColumnConverter]],
    unmapped: list[str],
    *,
    first_line: int,
    width: int,
    mapping: dict[str, str],
    pad: str | None,
) -> Chunk:
    """Every mapped column of ``block`` converted; each unreadable cell is a problem."""
    if any(len(row) < width for row in block):
        # Short rows (a CSV line with fewer separators) read as empty cells.
        block = [row if len(row) >= width else [*row, *[pad] * (width - len(row))] for row in block]
    columns: dict[str, list[str]] = {}
    chunk = Chunk(first_line=first_line, columns=columns)
    for order, spec, index, convert in plan:
        values, errors = convert(list(map(itemgetter(index), block)))
        columns[spec.name] = values
        for position, reason in errors.items():
            chunk.problem(position, mapping.get(spec.name, ""), reason, order)
    for name in unmapped:
        columns[name] = [""] * len(block)
    return chunk


def check_file(
    *,
    workspace: Workspace,
    kind: str,
    path: Path,
    file_format: FileFormat,
    headers: list[str],
    mapping: dict[str, str],
    options: dict[str, Any],
    work: WorkFiles,
    progress: Progress | None = None,
) -> CheckResult:
    """Check every row; write ``staged.csv`` and ``errors.csv``. Writes nothing else.

    Counting what the rows would change is the next step (``changes.count_changes``).

    ``progress(rows_read)`` is called after each chunk (for the background check).
    """
    specs = fields_for(kind)
    problems = {
        spec.name: f"Choose the column that holds {spec.label.lower()}; it is required."
        for spec in specs
        if spec.required and not mapping.get(spec.name)
    }
    unknown = {name: column for name, column in mapping.items() if column and column not in headers}
    for name, column in unknown.items():
        problems[name] = f"The file has no column {quoted(column)}."
    if problems:
        raise MappingProblem(problems)
    columns = {name: headers.index(column) for name, column in mapping.items() if column}
    slash_order, separator = resolve_options(
        kind=kind, path=path, file_format=file_format, columns=columns, options=options
    )
    result = CheckResult(
        date_format=options.get("date_format", "auto"), decimal_separator=separator
    )
    if file_format.file_type == "csv" and file_format.encoding_label != "UTF-8":
        result.notices.append(
            f"The file is not UTF-8; it was read as {file_format.encoding_label}. Check that"
            " names with accents look right in the preview."
        )
    text_cells = file_format.file_type == "csv"
    plan = [
        (
            order,
            spec,
            columns[spec.name],
            ColumnConverter(
                spec,
                converter_for(spec, decimal_separator=separator, slash_order=slash_order),
                decimal_separator=separator,
                text_cells=text_cells,
            ),
        )
        for order, spec in enumerate(specs)
        if spec.name in columns
    ]
    unmapped = [spec.name for spec in specs if spec.name not in columns]
    width = max(columns.values(), default=-1) + 1
    checker = CHECKERS[kind](workspace, {n: c for n, c in mapping.items() if c})
    work.directory.mkdir(parents=True, exist_ok=True)
    with (
        work.staged.open("w", newline="", encoding="utf-8") as staged_file,
        work.errors.open("w", newline="", encoding="utf-8") as errors_file,
    ):
        # One line-ending style throughout: COPY refuses a file that mixes them.
        staged_writer = csv.writer(staged_file, lineterminator="\n")
        errors_writer = csv.writer(errors_file)
        errors_writer.writerow(["Line", "Column", "Problem"])
        rows = iter_rows(path, file_format)
        next(rows, None)  # the header
        line = 2  # line numbers as a spreadsheet shows them: the header is line 1
        while block := list(itertools.islice(rows, CHUNK_ROWS)):
            chunk = _convert_chunk(
                block,
                plan,
                unmapped,
                first_line=line,
                width=width,
                mapping=mapping,
                pad="" if text_cells else None,
            )
            chunk.preview_wanted = PREVIEW_ROWS - len(result.preview)
            checker.stage_chunk(chunk)
            for position, _order, column, reason in sorted(chunk.problems):
                result.errors += 1
                errors_writer.writerow([line + position, column, reason])
                if len(result.first_errors) < MAX_STORED_ERRORS:
                    result.first_errors.append(
                        {"line": line + position, "column": column, "reason": reason}
                    )
            _write_staged(staged_file, staged_writer, chunk.staged)
            result.preview.extend(chunk.preview)
            result.rows += len(block)
            result.valid += len(chunk.staged)
            line += len(block)
            if progress is not None:
                progress(result.rows)
    if result.rows == 0:
        raise MappingProblem({"file": "The file has a header row but no data."})
    return result


def read_errors(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.reader(handle)
