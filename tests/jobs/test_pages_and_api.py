"""The job status page (htmx polling), its API, and isolation between workspaces."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from kam.jobs.api import accepted_job_response
from kam.jobs.models import Job, JobStatus
from kam.jobs.services import job_create
from kam.tenancy.context import workspace_context
from tests.factories import Tenant, WorkspaceWorld
from tests.jobs.conftest import signed_in


def make_job(tenant: Tenant, **fields: object) -> Job:
    with workspace_context(tenant.workspace):
        job = job_create(workspace=tenant.workspace, kind="customer_figures")
        if fields:
            Job.objects.filter(pk=job.pk).update(**fields)
            job.refresh_from_db()
    return job


def test_a_running_job_polls_itself_with_a_labelled_progress_bar(
    world: WorkspaceWorld, client: Client
) -> None:
    job = make_job(world.a, status=JobStatus.RUNNING, progress_done=3, progress_total=4)
    response = signed_in(client, world.a).get(
        reverse("job-status", args=[job.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("job-status", args=[job.pk])}"' in html
    assert f'<label for="job-{job.pk}-progress">Progress</label>' in html
    assert 'max="100" value="75"' in html
    assert "<html" not in html  # the fragment alone, for htmx to swap


def test_a_finished_job_stops_polling_and_shows_the_error(
    world: WorkspaceWorld, client: Client
) -> None:
    job = make_job(world.a, status=JobStatus.FAILED, error="The sales data could not be read.")
    response = signed_in(client, world.a).get(reverse("job-status", args=[job.pk]))
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert "The sales data could not be read." in html
    assert "<html" in html  # opened directly: the full page


def test_another_workspaces_job_is_not_found(world: WorkspaceWorld, client: Client) -> None:
    job_of_b = make_job(world.b)
    signed_in(client, world.a, "admin")
    for url in (
        reverse("job-status", args=[job_of_b.pk]),
        reverse("job-download", args=[job_of_b.pk]),
        reverse("api-job-detail", args=[job_of_b.pk]),
        reverse("api-job-result", args=[job_of_b.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_signed_out_people_see_no_job(world: WorkspaceWorld, client: Client) -> None:
    job = make_job(world.a)
    assert client.get(reverse("job-status", args=[job.pk])).status_code == 302
    assert client.get(reverse("api-job-detail", args=[job.pk])).status_code in {401, 403}


def test_the_api_reports_status_progress_and_error(world: WorkspaceWorld, client: Client) -> None:
    job = make_job(
        world.a, status=JobStatus.FAILED, progress_done=1, progress_total=4, error="No sales."
    )
    body = signed_in(client, world.a).get(reverse("api-job-detail", args=[job.pk])).json()
    assert body["status"] == "failed"
    assert body["progress"] == {"done": 1, "total": 4, "percent": 25}
    assert body["error"] == "No sales."
    assert body["result_url"] is None


def test_accepted_job_response_points_at_the_job(world: WorkspaceWorld) -> None:
    job = make_job(world.a)
    request = APIRequestFactory().post("/api/v1/anything/")
    response = accepted_job_response(job, request)
    expected = f"http://testserver{reverse('api-job-detail', args=[job.pk])}"
    assert response.status_code == 202
    assert response["Location"] == expected
    assert response.data == {"job": expected, "status": "queued"}
