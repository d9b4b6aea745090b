"""Writes to job rows: create, start, report progress, finish.

Every function opens its own short ``workspace_atomic`` block, so that a task
which works in chunks can call them between chunks and the page sees each
change as soon as it is made. Status changes are conditional UPDATEs (``WHERE
status = ...``): a duplicate delivery of a task message, or a late retry, finds
the job no longer in the expected state and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.utils import timezone

from kam.jobs.models import ACTIVE_STATUSES, Job, JobStatus
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace

WorkspaceRef = Workspace | int

MESSAGE_LENGTH = Job._meta.get_field("message").max_length or 300


def _workspace_id(workspace: WorkspaceRef) -> int:
    return workspace if isinstance(workspace, int) else workspace.pk


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_LENGTH else text[: MESSAGE_LENGTH - 1] + "…"


def job_create(
    *,
    workspace: WorkspaceRef,
    kind: str,
    requested_by: User | None = None,
    message: str = "",
) -> Job:
    with workspace_atomic():
        return Job.objects.create(
            workspace_id=_workspace_id(workspace),
            kind=kind,
            requested_by=requested_by if requested_by and requested_by.pk else None,
            message=_short(message or "Waiting for a worker to pick this up."),
        )


def job_start(*, workspace: WorkspaceRef, job_id: int) -> Job | None:
    """Move a queued job to running; ``None`` when it is not queued (nothing to do)."""
    with workspace_atomic():
        started = Job.objects.filter(
            pk=job_id, workspace_id=_workspace_id(workspace), status=JobStatus.QUEUED
        ).update(
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
            finished_at=None,
            progress_done=0,
            message="Started.",
            error="",
        )
        if not started:
            return None
        return Job.objects.get(pk=job_id)


def job_progress(
    *,
    workspace: WorkspaceRef,
    job: Job,
    done: int,
    total: int | None = None,
    message: str | None = None,
) -> None:
    """Record how far a running job got, committed at once.

    ``durable=True``: this must be its own transaction, never a savepoint
    inside the task's work, or the people watching the page would see nothing
    until the whole job ends. Calling it inside another transaction is a bug
    and raises.
    """
    fields: dict[str, Any] = {"progress_done": max(0, done)}
    if total is not None:
        fields["progress_total"] = max(0, total)
    if message is not None:
        fields["message"] = _short(message)
    with workspace_atomic(durable=True):
        Job.objects.filter(
            pk=job.pk, workspace_id=_workspace_id(workspace), status=JobStatus.RUNNING
        ).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_succeed(
    *,
    workspace: WorkspaceRef,
    job: Job,
    message: str = "",
    result_name: str | None = None,
    result: File | None = None,
) -> None:
    with workspace_atomic():
        if result is not None:
            # Written to storage first; the row then points at it. A crash in
            # between leaves an orphan file, never a row pointing at nothing.
            job.result_file.save(result_name or "result", result, save=False)
        fields: dict[str, Any] = {
            "status": JobStatus.SUCCEEDED,
            "finished_at": timezone.now(),
            "message": _short(message or "Finished."),
            "error": "",
        }
        if job.progress_total:
            fields["progress_done"] = job.progress_total
        if result is not None:
            fields["result_file"] = job.result_file.name
        Job.objects.filter(
            pk=job.pk, workspace_id=_workspace_id(workspace), status=JobStatus.RUNNING
        ).update(**fields)
    for name, value in fields.items():
        if name != "result_file":
            setattr(job, name, value)


def job_fail(*, workspace: WorkspaceRef, job: Job, error: str) -> None:
    """End a queued or running job with ``error``: a sentence for the person, not a traceback."""
    fields = {
        "status": JobStatus.FAILED,
        "finished_at": timezone.now(),
        "message": "Failed.",
        "error": error,
    }
    with workspace_atomic():
        Job.objects.filter(
            pk=job.pk, workspace_id=_workspace_id(workspace), status__in=ACTIVE_STATUSES
        ).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_requeue(*, workspace: WorkspaceRef, job: Job, message: str) -> None:
    """Put a running job back in the queue, before Celery retries its task."""
    with workspace_atomic():
        Job.objects.filter(
            pk=job.pk, workspace_id=_workspace_id(workspace), status=JobStatus.RUNNING
        ).update(status=JobStatus.QUEUED, message=_short(message))
    job.status = JobStatus.QUEUED
    job.message = _short(message)


def job_mark_dispatched(*, workspace: WorkspaceRef, job_id: int) -> None:
    with workspace_atomic():
        Job.objects.filter(pk=job_id, workspace_id=_workspace_id(workspace)).update(
            dispatched_at=timezone.now()
        )
