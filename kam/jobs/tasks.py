"""Periodic housekeeping of jobs (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kam.jobs.dispatch import send_job
from kam.jobs.models import Job, JobStatus, JobTrigger
from kam.jobs.runner import finish_job
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace

logger = logging.getLogger(__name__)

#: A queued job never handed to the broker (it was down) is re-sent after this.
UNSENT_AFTER = datetime.timedelta(minutes=1)

STOPPED_ERROR = (
    "The job stopped without finishing: the worker running it was restarted or ran out of"
    " time. Start it again; if it keeps happening, tell your administrator."
)


def _lost_after() -> datetime.timedelta:
    # A sent message is redelivered by Redis after the visibility timeout; only
    # a message lost with the broker's memory stays queued longer than that.
    return datetime.timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT)


def _stuck_after() -> datetime.timedelta:
    # No task survives its hard time limit, so a job "running" longer than that
    # belongs to a worker that died without recording the end.
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 300)


def dispatch_workspace(workspace_id: int, *, now: datetime.datetime) -> tuple[int, int]:
    """Re-send this workspace's stale queued jobs and close its stuck ones.

    Returns (jobs sent, jobs marked failed).
    """
    with workspace_context(workspace_id):
        with workspace_atomic():
            waiting = JobTrigger.objects.exclude(next_job=None).values("next_job")
            stale = list(
                Job.objects.filter(status=JobStatus.QUEUED)
                .filter(
                    Q(dispatched_at=None, created_at__lt=now - UNSENT_AFTER)
                    | Q(dispatched_at__lt=now - _lost_after())
                )
                .exclude(pk__in=waiting)
                .values_list("pk", "kind")
            )
            stuck = list(
                Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - _stuck_after())
            )
        for job in stuck:
            finish_job(job, error=STOPPED_ERROR)
        sent = 0
        for job_id, kind in stale:
            if send_job(workspace_id=workspace_id, job_id=job_id, kind=kind):
                sent += 1
            else:
                break  # the broker is still down; the next beat tick tries again
    return sent, len(stuck)


@shared_task(ignore_result=True, acks_late=True)
def dispatch_queued() -> dict[str, int]:
    """Send queued jobs that never reached the broker, and close jobs whose worker died.

    Crosses workspaces on purpose. On PostgreSQL the application role sees no
    job rows outside a workspace context (row-level security), so instead of an
    unscoped query it walks the workspaces (a global table) and enters each.
    """
    now = timezone.now()
    sent_total = failed_total = 0
    for workspace_id in Workspace.objects.order_by("pk").values_list("pk", flat=True):
        sent, failed = dispatch_workspace(workspace_id, now=now)
        sent_total += sent
        failed_total += failed
    if sent_total or failed_total:
        logger.info("Re-sent %s queued jobs, closed %s stopped jobs", sent_total, failed_total)
    return {"sent": sent_total, "failed": failed_total}
