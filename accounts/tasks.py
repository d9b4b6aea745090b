"""Background tasks of the accounts app: thin wrappers around services."""

from __future__ import annotations

from typing import Any

from accounts.customer_figures import customer_figures_recompute
from accounts.job_kinds import CUSTOMER_FIGURES, SCORES
from accounts.scores import scores_recompute
from kam.jobs.debounce import request_run
from kam.jobs.runner import run_job
from kam.tenancy.tasks import workspace_task


@workspace_task(atomic=False, idempotent=True, bind=True)
def recompute_customer_figures(task: Any, workspace_id: int, job_id: int | None = None) -> None:
    """Recompute every customer's yearly figures, in chunks, reporting progress.

    Without a job id (a call from the shell) it asks the debouncer for a run,
    so even a manual start never runs twice at the same time.
    """
    if job_id is None:
        request_run(workspace_id, CUSTOMER_FIGURES.name)
        return
    run_job(
        task,
        workspace_id=workspace_id,
        job_id=job_id,
        work=lambda job: customer_figures_recompute(workspace_id=workspace_id, job=job),
    )


@workspace_task(atomic=False, idempotent=True, bind=True)
def recompute_scores(task: Any, workspace_id: int, job_id: int | None = None) -> None:
    """Recompute every customer's scores (and yearly figures), clearing the dirty flags.

    Without a job id it asks the debouncer for a run, as above.
    """
    if job_id is None:
        request_run(workspace_id, SCORES.name)
        return
    run_job(
        task,
        workspace_id=workspace_id,
        job_id=job_id,
        work=lambda job: scores_recompute(workspace_id=workspace_id, job=job),
    )
