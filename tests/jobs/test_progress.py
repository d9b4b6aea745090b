"""Progress is committed at once: another connection sees it while the job still runs."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from kam.jobs.kinds import JobKind, register_job_kind
from kam.jobs.models import Job
from kam.jobs.runner import run_job
from kam.jobs.services import job_create, job_progress
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic, workspace_task
from kam.workspaces.models import Workspace

KIND = "test_progress"
seen_from_outside: list[tuple[str, int, int]] = []


def read_job_elsewhere(workspace_id: int, job_id: int) -> tuple[str, int, int]:
    """Read the job as a page poll would: another thread, hence another connection."""
    result: list[tuple[str, int, int]] = []

    def poll() -> None:
        try:
            with workspace_context(workspace_id), workspace_atomic():
                job = Job.objects.get(pk=job_id)
                result.append((job.status, job.progress_done, job.progress_total))
        except Exception as error:  # shown in the assertion below
            result.append((repr(error), -1, -1))
        finally:
            connection.close()

    thread = threading.Thread(target=poll)
    thread.start()
    thread.join(timeout=10)
    return result[0]


@workspace_task(atomic=False, bind=True)
def three_steps(task: Any, workspace_id: int, job_id: int) -> None:
    def work(job: Job) -> None:
        for done in range(1, 4):
            job_progress(workspace=workspace_id, job=job, done=done, total=3)
            if done == 2:
                seen_from_outside.append(read_job_elsewhere(workspace_id, job.pk))

    run_job(task, workspace_id=workspace_id, job_id=job_id, work=work)


register_job_kind(JobKind(name=KIND, task=f"{__name__}.three_steps", label="Three steps"))


def test_progress_is_visible_to_pollers_while_the_job_runs(committed_db: None) -> None:
    workspace = Workspace.objects.create(name="Progress", slug="progress")
    with workspace_context(workspace):
        job = job_create(workspace=workspace, kind=KIND)
    three_steps.delay(workspace.pk, job.pk)
    assert seen_from_outside == [("running", 2, 3)]
    with workspace_context(workspace), workspace_atomic():
        job.refresh_from_db()
    assert (job.status, job.percent) == ("succeeded", 100)


def test_progress_refuses_to_hide_inside_another_transaction(db: None) -> None:
    workspace = Workspace.objects.create(name="Nested", slug="nested")
    with workspace_context(workspace), workspace_atomic():
        job = job_create(workspace=workspace, kind=KIND)
        with pytest.raises(RuntimeError, match="durable"):
            job_progress(workspace=workspace, job=job, done=1, total=2)
