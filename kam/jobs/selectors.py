"""Reads of jobs."""

from __future__ import annotations

from kam.jobs.models import Job
from kam.tenancy.views import workspace_get_object_or_404
from kam.workspaces.models import Workspace


def job_get(*, workspace: Workspace, job_id: int) -> Job:
    """The job with this id in ``workspace``; 404 for any other workspace's id."""
    return workspace_get_object_or_404(
        workspace, Job.objects.select_related("requested_by"), pk=job_id
    )
