"""The import job's Celery task: a thin wrapper around ``job.import_apply_run``."""

from __future__ import annotations

from typing import Any

from accounts.imports.job import import_apply_run, import_check_run
from kam.jobs.runner import run_job
from kam.tenancy.tasks import workspace_task


# Not idempotent in Celery's sense (no automatic retry): a retry after a lost
# connection would find the batch already "applying". The apply itself is safe
# to repeat (natural keys), so a person may simply upload the file again.
@workspace_task(atomic=False, bind=True)
def apply_import(task: Any, workspace_id: int, job_id: int) -> None:
    """Apply the checked file of the batch that owns ``job_id``, all or nothing."""
    run_job(
        task,
        workspace_id=workspace_id,
        job_id=job_id,
        work=lambda job: import_apply_run(workspace_id=workspace_id, job=job),
    )


# Idempotent: a repeated check of the same batch finds it checked and does nothing.
@workspace_task(atomic=False, idempotent=True, bind=True)
def check_import(task: Any, workspace_id: int, job_id: int) -> None:
    """Check every row of the large file of the batch that owns ``job_id``."""
    run_job(
        task,
        workspace_id=workspace_id,
        job_id=job_id,
        work=lambda job: import_check_run(workspace_id=workspace_id, job=job),
    )
