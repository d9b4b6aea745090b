"""Reading an uploaded file row by row: CSV in any common encoding, or XLSX.

Nothing here holds a whole file in memory: CSV is decoded as a stream, XLSX is
opened with openpyxl's ``read_only`` mode, which parses the sheet lazily.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from charset_normalizer import from_bytes
from openpyxl import load_workbook

#: How much of a file the encoding and delimiter guesses look at.
SAMPLE_BYTES = 256 * 1024

#: Encodings we accept besides UTF-8: what Windows and old ERP systems write in
#: Western Europe. Anything else is refused with a specific message rather than
#: read into garbled names.
WESTERN_ENCODINGS: dict[str, str] = {
    "cp1252": "Windows-1252",
    "latin_1": "Latin-1 (ISO 8859-1)",
    "iso8859_15": "Latin-9 (ISO 8859-15)",
}

FILE_TYPES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx"}


class UnreadableFile(ValueError):
    """The file cannot be read; the message says why, in words for the person."""


Cell = str | int | float | datetime.datetime | datetime.date | None


@dataclass(frozen=True)
class FileFormat:
    file_type: str  # "csv" or "xlsx"
    encoding: str = ""  # Python codec name, CSV only
    encoding_label: str = ""  # what we tell the person
    delimiter: str = ","

    def as_options(self) -> dict[str, str]:
        return {
            "file_type": self.file_type,
            "encoding": self.encoding,
            "encoding_label": self.encoding_label,
            "delimiter": self.delimiter,
        }

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> FileFormat:
        return cls(
            file_type=options.get("file_type", "csv"),
            encoding=options.get("encoding", "utf-8"),
            encoding_label=options.get("encoding_label", "UTF-8"),
            delimiter=options.get("delimiter", ","),
        )


def file_type_of(filename: str) -> str | None:
    return FILE_TYPES.get(Path(filename).suffix.lower())


def _is_utf8(handle: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        while chunk := handle.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_encoding(path: Path) -> tuple[str, str]:
    """(codec, label) for a CSV file, or :class:`UnreadableFile`."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnreadableFile(
                "This does not look like a text (CSV) file. Upload a CSV or an Excel"
                " workbook (.xlsx)."
            )
        if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", "UTF-16"
        handle.seek(0)
        if _is_utf8(handle):
            return "utf-8-sig", "UTF-8"
    best = from_bytes(sample).best()
    guess = best.encoding if best is not None else ""
    if guess in WESTERN_ENCODINGS:
        return guess, WESTERN_ENCODINGS[guess]
    # charset-normalizer often names a sibling code page (cp1250, mac_roman) for
    # short Western texts; Windows-1252 reads them the same when it can decode them.
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "This file is not UTF-8 and not in a Western European encoding we can read"
            f"{f' (it looks like {guess})' if guess else ''}. Save it as 'CSV UTF-8' and"
            " upload it again."
        ) from None
    return "cp1252", WESTERN_ENCODINGS["cp1252"]


def _detect_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", "\t", ",", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def detect_format(path: Path, filename: str) -> FileFormat:
    """Recognise the file's type, encoding and delimiter, or raise :class:`UnreadableFile`."""
    file_type = file_type_of(filename)
    if file_type is None:
        suffix = Path(filename).suffix.lower() or "without an extension"
        if suffix == ".xls":
            raise UnreadableFile(
                "Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as CSV."
            )
        raise UnreadableFile(
            f"Files {suffix} cannot be imported. Upload a CSV file (.csv, .txt, .tsv) or an"
            " Excel workbook (.xlsx)."
        )
    if path.stat().st_size == 0:
        raise UnreadableFile("The file is empty. Export the data again and upload the new file.")
    if file_type == "xlsx":
        if not zipfile.is_zipfile(path):
            raise UnreadableFile(
                "This file is named .xlsx but is not an Excel workbook. Open it in Excel and"
                " save it again as .xlsx, or export CSV."
            )
        return FileFormat(file_type="xlsx")
    encoding, label = _detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as handle:
        first_line = handle.readline()
    return FileFormat(
        file_type="csv",
        encoding=encoding,
        encoding_label=label,
        delimiter=_detect_delimiter(first_line),
    )


def _csv_rows(path: Path, file_format: FileFormat) -> Iterator[list[Cell]]:
    with path.open("r", encoding=file_format.encoding, newline="") as handle:
        yield from csv.reader(handle, delimiter=file_format.delimiter)


def _xlsx_rows(path: Path) -> Iterator[list[Cell]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            "This Excel workbook could not be opened. Save it again in Excel as .xlsx,"
            " or export CSV."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def iter_rows(path: Path, file_format: FileFormat) -> Iterator[list[Cell]]:
    """Every row of the file, the header first; fully empty rows are skipped."""
    if file_format.file_type == "csv":
        # CSV cells are text: a row is empty when its joined text is only blanks.
        for row in _csv_rows(path, file_format):
            if "".join(row).strip():  # type: ignore[arg-type]
                yield row
        return
    for row in _xlsx_rows(path):
        if any(cell is not None and str(cell).strip() != "" for cell in row):
            yield row


def estimated_rows(path: Path, file_format: FileFormat) -> int:
    """About how many rows the file has, without reading them: line breaks, or the sheet's size."""
    if file_format.file_type == "csv":
        with path.open("rb") as handle:
            return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(
            "This Excel workbook could not be opened. Save it again in Excel as .xlsx,"
            " or export CSV."
        ) from None
    try:
        # The sheet's recorded dimension; a sheet written without one counts as large.
        return workbook.worksheets[0].max_row or 1_000_000
    finally:
        workbook.close()


def read_headers(path: Path, file_format: FileFormat) -> list[str]:
    """The header row, or :class:`UnreadableFile` when there is no header or no data row."""
    rows = iter_rows(path, file_format)
    try:
        header = next(rows)
    except StopIteration:
        raise UnreadableFile(
            "The file has no rows. Export the data again and upload the new file."
        ) from None
    except UnicodeDecodeError:
        raise UnreadableFile(
            "Part of this file is not valid text in its encoding. Save it as 'CSV UTF-8' and"
            " upload it again."
        ) from None
    headers = [str(cell).strip() if cell is not None else "" for cell in header]
    if next(rows, None) is None:
        raise UnreadableFile(
            "The file has a header row but no data. Export again including the rows."
        )
    names = [h for h in headers if h]
    if len(set(names)) != len(names):
        twice = sorted({h for h in names if names.count(h) > 1})
        raise UnreadableFile(
            f"The column {', '.join(f"'{h}'" for h in twice)} appears twice in the header row."
            " Give every column its own name."
        )
    return headers


def text_sample(stream: io.TextIOBase, size: int = SAMPLE_BYTES) -> str:
    return stream.read(size)
