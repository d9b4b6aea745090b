"""Job pages: a status fragment that polls itself, the result download, a start button."""

from __future__ import annotations

import posixpath

from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kam.jobs.debounce import request_run
from kam.jobs.kinds import job_kind, job_kind_label
from kam.jobs.models import Job
from kam.jobs.selectors import job_get
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view


def _render_status(request: WorkspaceRequest, job: Job, *, status: int = 200) -> HttpResponse:
    # htmx asks for the fragment; a person opening the link gets the full page.
    template = "jobs/_status.html" if request.htmx else "jobs/job_detail.html"
    response = render(
        request, template, {"job": job, "kind_label": job_kind_label(job.kind)}, status=status
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@require_GET
@workspace_view(Capability.VIEW)
def job_status(request: WorkspaceRequest, job_id: int) -> HttpResponse:
    job = job_get(workspace=request.workspace, job_id=job_id)
    return _render_status(request, job)


@never_cache
@require_GET
@workspace_view(Capability.VIEW)
def job_download(request: WorkspaceRequest, job_id: int) -> FileResponse:
    """The job's result file; only through this view, never from a public media URL."""
    job = job_get(workspace=request.workspace, job_id=job_id)
    if not job.result_file:
        raise Http404("This job has no result file.")
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=posixpath.basename(job.result_file.name or "result"),
    )


@require_POST
@workspace_view(Capability.VIEW)
def job_start(request: WorkspaceRequest, kind: str) -> HttpResponseBase:
    """Start (or join) a run of ``kind``; answers with the job's status."""
    try:
        job_kind_ = job_kind(kind)
    except LookupError:
        raise Http404("No such job.") from None
    if job_kind_.start_capability is None:
        raise Http404("This job cannot be started by hand.")

    @workspace_view(Capability(job_kind_.start_capability))
    def start(request: WorkspaceRequest) -> HttpResponse:
        job = request_run(
            request.workspace.pk,
            job_kind_.name,
            requested_by=request.user,
        )
        if request.htmx:
            return _render_status(request, job, status=202)
        return redirect("job-status", job_id=job.pk)

    return start(request)
