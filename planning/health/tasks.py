"""Background tasks of account health: the debounced run and the nightly one.

Imported by ``PlanningConfig.ready()`` so workers know the tasks (Celery's
autodiscovery only looks at ``planning.tasks``).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from kam.jobs.debounce import request_run
from kam.jobs.models import Job
from kam.jobs.runner import JobOutcome, run_job
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic, workspace_task
from kam.workspaces.models import Workspace
from planning.health.recompute import HEALTH
from planning.health.services import health_due_ids, health_recompute

logger = logging.getLogger(__name__)


def _recompute_due(workspace_id: int, job: Job) -> JobOutcome:
    with workspace_atomic():
        workspace = Workspace.objects.get(pk=workspace_id)
        due = health_due_ids(workspace=workspace)
        changed = health_recompute(workspace=workspace, customer_ids=due) if due else 0
    return JobOutcome(
        message=f"Health recomputed for {len(due)} key account{'s' if len(due) != 1 else ''};"
        f" {changed} changed."
    )


@workspace_task(atomic=False, idempotent=True, bind=True)
def recompute_health(task: Any, workspace_id: int, job_id: int | None = None) -> None:
    """Recompute the health of the key accounts whose inputs changed (debounced)."""
    if job_id is None:
        request_run(workspace_id, HEALTH.name)
        return
    run_job(
        task,
        workspace_id=workspace_id,
        job_id=job_id,
        work=lambda job: _recompute_due(workspace_id, job),
    )


@shared_task(ignore_result=True, acks_late=True)
def recompute_health_nightly() -> dict[str, int]:
    """Every key account of every workspace, once a night.

    Time alone moves health (an action falls overdue, an assessment grows stale, a
    new year of figures arrives), and the sales figures and scores are recomputed
    without a change-log entry; this run catches all of it and adds the day's
    point to every account's history.
    """
    changed = 0
    for workspace_id in Workspace.objects.order_by("pk").values_list("pk", flat=True):
        with workspace_context(workspace_id), workspace_atomic():
            workspace = Workspace.objects.get(pk=workspace_id)
            changed += health_recompute(workspace=workspace)
    if changed:
        logger.info("Account health changed on %s accounts", changed)
    return {"changed": changed}
