"""Hand queued jobs to Celery without letting a dead broker break a page."""

from __future__ import annotations

import logging
from typing import Any

import kombu.exceptions
from django.db import transaction

from kam.jobs.kinds import job_kind
from kam.jobs.services import job_mark_dispatched
from kam.tenancy.context import workspace_context

logger = logging.getLogger(__name__)

#: What publishing raises when the broker cannot be reached. kombu wraps the
#: transport's connection errors in its OperationalError; OSError covers a
#: refused or timed-out socket that slips through unwrapped.
BROKER_ERRORS: tuple[type[BaseException], ...] = (kombu.exceptions.OperationalError, OSError)


def send_job(*, workspace_id: int, job_id: int, kind: str) -> bool:
    """Publish the task of a queued job; ``False`` when the broker is unreachable.

    The job row already exists and says "queued", so a failed publish loses
    nothing: ``kam.jobs.tasks.dispatch_queued`` sends it again once the broker
    is back. In eager mode (no broker) the task runs here, in this process.
    """
    task: Any = job_kind(kind).load_task()
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


def send_job_on_commit(*, workspace_id: int, job_id: int, kind: str) -> None:
    """Publish once the current transaction commits, so the worker finds the row.

    ``robust``: whatever goes wrong while publishing is logged, never raised into
    the page that caused it; the job stays queued and the beat sends it later.
    """
    transaction.on_commit(
        lambda: send_job(workspace_id=workspace_id, job_id=job_id, kind=kind), robust=True
    )
