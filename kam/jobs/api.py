"""Jobs in the REST API: read-only status, the result file, and the 202 helper.

Endpoints that start work answer with :func:`accepted_job_response`: HTTP 202,
a ``Location`` header and ``{"job": url, "status": ...}``; the client then
polls ``GET /api/v1/jobs/<id>/`` until ``status`` is ``succeeded`` or ``failed``.
"""

from __future__ import annotations

import posixpath
from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from kam.api.base import WorkspaceViewSet
from kam.jobs.kinds import job_kind_label
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context


class JobProgressOutput(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField(help_text="0 while the amount of work is not known yet.")
    percent = serializers.IntegerField(allow_null=True)


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    status = serializers.ChoiceField(choices=["queued", "running", "succeeded", "failed"])
    progress = serializers.SerializerMethodField()
    message = serializers.CharField()
    error = serializers.CharField(help_text="Why the job failed, in plain words; empty otherwise.")
    result_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_label(self, job: Job) -> str:
        return job_kind_label(job.kind)

    @extend_schema(responses=JobProgressOutput)
    def get_progress(self, job: Job) -> dict[str, Any]:
        return {"done": job.progress_done, "total": job.progress_total, "percent": job.percent}

    def get_result_url(self, job: Job) -> str | None:
        if not job.result_file or job.status != "succeeded":
            return None
        return reverse("api-job-result", args=[job.pk], request=self.context.get("request"))


def accepted_job_response(job: Job, request: Request) -> Response:
    """HTTP 202 for an endpoint that started ``job``: where to follow it, and its status."""
    url = reverse("api-job-detail", args=[job.pk], request=request)
    # The row's status now, not the object's: a job run in-process may be
    # running or over by the time the answer is written.
    with workspace_context(job.workspace_id):
        current = Job.objects.filter(pk=job.pk).values_list("status", flat=True).first()
    return Response(
        {"job": url, "status": current or job.status}, status=202, headers={"Location": url}
    )


@extend_schema_view(
    list=extend_schema(summary="List background jobs, newest first"),
    retrieve=extend_schema(summary="Get a job's status, progress, error and result link"),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """Background jobs of the workspace (read-only)."""

    model = Job
    serializer_class = JobOutput

    def safely_get_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("requested_by").order_by("-created_at", "-pk")

    @extend_schema(summary="Download a job's result file", responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"], url_path="result")
    def result(self, request: Request, pk: str | None = None) -> FileResponse:
        job = self.get_object()
        if not job.result_file or job.status != "succeeded":
            raise Http404("This job has no result file.")
        return FileResponse(
            job.result_file.open("rb"),
            as_attachment=True,
            filename=posixpath.basename(job.result_file.name),
        )
