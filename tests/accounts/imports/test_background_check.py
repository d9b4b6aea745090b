"""Large files are checked by a background job; the pages follow it to the preview."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.imports import services
from accounts.models import ImportStatus, SalesLine
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from tests.accounts.imports.conftest import Importer
from tests.factories import WorkspaceWorld

CUSTOMERS = b"customer no,name\nK-1,Alpha\n"
SALES = b"customer no,date,net amount\nK-1,2024-01-05,10\nK-1,2024-01-06,20\nK-1,2024-01-07,30\n"


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "CHECK_IN_BACKGROUND_ROWS", 2)


def test_a_large_file_is_checked_by_a_job_then_applied(
    importer: Importer, world: WorkspaceWorld, small_limit: None
) -> None:
    importer.run("customers", "c.csv", CUSTOMERS)  # 1 row: checked at once
    importer.upload("sales_lines", "s.csv", SALES)
    batch = importer.batch()
    response = importer.check(batch)  # the job waits for the commit; not run here
    assert response.status_code == 302
    waiting = importer.batch()
    assert waiting.status == ImportStatus.MAPPED
    assert waiting.job is not None and waiting.job.kind == "import_check"
    page = importer.client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "Checking every row" in page
    assert "Apply all" not in page
    refused = importer.apply(waiting)
    assert refused.status_code == 409
    assert "being checked right now" in refused.content.decode()

    with importer.capture(execute=True):
        importer.check(batch)  # refused while the first check is queued ...
    assert importer.batch().job_id == waiting.job_id
    with workspace_context(world.a.workspace):
        Job.objects.filter(pk=waiting.job_id).update(status="failed")  # ... so end it
    with importer.capture(execute=True):
        importer.check(batch)
    checked = importer.batch()
    assert checked.status == ImportStatus.VALIDATED
    assert checked.summary["check"]["valid"] == 3
    assert checked.job is not None and checked.job.status == "succeeded"
    assert "3 rows" in checked.job.message
    status = importer.client.get(
        reverse("imports:check_status", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert status["HX-Redirect"] == reverse("imports:preview", args=[batch.pk])
    page = importer.client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "Apply all 3 rows" in page
    importer.apply(checked)
    assert importer.batch().status == ImportStatus.APPLIED
    with workspace_context(world.a.workspace):
        assert SalesLine.objects.filter(customer__external_id="K-1").count() == 3


def test_a_mapping_problem_found_in_the_background_shows_on_the_mapping_page(
    importer: Importer, world: WorkspaceWorld, small_limit: None
) -> None:
    importer.run("customers", "c.csv", CUSTOMERS)
    content = (
        b"customer no,date,net amount\nK-1,03/04/2024,10\nK-1,05/06/2024,10\nK-1,01/02/2024,1\n"
    )
    importer.upload("sales_lines", "s.csv", content)
    batch = importer.batch()
    with importer.capture(execute=True):
        importer.check(batch)
    batch = importer.batch()
    assert batch.status == ImportStatus.MAPPED
    assert batch.job is not None and batch.job.status == "failed"
    status = importer.client.get(reverse("imports:check_status", args=[batch.pk]))
    assert status["Location"] == reverse("imports:mapping", args=[batch.pk])
    page = importer.client.get(reverse("imports:mapping", args=[batch.pk])).content.decode()
    assert "could be day/month or month/day" in page
    with importer.capture(execute=True):
        importer.check(batch, date_format="mdy_slash")
    assert importer.batch().status == ImportStatus.VALIDATED


def test_the_api_answers_202_with_the_check_job_for_a_large_file(
    importer: Importer, world: WorkspaceWorld, small_limit: None
) -> None:
    importer.run("customers", "c.csv", CUSTOMERS)
    client = Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})
    batch = client.post(
        "/api/v1/imports/",
        {"kind": "sales_lines", "file": SimpleUploadedFile("s.csv", SALES)},
    ).json()
    with importer.capture(execute=True):
        response = client.put(
            f"/api/v1/imports/{batch['id']}/mapping/",
            {"mapping": batch["mapping"]},
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    assert client.get(response["Location"]).json()["status"] == "succeeded"
    checked = client.get(f"/api/v1/imports/{batch['id']}/").json()
    assert checked["status"] == "validated"
    assert checked["check"]["new"] == 3
