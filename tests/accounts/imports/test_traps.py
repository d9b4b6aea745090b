"""Import traps: lines already imported under another key, ERP column names, no cost of goods."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.imports import services
from accounts.imports.fields import fields_for, mapping_warnings, suggest_mapping
from accounts.imports.rows import CellError, converter_for
from accounts.models import ImportBatch, ImportStatus, SalesLine
from kam.tenancy.context import workspace_context
from tests.accounts.imports.conftest import Importer
from tests.factories import WorkspaceWorld

CUSTOMERS = b"Kundennummer;Kundenname\nK-100;Nordwerk GmbH\nK-200;Suedhafen AG\n"

# Two identical lines (two purchases) and one credit note, each with its invoice number.
SALES = (
    b"Belegnr;Kundennummer;Belegdatum;Umsatz;Einstandswert\n"
    b"R-1;K-100;31.03.2024;1.234,50;800,00\n"
    b"R-2;K-100;31.03.2024;1.234,50;800,00\n"
    b"R-3;K-200;02.04.2024;-99,90;-50,00\n"
)


def _import_without_line_ids(importer: Importer) -> None:
    importer.run("customers", "kunden.csv", CUSTOMERS)
    importer.run("sales_lines", "umsatz.csv", SALES, map_line_id="")


def _check_with_line_ids(importer: Importer) -> ImportBatch:
    importer.upload("sales_lines", "umsatz-2.csv", SALES)
    batch = importer.batch()
    importer.check(batch, map_line_id="Belegnr")
    return importer.batch()


def _line_count(world: WorkspaceWorld) -> int:
    with workspace_context(world.a.workspace):
        return SalesLine.objects.filter(customer__external_id__startswith="K-").count()


def test_lines_under_a_new_key_are_counted_and_the_apply_is_refused(
    importer: Importer, world: WorkspaceWorld
) -> None:
    _import_without_line_ids(importer)
    assert _line_count(world) == 3
    batch = _check_with_line_ids(importer)
    check = batch.summary["check"]
    assert check["rekeyed"] == 3
    page = importer.client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "3 lines of this file match sales lines already imported" in page
    assert 'name="replace_keys"' in page

    refused = importer.apply(batch)

    assert refused.status_code == 409
    assert "would be added a second time" in refused.content.decode()
    assert _line_count(world) == 3
    assert importer.batch().status == ImportStatus.VALIDATED


def test_replacing_the_earlier_keys_keeps_every_line_once(
    importer: Importer, world: WorkspaceWorld
) -> None:
    _import_without_line_ids(importer)
    batch = _check_with_line_ids(importer)
    with importer.capture(execute=True):
        response = importer.client.post(
            reverse("imports:apply", args=[batch.pk]), {"replace_keys": "yes"}
        )
    assert response.status_code == 302
    applied = importer.batch()
    assert applied.status == ImportStatus.APPLIED, applied.summary
    assert applied.summary["applied"] == {"created": 0, "updated": 0, "unchanged": 3}
    with workspace_context(world.a.workspace):
        keys = set(SalesLine.objects.values_list("source_key", flat=True))
    assert {"R-1", "R-2", "R-3"} <= keys
    assert _line_count(world) == 3
    # And the next import of the same file finds every line by its key.
    again = _check_with_line_ids(importer)
    assert again.summary["check"]["rekeyed"] == 0
    assert again.summary["check"]["unchanged"] == 3


def test_a_file_with_really_new_lines_is_not_flagged(
    importer: Importer, world: WorkspaceWorld
) -> None:
    _import_without_line_ids(importer)
    importer.upload(
        "sales_lines",
        "neu.csv",
        b"Belegnr;Kundennummer;Belegdatum;Umsatz;Einstandswert\nR-9;K-100;01.05.2024;10,00;5,00\n",
    )
    batch = importer.batch()
    importer.check(batch)
    assert importer.batch().summary["check"]["rekeyed"] == 0


def test_api_apply_refuses_then_replaces_on_request(
    importer: Importer, world: WorkspaceWorld
) -> None:
    _import_without_line_ids(importer)
    batch = _check_with_line_ids(importer)
    url = f"/api/v1/imports/{batch.pk}/apply/"
    assert importer.client.post(url).status_code == 409
    with importer.capture(execute=True):
        response = importer.client.post(
            url, {"replace_keys": True}, content_type="application/json"
        )
    assert response.status_code == 202
    assert _line_count(world) == 3


@pytest.mark.parametrize(
    ("headers", "line_id", "cost"),
    [
        (
            ["Belegnr.", "Kunden-Nr.", "Belegdatum", "Umsatz", "Einstandswert"],
            "Belegnr.",
            "Einstandswert",
        ),
        (
            ["Rechnungsnr", "Kundennr", "Datum", "Nettoumsatz", "Wareneinsatz"],
            "Rechnungsnr",
            "Wareneinsatz",
        ),
        (["Invoice No", "Customer No", "Invoice Date", "Net Amount", "COGS"], "Invoice No", "COGS"),
        (["Document No.", "Customer", "Posting Date", "Amount", "Cost"], "Document No.", "Cost"),
        (["N° facture", "Code client", "Date facture", "Montant HT", "Coût"], "N° facture", "Coût"),
        (["Nº factura", "Cliente", "Fecha", "Importe neto", "Coste"], "Nº factura", "Coste"),
    ],
)
def test_erp_column_names_are_proposed(headers: list[str], line_id: str, cost: str) -> None:
    proposal = suggest_mapping("sales_lines", headers)
    assert proposal["line_id"] == line_id
    assert proposal["cost_of_goods"] == cost
    assert {"customer", "date", "net_sales"} <= set(proposal)
    assert mapping_warnings("sales_lines", proposal) == []


def test_a_proposal_without_cost_of_goods_says_margins_equal_sales(
    importer: Importer, world: WorkspaceWorld
) -> None:
    importer.run("customers", "kunden.csv", CUSTOMERS)
    importer.upload(
        "sales_lines", "s.csv", b"Kundennummer;Belegdatum;Umsatz\nK-100;31.03.2024;10\n"
    )
    batch = importer.batch()
    page = importer.client.get(reverse("imports:mapping", args=[batch.pk])).content.decode()
    assert "margins will equal sales" in page
    importer.check(batch)
    assert any(
        "margins will equal sales" in n for n in importer.batch().summary["check"]["notices"]
    )


def test_messages_show_backslashes_and_apostrophes_as_in_the_file() -> None:
    spec = {s.name: s for s in fields_for("sales_lines")}["net_sales"]
    convert = converter_for(spec, decimal_separator=".", slash_order="dmy")
    with pytest.raises(CellError) as error:
        convert("12\\5")
    assert "'12\\5' is not a number" in str(error.value)
    assert "\\\\" not in str(error.value)
    with pytest.raises(CellError) as error:
        convert("O'12")
    assert "'O'12' is not a number" in str(error.value)


def test_the_background_check_counts_data_rows_not_the_header(
    importer: Importer, world: WorkspaceWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer.run("customers", "kunden.csv", CUSTOMERS)
    monkeypatch.setattr(services, "CHECK_IN_BACKGROUND_ROWS", 2)
    importer.upload("sales_lines", "umsatz.csv", SALES)
    batch = importer.batch()
    with importer.capture(execute=True):
        importer.check(batch)
    checked = importer.batch()
    assert checked.job is not None and checked.job.kind == "import_check"
    assert checked.job.progress_total == 3  # three lines of data; the header is not one
    assert checked.summary["check"]["rows"] == 3
