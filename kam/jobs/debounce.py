"""Debounced runs: at most one run per workspace and kind, and exactly one follow-up.

Edits call :func:`request_run` (after their transaction commits). The state
lives in one ``JobTrigger`` row per workspace and kind:

* ``active_job``: the run that is queued or running, if any;
* ``next_job``: the single follow-up run, created by the first trigger that
  arrives while ``active_job`` is *running*, and shared by every later one.

Why this is race-free:

* Every change of a trigger row happens with the row locked
  (``select_for_update``; on SQLite, whose transactions here are ``IMMEDIATE``,
  the whole database is write-locked for the transaction, which serialises the
  same way). So ``request_run``, :func:`run_may_start` and :func:`run_finished`
  never interleave for one trigger.
* A trigger that finds the active run still *queued* adds nothing: that run
  has not read any data yet, and it will only read after it starts, which is
  after the change behind this trigger was committed (triggers are sent on
  commit). Whether the start happens before or after our look at the status,
  the change is covered: before -> we see "running" and create the follow-up.
* A trigger that finds the active run *running* cannot know whether the run
  already read the changed rows, so it makes sure a follow-up exists. There is
  one ``next_job`` slot, so N triggers during a run make one follow-up, not N.
* When the active run ends, :func:`run_finished` (in the same transaction that
  marks the job finished) promotes ``next_job`` to active and sends it. A
  trigger arriving just before that lands in ``next_job``; one arriving just
  after finds no active run and starts a fresh one. Never zero, never two.
* A follow-up must not start while the active run is still going, even if a
  duplicate message or the periodic re-dispatch sends it early:
  :func:`run_may_start` refuses a job that is still waiting in ``next_job``.
* Lock order is always trigger row first, then job row, so the three
  functions cannot deadlock each other.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from kam.jobs.dispatch import send_job_on_commit
from kam.jobs.models import FINISHED_STATUSES, Job, JobStatus, JobTrigger
from kam.jobs.services import job_create
from kam.tenancy.context import require_workspace_id, workspace_context
from kam.tenancy.tasks import workspace_atomic

WAITING_MESSAGE = "Waiting for the run in progress to finish; this one starts right after it."


def _locked_trigger(kind: str) -> JobTrigger:
    queryset = JobTrigger.objects.select_for_update()
    trigger = queryset.filter(kind=kind).first()
    if trigger is None:
        # Two first-ever triggers may race to create the row: the loser's
        # insert is ignored by the unique constraint and both then lock it.
        JobTrigger.objects.bulk_create(
            [JobTrigger(workspace_id=require_workspace_id(), kind=kind)], ignore_conflicts=True
        )
        trigger = queryset.get(kind=kind)
    return trigger


def request_run(workspace_id: int, kind: str, *, requested_by: User | None = None) -> Job:
    """Ask for a run of ``kind`` in the workspace; return the job that will carry it out.

    Call it from services with ``transaction.on_commit`` so the run sees the
    change that asked for it. The job is sent to Celery after this function's
    own transaction commits (in eager mode it runs then, in this process).
    """
    with workspace_context(workspace_id), workspace_atomic():
        trigger = _locked_trigger(kind)
        trigger.last_requested_at = timezone.now()
        active = Job.objects.filter(pk=trigger.active_job_id).first()
        waiting = Job.objects.filter(pk=trigger.next_job_id).first()

        if active is None or active.status in FINISHED_STATUSES:
            # Nothing is running. (An active job that already finished means
            # the worker died between finishing and releasing; heal it here.)
            if waiting is not None and waiting.status == JobStatus.QUEUED:
                job = waiting
            else:
                job = job_create(workspace=workspace_id, kind=kind, requested_by=requested_by)
            trigger.active_job, trigger.next_job = job, None
            trigger.save()
            send_job_on_commit(workspace_id=workspace_id, job_id=job.pk, kind=kind)
            return job

        if active.status == JobStatus.QUEUED:
            trigger.save(update_fields=["last_requested_at"])
            return active

        # The active run is running: make sure exactly one follow-up waits.
        if waiting is None or waiting.status != JobStatus.QUEUED:
            waiting = job_create(
                workspace=workspace_id,
                kind=kind,
                requested_by=requested_by,
                message=WAITING_MESSAGE,
            )
            trigger.next_job = waiting
        trigger.save()
        return waiting


def run_may_start(*, kind: str, job_id: int) -> bool:
    """Whether a job may start now: not while it waits behind the active run.

    Call inside the transaction that starts the job, before starting it.
    """
    trigger = JobTrigger.objects.select_for_update().filter(kind=kind).first()
    return trigger is None or trigger.next_job_id != job_id


def run_finished(*, kind: str, job_id: int) -> Job | None:
    """Release the trigger held by ``job_id`` and send the follow-up, if any.

    Call inside the transaction that marks the job finished, before marking it.
    Returns the follow-up job.
    """
    trigger = JobTrigger.objects.select_for_update().filter(kind=kind).first()
    if trigger is None or trigger.active_job_id != job_id:
        return None
    follow_up = Job.objects.filter(pk=trigger.next_job_id, status=JobStatus.QUEUED).first()
    trigger.active_job, trigger.next_job = follow_up, None
    trigger.save(update_fields=["active_job", "next_job"])
    if follow_up is not None:
        follow_up.message = "Waiting for a worker to pick this up."
        Job.objects.filter(pk=follow_up.pk).update(message=follow_up.message)
        send_job_on_commit(
            workspace_id=follow_up.workspace_id, job_id=follow_up.pk, kind=follow_up.kind
        )
    return follow_up
