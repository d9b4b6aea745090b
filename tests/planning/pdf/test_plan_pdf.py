"""The plan PDF end to end in eager mode: start, render, download, reuse, fail and retry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic
from planning.pdf import tasks
from planning.pdf.document import plan_document
from planning.pdf.services import plan_pdf_request
from tests.planning.pdf.conftest import Plan, pdf_pages, pdf_text

HTMX = {"HTTP_HX_REQUEST": "true"}

# The render is a job: run it in process even when CI configured a real broker.
pytestmark = pytest.mark.usefixtures("eager_tasks")


def _start(plan: Plan, client: Client, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("account-plan-pdf", args=[plan.customer.pk]), **HTMX)


def _jobs(plan: Plan) -> list[Job]:
    with workspace_context(plan.workspace):
        return list(Job.objects.filter(kind="plan_pdf").order_by("pk"))


def _download(client: Client, job: Job) -> bytes:
    response = client.get(reverse("job-download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_viewer_prints_the_plan_with_the_figures_of_the_page(
    plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    viewer = plan.client("viewer")
    started = _start(plan, viewer, django_capture_on_commit_callbacks)
    assert started.status_code == 202
    assert "Printing the account plan" in started.content.decode()

    (job,) = _jobs(plan)
    assert job.status == "succeeded", job.error
    pdf = _download(viewer, job)
    assert pdf.startswith(b"%PDF")

    with workspace_context(plan.workspace), workspace_atomic():
        document = plan_document(workspace=plan.workspace, customer=plan.customer, user=None)
    # The stored file is named after the digest of exactly this HTML.
    assert job.result_file.name.endswith(f"-{document.digest[:16]}.pdf")
    raw = pdf_text(pdf, document.html)
    assert pdf_pages(raw) > 1
    text = " ".join(raw.split())
    assert plan.customer.name in text
    for title in (
        "Contents",
        "Overview and scorecard",
        "Customer profile",
        "SWOT",
        "Critical success factors",
        "Buying center and coverage",
        "Objectives",
        "Opportunity portfolio",
        "Action plan",
        "Metrics",
        "Review log",
    ):
        assert title in text, title
    # Last year's net sales, as the plan page shows them.
    page = plan.client("viewer").get(plan.url()).content.decode()
    assert "1,000,000" in page
    assert "1,000,000" in text
    assert "Slurry pump retrofit" in text
    # Running footer and header on the pages after the cover.
    assert f"Page 2 of {pdf_pages(raw)}" in text
    assert text.count(plan.customer.name) >= pdf_pages(raw)  # cover + every header


def test_a_repeat_reuses_the_stored_file_without_rendering(
    plan: Plan, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _start(plan, plan.client("viewer"), django_capture_on_commit_callbacks)

    def must_not_render(html: str) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr(tasks, "html_to_pdf", must_not_render)
    again = _start(plan, plan.client("kam"), django_capture_on_commit_callbacks)

    jobs = _jobs(plan)
    assert len(jobs) == 1
    assert again.status_code == 200
    assert reverse("job-download", args=[jobs[0].pk]) in again.content.decode()


def test_two_people_asking_at_once_share_one_job(
    plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    world = plan.world
    with workspace_context(plan.workspace):
        # Not executed: the first job stays queued, as while a worker is busy.
        with django_capture_on_commit_callbacks(execute=False):
            first = plan_pdf_request(
                workspace=plan.workspace, customer=plan.customer, user=world.a.user("kam")
            )
        second = plan_pdf_request(
            workspace=plan.workspace, customer=plan.customer, user=world.a.user("viewer")
        )
    assert second.pk == first.pk
    assert len(_jobs(plan)) == 1


def test_a_failed_render_says_why_and_the_next_one_succeeds(
    plan: Plan, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tasks.html_to_pdf

    def broken(html: str) -> bytes:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(tasks, "html_to_pdf", broken)
    _start(plan, plan.client("kam"), django_capture_on_commit_callbacks)
    (failed,) = _jobs(plan)
    assert failed.status == "failed"
    assert "Something went wrong while printing the account plan" in failed.error
    assert "out of memory" not in failed.error

    monkeypatch.setattr(tasks, "html_to_pdf", real)
    _start(plan, plan.client("kam"), django_capture_on_commit_callbacks)
    failed_again, retried = _jobs(plan)
    assert failed_again.pk == failed.pk
    assert retried.status == "succeeded", retried.error
    assert retried.result_file


def test_another_workspace_cannot_print_or_download(
    plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    _start(plan, plan.client("viewer"), django_capture_on_commit_callbacks)
    (job,) = _jobs(plan)
    outsider = Client()
    outsider.force_login(plan.world.b.user("admin"))
    url = reverse("account-plan-pdf", args=[plan.customer.pk])
    assert outsider.post(url, **HTMX).status_code == 404
    assert outsider.get(reverse("job-download", args=[job.pk])).status_code == 404
    assert len(_jobs(plan)) == 1


def test_the_plan_page_offers_the_download(plan: Plan) -> None:
    page = plan.client("viewer").get(plan.url()).content.decode()
    assert reverse("account-plan-pdf", args=[plan.customer.pk]) in page
    assert "Download PDF" in page
