"""A row found under its parent, in the request's workspace only."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from kam.tenancy.views import workspace_get_object_or_404
from kam.workspaces.models import Workspace

M = TypeVar("M", bound=Model)


def row_or_404(
    workspace: Workspace, model_or_queryset: type[M] | QuerySet[M], *, pk: int, **parent: Any
) -> M:
    """The row ``pk`` of ``workspace`` under ``parent`` (e.g. ``opportunity=...``), else 404.

    Another workspace's id and another parent's id both answer 404, exactly like an
    id that does not exist.
    """
    return workspace_get_object_or_404(workspace, model_or_queryset, pk=pk, **parent)
