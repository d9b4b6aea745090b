"""The import pages end to end: upload, map, preview, apply; re-import adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from accounts.models import ColumnMapping, Customer, ImportStatus, SalesLine
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from tests.accounts.imports.conftest import Importer
from tests.factories import WorkspaceWorld

CUSTOMERS_CSV = (
    "Kundennummer;Kundenname;Branche;Region\n"
    "K-100;Nordwerk GmbH;Mining;Nord\n"
    "K-200;Südhafen AG;Logistics;Süd\n"
).encode()

SALES_CSV = (
    b"Kundennummer;Rechnungsdatum;Umsatz;Wareneinsatz\n"
    b"K-100;31.03.2024;1.234,50;800,00\n"
    b"K-100;31.03.2024;1.234,50;800,00\n"
    b"K-200;2024-04-02;-99,90;-50,00\n"
)


def test_customers_then_sales_with_decimal_commas_and_two_date_formats(
    importer: Importer, world: WorkspaceWorld
) -> None:
    batch = importer.run("customers", "kunden.csv", CUSTOMERS_CSV)
    assert batch.status == ImportStatus.APPLIED
    batch = importer.run("sales_lines", "umsatz.csv", SALES_CSV)
    assert batch.status == ImportStatus.APPLIED, batch.summary
    with workspace_context(world.a.workspace):
        nordwerk = Customer.objects.get(external_id="K-100")
        assert nordwerk.name == "Nordwerk GmbH"
        lines = SalesLine.objects.filter(customer__external_id__startswith="K-").order_by("date")
        # Two identical lines are two purchases, not a duplicate.
        assert [(line.date, line.net_sales) for line in lines] == [
            (datetime.date(2024, 3, 31), Decimal("1234.50")),
            (datetime.date(2024, 3, 31), Decimal("1234.50")),
            (datetime.date(2024, 4, 2), Decimal("-99.90")),
        ]
        assert lines[2].currency == world.a.workspace.reporting_currency
        assert Job.objects.get(pk=batch.job_id).status == "succeeded"


def test_reimporting_the_same_file_adds_nothing(importer: Importer, world: WorkspaceWorld) -> None:
    importer.run("customers", "kunden.csv", CUSTOMERS_CSV)
    importer.run("sales_lines", "umsatz.csv", SALES_CSV)
    with workspace_context(world.a.workspace):
        before = SalesLine.objects.count(), Customer.objects.count()
    importer.upload("sales_lines", "umsatz-again.csv", SALES_CSV)
    batch = importer.batch()
    importer.check(batch)
    batch = importer.batch()
    assert batch.summary["check"]["new"] == 0
    assert batch.summary["check"]["unchanged"] == 3
    importer.apply(batch)
    importer.run("customers", "kunden.csv", CUSTOMERS_CSV)
    with workspace_context(world.a.workspace):
        assert (SalesLine.objects.count(), Customer.objects.count()) == before


def test_mapping_is_remembered_for_files_with_the_same_headers(
    importer: Importer, world: WorkspaceWorld
) -> None:
    content = b"Nr,Bezeichnung X,Ort\nC1,Alpha,North\n"
    importer.upload("customers", "odd.csv", content)
    batch = importer.batch()
    assert batch.mapping == {}  # nothing recognisable
    response = importer.check(batch, map_external_id="Nr", **{"map_name": "Bezeichnung X"})
    assert response.status_code == 302
    importer.upload("customers", "odd-next-month.csv", b"NR,Bezeichnung-X,ORT\nC2,Beta,South\n")
    again = importer.batch()
    assert again.options["mapping_source"] == "remembered"
    assert again.mapping == {"external_id": "NR", "name": "Bezeichnung-X"}
    with workspace_context(world.a.workspace):
        assert ColumnMapping.objects.filter(kind="customers").count() == 1


def test_preview_page_shows_counts_and_first_rows(
    importer: Importer, admin_client: object, world: WorkspaceWorld
) -> None:
    importer.upload("customers", "kunden.csv", CUSTOMERS_CSV)
    batch = importer.batch()
    importer.check(batch)
    page = importer.client.get(reverse("imports:preview", args=[batch.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Südhafen AG" in text
    assert "Apply all 2 rows" in text
