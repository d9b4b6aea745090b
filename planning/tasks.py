"""Periodic work of planning (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task

from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace
from planning.open_space.services.open_spaces import upv_refresh

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, acks_late=True)
def refresh_open_space_upv() -> dict[str, int]:
    """Recompute the UPV of every Open Space, in every workspace.

    A matrix reads "last year's" sales, so on the first of January every cell's
    open or incumbent state may change without anyone editing anything; sales
    edits refresh their own accounts at once (see ``planning.apps``). Walks the
    workspaces (a global table) and enters each, so row-level security and the
    scoped managers apply as in any request. Unchanged values write nothing.
    """
    changed = 0
    for workspace_id in Workspace.objects.order_by("pk").values_list("pk", flat=True):
        with workspace_context(workspace_id), workspace_atomic():
            changed += upv_refresh(workspace_id=workspace_id)
    if changed:
        logger.info("Open Space UPV changed on %s accounts", changed)
    return {"changed": changed}
