"""Hand queued jobs to Celery without letting a dead broker break a page.

Without a broker (the embedded set-up) and with ``KAM_EMBEDDED_JOBS = "thread"``,
a job's task runs in a background thread of this process instead: the same
task, the same job row and progress, but the page or API call that started it
answers at once (the job is "queued" or "running" then) and follows the job
like it would a worker's.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import kombu.exceptions
from django.conf import settings
from django.db import connections, transaction

from kam.jobs.kinds import job_kind
from kam.jobs.models import Job
from kam.jobs.services import job_mark_dispatched, job_requeue
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

#: What publishing raises when the broker cannot be reached. kombu wraps the
#: transport's connection errors in its OperationalError; OSError covers a
#: refused or timed-out socket that slips through unwrapped.
#: Pause before a thread's retry after a transient error (times the attempt number).
RETRY_PAUSE_SECONDS = 1.0

BROKER_ERRORS: tuple[type[BaseException], ...] = (kombu.exceptions.OperationalError, OSError)


def send_job(*, workspace_id: int, job_id: int, kind: str) -> bool:
    """Publish the task of a queued job; ``False`` when the broker is unreachable.

    The job row already exists and says "queued", so a failed publish loses
    nothing: ``kam.jobs.tasks.dispatch_queued`` sends it again once the broker
    is back. In eager mode (no broker) the task runs here, in this process.
    """
    task: Any = job_kind(kind).load_task()
    if runs_in_thread():
        with workspace_context(workspace_id):
            job_mark_dispatched(workspace=workspace_id, job_id=job_id)
        run_in_thread(task, workspace_id=workspace_id, job_id=job_id)
        return True
    try:
        task.apply_async(args=[workspace_id, job_id])
    except BROKER_ERRORS as error:
        logger.warning(
            "Broker unreachable; job %s (%s) of workspace %s stays queued: %s",
            job_id,
            kind,
            workspace_id,
            error,
        )
        return False
    with workspace_context(workspace_id):
        job_mark_dispatched(workspace=workspace_id, job_id=job_id)
    return True


def runs_in_thread() -> bool:
    """Whether jobs run in a background thread here (no broker, embedded threads chosen)."""
    return not settings.CELERY_BROKER_URL and getattr(settings, "KAM_EMBEDDED_JOBS", "") == "thread"


def run_in_thread(task: Any, *, workspace_id: int, job_id: int) -> threading.Thread:
    """Run the job's task in a new thread of this process; return the thread (tests join it).

    The thread starts with no workspace context (context variables are not
    inherited); the task enters the job's workspace itself, as in a worker. It
    uses its own database connections and closes them when done, so none is
    left open per job. ``run_job`` records every failure on the job; anything
    escaping it is logged here, never raised into a request.
    """

    def work() -> None:
        try:
            _apply_with_retries(task, workspace_id=workspace_id, job_id=job_id)
        finally:
            connections.close_all()

    # Not a daemon: a server stopping (or reloading) lets a running import
    # finish instead of leaving its job "running" with no beat to close it.
    thread = threading.Thread(target=work, name=f"kam-job-{job_id}", daemon=False)
    thread.start()
    return thread


def _apply_with_retries(task: Any, *, workspace_id: int, job_id: int) -> None:
    """Run the task, again after a transient error, as a worker's retries would.

    ``run_job`` puts the job back to "queued" and raises while retries are left
    (``request.retries`` below the task's ``max_retries``); on the last attempt
    it records the failure on the job instead. No beat re-sends a queued job in
    the embedded set-up, so the retries happen here, with a short pause.
    """
    attempts = 1 + max(0, int(getattr(task, "max_retries", 0) or 0))
    for attempt in range(attempts):
        try:
            task.apply(args=[workspace_id, job_id], retries=attempt, throw=True)
            return
        except TRANSIENT_ERRORS:
            if attempt + 1 == attempts:
                logger.exception(
                    "Job %s of workspace %s failed in its thread", job_id, workspace_id
                )
                return
            connections.close_all()
            time.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
            _back_to_queue(workspace_id=workspace_id, job_id=job_id)
        except Exception:
            logger.exception("Job %s of workspace %s failed in its thread", job_id, workspace_id)
            return


def _back_to_queue(*, workspace_id: int, job_id: int) -> None:
    """Make sure the job waits as "queued" for the next attempt.

    ``run_job`` does this before raising, unless the same lost connection or
    lock made that write fail too: the job would then stay "running", and the
    next attempt would not start it. Only this thread runs the job, so a
    "running" row here is the failed attempt's.
    """
    try:
        with workspace_context(workspace_id):
            job_requeue(
                workspace=workspace_id,
                job=Job(pk=job_id),
                message="The database was busy or unreachable; trying again.",
            )
    except TRANSIENT_ERRORS:
        logger.warning("Job %s could not be put back in the queue yet", job_id, exc_info=True)


def send_job_on_commit(*, workspace_id: int, job_id: int, kind: str) -> None:
    """Publish once the current transaction commits, so the worker finds the row.

    ``robust``: whatever goes wrong while publishing is logged, never raised into
    the page that caused it; the job stays queued and the beat sends it later.
    """
    transaction.on_commit(
        lambda: send_job(workspace_id=workspace_id, job_id=job_id, kind=kind), robust=True
    )
