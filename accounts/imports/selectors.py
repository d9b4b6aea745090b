"""Reads for imports."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ImportBatch
from kam.tenancy.views import workspace_get_object_or_404
from kam.workspaces.models import Workspace


def import_batch_list(*, workspace: Workspace) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(workspace=workspace).select_related("job", "created_by")


def import_batch_get(*, workspace: Workspace, import_batch_id: int) -> ImportBatch:
    """The batch of ``workspace``; another workspace's id is 404, like a missing one."""
    return workspace_get_object_or_404(
        workspace, ImportBatch.objects.select_related("job"), pk=import_batch_id
    )
