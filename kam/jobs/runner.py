"""The life of one job inside its task: start, work, finish, whatever happens.

A job task is a thin wrapper::

    @workspace_task(atomic=False, idempotent=True, bind=True)
    def recompute_customer_figures(task, workspace_id: int, job_id: int) -> None:
        run_job(task, workspace_id=workspace_id, job_id=job_id, work=...)

``work(job)`` does the job in short ``workspace_atomic`` chunks, reports
progress with ``job_progress`` and returns a :class:`JobOutcome`. It raises
:class:`JobFailure` with a sentence for the person when the job cannot be done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import connections

from kam.jobs import debounce
from kam.jobs.kinds import job_kind_label
from kam.jobs.models import Job
from kam.jobs.services import job_fail, job_requeue, job_start, job_succeed
from kam.tenancy.context import actor_context, require_workspace_id
from kam.tenancy.tasks import TRANSIENT_ERRORS, workspace_atomic

logger = logging.getLogger(__name__)


@dataclass
class JobOutcome:
    message: str = ""
    result_name: str | None = None
    result: File | None = None


class JobFailure(Exception):
    """The job cannot be done; the message is shown to people as the job's error."""


def start_job(*, kind: str, job_id: int) -> Job | None:
    """Start a queued job unless it waits behind a debounced run; ``None``: do nothing."""
    workspace_id = require_workspace_id()
    with workspace_atomic():
        if not debounce.run_may_start(kind=kind, job_id=job_id):
            return None
        return job_start(workspace=workspace_id, job_id=job_id)


def finish_job(job: Job, *, outcome: JobOutcome | None = None, error: str | None = None) -> None:
    """Mark the job finished and release its debounce trigger, in one transaction."""
    with workspace_atomic():
        debounce.run_finished(kind=job.kind, job_id=job.pk)
        if error is not None:
            job_fail(workspace=job.workspace_id, job=job, error=error)
        else:
            outcome = outcome or JobOutcome()
            job_succeed(
                workspace=job.workspace_id,
                job=job,
                message=outcome.message,
                result_name=outcome.result_name,
                result=outcome.result,
            )


def _reset_broken_connections() -> None:
    # After a lost database connection Django keeps the dead one until it is
    # checked; recording the failure needs a working one.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def run_job(task: Any, *, workspace_id: int, job_id: int, work: Callable[[Job], Any]) -> None:
    """Run ``work`` for a job and record how it ended; never leaves a job "running".

    Failures are recorded on the job and not raised further (in eager mode they
    would otherwise break the page that triggered the job), except a transient
    error with retries left, which goes back to Celery for a later attempt.
    """
    try:
        with workspace_atomic():  # row-level security needs a transaction
            kind = Job.objects.values_list("kind", flat=True).get(pk=job_id)
        job = start_job(kind=kind, job_id=job_id)
    except Job.DoesNotExist:
        logger.warning("Job %s of workspace %s no longer exists", job_id, workspace_id)
        return
    if job is None:
        logger.info("Job %s is not ready to start (finished, running or waiting)", job_id)
        return

    label = job_kind_label(job.kind).lower()
    try:
        # The change log names the person who asked for the job as the one acting.
        with actor_context(job.requested_by):
            outcome = work(job)
    except JobFailure as failure:
        finish_job(job, error=str(failure))
    except SoftTimeLimitExceeded:
        minutes = max(1, settings.CELERY_TASK_SOFT_TIME_LIMIT // 60)
        finish_job(
            job,
            error=f"This took longer than the {minutes} minutes a job may run, so it was"
            " stopped. Try again later, or ask your administrator to allow more time.",
        )
    except TRANSIENT_ERRORS:
        _reset_broken_connections()
        retries = getattr(task.request, "retries", 0) or 0
        if retries < (task.max_retries or 0):
            logger.warning("Job %s hit a transient error; retrying", job_id, exc_info=True)
            job_requeue(
                workspace=workspace_id,
                job=job,
                message="The connection to the database was interrupted; trying again shortly.",
            )
            raise
        logger.exception("Job %s failed after %s retries", job_id, retries)
        finish_job(
            job,
            error="The database or the message broker could not be reached, even after"
            " several attempts. Try again in a few minutes.",
        )
    except Exception:
        logger.exception("Job %s (%s) of workspace %s failed", job_id, job.kind, workspace_id)
        finish_job(
            job,
            error=f"Something went wrong while {label}. The details were recorded for your"
            " administrator. Try again; if it keeps failing, tell them.",
        )
    else:
        finish_job(job, outcome=outcome if isinstance(outcome, JobOutcome) else None)
