"""Printing the plan: start (or join, or reuse) the render; the jobs pages do the rest.

Polling and the download are the jobs app's own views (``job-status``,
``job-download``): both are scoped to the workspace and checked like every
page, and the file is never served from a public media URL.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accounts.models import Customer
from kam.jobs.kinds import job_kind_label
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.pdf.services import plan_pdf_request


@require_POST
@workspace_view(Capability.VIEW)  # whoever may read the plan may print it
def plan_pdf_start(request: WorkspaceRequest, customer_id: int) -> HttpResponseBase:
    customer = workspace_get_object_or_404(
        request.workspace, Customer.objects.select_related("owner", "workspace"), pk=customer_id
    )
    job = plan_pdf_request(workspace=request.workspace, customer=customer, user=request.user)
    if not request.htmx:
        return redirect("job-status", job_id=job.pk)
    response: HttpResponse = render(
        request,
        "jobs/_status.html",
        {"job": job, "kind_label": job_kind_label(job.kind)},
        status=200 if job.status == "succeeded" else 202,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
