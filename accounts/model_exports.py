"""The per-customer model summary as a download: CSV or an Excel workbook.

Text cells pass through ``kam.spreadsheets.spreadsheet_safe`` so a customer
named "=HYPERLINK(...)" stays text in Excel. Unknown values (no prediction, no
repeat purchase) are empty cells, never 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from kam.spreadsheets import spreadsheet_safe

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def summary_download(
    *, headers: Sequence[str], rows: Sequence[Sequence[Any]], file_format: str, stem: str
) -> HttpResponse:
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    if file_format == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if value is None else _cell(value) for value in row])
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_workbook(headers, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


def _workbook(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Customers")
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_cell(value) for value in row])  # dates stay dates
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
