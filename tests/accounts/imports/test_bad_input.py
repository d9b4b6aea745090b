"""Every kind of bad input gets its own message, and nothing is written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.imports import apply as apply_module
from accounts.imports import validation
from accounts.models import Customer, ExchangeRate, ImportBatch, ImportStatus, SalesLine
from kam.tenancy.context import workspace_context
from tests.accounts.imports.conftest import Importer
from tests.factories import WorkspaceWorld

CUSTOMERS = b"customer no,name\nK-1,Alpha\nK-2,Beta\n"


def _counts(world: WorkspaceWorld) -> tuple[int, int, int, int]:
    with workspace_context(world.a.workspace):
        return (
            Customer.objects.count(),
            SalesLine.objects.count(),
            ExchangeRate.objects.count(),
            ImportBatch.objects.count(),
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("header.csv", b"customer no,name\n", "has a header row but no data"),
        ("notes.pdf", b"%PDF-1.4", "Files .pdf cannot be imported"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "Old Excel files (.xls) cannot be read"),
        ("fake.xlsx", b"customer no,name\nK-1,A\n", "is not an Excel workbook"),
        ("binary.csv", b"\x00\x01\x02\x03name\n", "does not look like a text (CSV) file"),
    ],
)
def test_unreadable_files_are_refused_with_a_specific_message(
    importer: Importer, world: WorkspaceWorld, name: str, content: bytes, message: str
) -> None:
    before = _counts(world)
    response = importer.upload("customers", name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts(world) == before


def test_a_windows_1252_file_is_read_and_the_encoding_named(
    importer: Importer, world: WorkspaceWorld
) -> None:
    content = "Kundennummer;Name\nK-1;Müller & Söhne\n".encode("cp1252")
    batch = importer.run("customers", "legacy.csv", content)
    assert batch.status == ImportStatus.APPLIED
    assert "Windows-1252" in " ".join(batch.summary["check"]["notices"])
    with workspace_context(world.a.workspace):
        assert Customer.objects.get(external_id="K-1").name == "Müller & Söhne"


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    admin_client: Client, world: WorkspaceWorld, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 1024
    before = _counts(world)
    # The announced length alone decides: the body is never read.
    response = admin_client.generic(
        "POST",
        reverse("imports:upload"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "larger than the 0 MB" in response.content.decode() or "This one is 500 MB" in (
        response.content.decode()
    )
    assert _counts(world) == before


def test_an_upload_that_grows_past_the_limit_is_stopped(
    importer: Importer, world: WorkspaceWorld, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    before = _counts(world)
    response = importer.upload("customers", "big.csv", b"customer no,name\n" + b"K,A\n" * 1000)
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert _counts(world) == before


def _checked(importer: Importer, kind: str, content: bytes, **post: str) -> ImportBatch:
    response = importer.upload(kind, "file.csv", content)
    assert response.status_code == 302, response.content.decode()[:1000]
    importer.check(importer.batch(), **post)
    return importer.batch()


def _reasons(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(e["line"], e["column"], e["reason"]) for e in batch.errors]


@pytest.mark.parametrize("chunk_rows", [10_000, 3])  # 3: problems across chunk boundaries
def test_row_errors_name_line_column_and_reason_and_block_apply(
    importer: Importer, world: WorkspaceWorld, monkeypatch: pytest.MonkeyPatch, chunk_rows: int
) -> None:
    monkeypatch.setattr(validation, "CHUNK_ROWS", chunk_rows)
    importer.run("customers", "c.csv", CUSTOMERS)
    before = _counts(world)
    content = (
        b"line id,customer no,date,net amount,delivery cost,currency\n"
        b"L1,K-1,2024-01-05,100.00,1.00,EUR\n"  # fine
        b"L2,K-9,2024-01-05,100.00,1.00,EUR\n"  # unknown customer
        b"L1,K-1,2024-01-06,100.00,1.00,EUR\n"  # duplicated line id
        b"L3,K-1,2024-13-45,100.00,1.00,EUR\n"  # unparsable date
        b"L4,K-1,2024-01-05,12x,1.00,EUR\n"  # unparsable number
        b"L5,K-1,2024-01-05,100.00,-3.00,EUR\n"  # negative cost to serve
        b"L6,K-1,2024-01-05,,1.00,EUR\n"  # missing required value
        b"L7,K-2,2024-01-05,100.00,1.00,GBP\n"  # no exchange rate
    )
    batch = _checked(importer, "sales_lines", content)
    reasons = _reasons(batch)
    assert batch.error_count == 7, reasons
    assert reasons[0][:2] == (3, "customer no") and "Unknown customer K-9" in reasons[0][2]
    assert reasons[1][:2] == (4, "line id") and "first on line 2" in reasons[1][2]
    assert reasons[2][:2] == (5, "date") and "'2024-13-45' is not a date" in reasons[2][2]
    assert reasons[3][:2] == (6, "net amount") and "'12x' is not a number" in reasons[3][2]
    assert reasons[4][:2] == (7, "delivery cost") and "negative" in reasons[4][2]
    assert reasons[5][:2] == (8, "net amount") and "missing" in reasons[5][2]
    assert reasons[6][:2] == (9, "currency") and "No exchange rate for GBP" in reasons[6][2]
    page = importer.client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "disabled" in page
    response = importer.apply(batch)
    assert response.status_code == 409
    assert "7 errors" in response.content.decode()
    assert _counts(world)[:3] == before[:3]


def test_with_the_rate_in_place_the_currency_line_passes(
    importer: Importer, world: WorkspaceWorld
) -> None:
    importer.run("customers", "c.csv", CUSTOMERS)
    importer.run("exchange_rates", "r.csv", b"currency,valid from,rate\nCHF,01.01.2024,1.05\n")
    batch = importer.run(
        "sales_lines", "s.csv", b"customer no,date,net amount,currency\nK-2,2024-01-05,10,CHF\n"
    )
    assert batch.status == ImportStatus.APPLIED
    with workspace_context(world.a.workspace):
        assert SalesLine.objects.get(customer__external_id="K-2").currency == "CHF"


def test_ambiguous_slash_dates_ask_for_a_choice(importer: Importer, world: WorkspaceWorld) -> None:
    importer.run("customers", "c.csv", CUSTOMERS)
    content = b"customer no,date,net amount\nK-1,03/04/2024,10\nK-1,05/06/2024,10\n"
    response = importer.upload("sales_lines", "s.csv", content)
    batch = importer.batch()
    response = importer.check(batch)
    assert response.status_code == 400
    assert "could be day/month or month/day" in response.content.decode()
    response = importer.check(batch, date_format="mdy_slash")
    assert response.status_code == 302
    importer.apply(importer.batch())
    with workspace_context(world.a.workspace):
        dates = sorted(
            str(d)
            for d in SalesLine.objects.filter(customer__external_id="K-1").values_list(
                "date", flat=True
            )
        )
    assert dates == ["2024-03-04", "2024-05-06"]


def test_unambiguous_slash_dates_are_recognised(importer: Importer, world: WorkspaceWorld) -> None:
    importer.run("customers", "c.csv", CUSTOMERS)
    importer.run(
        "sales_lines",
        "s.csv",
        b"customer no,date,net amount\nK-1,03/25/2024,10\nK-1,04/01/2024,5\n",
    )
    with workspace_context(world.a.workspace):
        dates = sorted(
            str(d)
            for d in SalesLine.objects.filter(customer__external_id="K-1").values_list(
                "date", flat=True
            )
        )
    assert dates == ["2024-03-25", "2024-04-01"]


def test_missing_required_column_is_named(importer: Importer) -> None:
    importer.upload("customers", "c.csv", b"customer no,region\nK-1,North\n")
    response = importer.check(importer.batch())
    assert response.status_code == 400
    assert "Choose the column that holds name" in response.content.decode()


def test_duplicate_customer_numbers_in_one_file(importer: Importer) -> None:
    batch = _checked(importer, "customers", b"customer no,name\nK-1,A\nK-1,B\n")
    assert _reasons(batch) == [(3, "customer no", "Customer K-1 appears again; first on line 2.")]


def test_error_report_csv_neutralises_formulas(importer: Importer) -> None:
    batch = _checked(importer, "customers", b"customer no,name\n=CMD(calc),A\n=CMD(calc),B\n")
    response = importer.client.get(reverse("imports:errors_csv", args=[batch.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(__import__("csv").reader(io.StringIO(text)))
    assert rows[0] == ["Line", "Column", "Problem"]
    assert rows[1] == ["3", "customer no", "Customer =CMD(calc) appears again; first on line 2."]
    names_with_formula = b"customer no,name\nK-1,=HYPERLINK(x)\nK-1,@SUM(1)\n"
    batch = _checked(importer, "customers", names_with_formula)
    response = importer.client.get(reverse("imports:errors_csv", args=[batch.pk]))
    rows = list(
        __import__("csv").reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_apply_is_all_or_nothing(
    importer: Importer, world: WorkspaceWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = b"".join(f"K-{n},Customer {n}\n".encode() for n in range(30))
    monkeypatch.setattr(apply_module, "BATCH_SIZE", 10)

    def fail_after_first_batch(done: int) -> None:
        if done >= 10:
            raise RuntimeError("disk full")

    before = _counts(world)
    response = importer.upload("customers", "c.csv", b"customer no,name\n" + rows)
    importer.check(importer.batch())
    importer.apply_watching(importer.batch(), fail_after_first_batch)
    batch = importer.batch()
    assert batch.status == ImportStatus.FAILED
    assert batch.job is not None and batch.job.status == "failed"
    assert _counts(world)[:3] == before[:3]
    assert response.status_code == 302


def test_sales_line_apply_is_all_or_nothing(
    importer: Importer, world: WorkspaceWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half the lines written (ORM batches on SQLite, after COPY on PostgreSQL), then a crash."""
    importer.run("customers", "c.csv", CUSTOMERS)
    monkeypatch.setattr(apply_module, "BATCH_SIZE", 10)

    def crash(done: int) -> None:
        # A third of 28 lines: after the first ORM batch of 10, or once the COPY is in.
        if done >= 28 // 3:
            raise RuntimeError("worker lost")

    before = _counts(world)
    lines = b"".join(f"K-1,2024-01-{day:02d},{day}.50\n".encode() for day in range(1, 29))
    importer.upload("sales_lines", "s.csv", b"customer no,date,net amount\n" + lines)
    importer.check(importer.batch())
    importer.apply_watching(importer.batch(), crash)
    batch = importer.batch()
    assert batch.status == ImportStatus.FAILED
    assert _counts(world)[:3] == before[:3]
    with workspace_context(world.a.workspace):
        assert not Customer.objects.get(external_id="K-1").sales_lines.exists()


def test_blank_lines_are_skipped_and_short_rows_read_as_empty_cells(
    importer: Importer, world: WorkspaceWorld
) -> None:
    importer.run("customers", "c.csv", CUSTOMERS)
    content = (
        b"customer no,date,net amount,segment\n"
        b"K-1,2024-01-05,10,North\n"
        b"K-2,2024-01-06,20\n"  # no segment cell at all
        b"K-2,2024-01-07\n"  # no amount cell: the required amount is missing
        b" , ,,\n"  # blank: skipped
    )
    batch = _checked(importer, "sales_lines", content)
    assert _reasons(batch) == [(4, "net amount", "Net sales is missing; it is required.")]
    assert batch.row_count == 3
    assert batch.summary["check"]["valid"] == 2
    assert [row["segment"] for row in batch.summary["check"]["preview"]] == ["North", ""]
