"""Debounced runs: one at a time per workspace and kind, exactly one follow-up."""

from __future__ import annotations

from typing import Any

import pytest

from kam.jobs.debounce import request_run
from kam.jobs.kinds import JobKind, register_job_kind
from kam.jobs.models import Job, JobStatus
from kam.jobs.runner import run_job
from kam.jobs.services import job_progress
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_task
from tests.factories import WorkspaceWorld

KIND = "test_counting"
runs: list[int] = []
# What each run does in the middle of its work (set by the tests).
during_run: list[Any] = []


@workspace_task(atomic=False, idempotent=True, bind=True)
def counting_task(task: Any, workspace_id: int, job_id: int) -> None:
    def work(job: Job) -> None:
        runs.append(job.pk)
        job_progress(workspace=workspace_id, job=job, done=1, total=2)
        if len(runs) == 1:
            for action in during_run:
                action(workspace_id)

    run_job(task, workspace_id=workspace_id, job_id=job_id, work=work)


register_job_kind(JobKind(name=KIND, task=f"{__name__}.counting_task", label="Counting"))


@pytest.fixture(autouse=True)
def fresh_runs() -> None:
    runs.clear()
    during_run.clear()


def statuses(workspace_id: int) -> list[str]:
    with workspace_context(workspace_id):
        return list(Job.objects.filter(kind=KIND).order_by("pk").values_list("status", flat=True))


def test_triggers_during_a_run_lead_to_exactly_one_follow_up(
    world: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    workspace_id = world.a.workspace.pk
    follow_ups: list[Job] = []
    during_run.append(lambda ws: follow_ups.extend(request_run(ws, KIND) for _ in range(5)))
    with django_capture_on_commit_callbacks(execute=True):
        first = request_run(workspace_id, KIND)

    # Five triggers while the first run was running joined one waiting job ...
    assert len({job.pk for job in follow_ups}) == 1
    assert follow_ups[0].pk != first.pk
    # ... which ran once, after the first run: two runs in all, not one, not six.
    assert runs == [first.pk, follow_ups[0].pk]
    assert statuses(workspace_id) == ["succeeded", "succeeded"]


def test_triggers_while_a_run_is_still_queued_join_it(world: WorkspaceWorld) -> None:
    # No on-commit execution: the first job stays queued, as while a worker is busy.
    workspace_id = world.a.workspace.pk
    jobs = {request_run(workspace_id, KIND).pk for _ in range(3)}
    assert len(jobs) == 1
    assert statuses(workspace_id) == ["queued"]
    assert runs == []


def test_a_waiting_follow_up_does_not_start_before_the_active_run_ends(
    world: WorkspaceWorld,
) -> None:
    workspace_id = world.a.workspace.pk
    active = request_run(workspace_id, KIND)
    with workspace_context(workspace_id):
        Job.objects.filter(pk=active.pk).update(status=JobStatus.RUNNING)  # a worker has it
    follow_up = request_run(workspace_id, KIND)
    # A duplicate message (or the beat) sends the follow-up early: it must wait.
    counting_task.delay(workspace_id, follow_up.pk)
    assert runs == []
    assert statuses(workspace_id) == ["running", "queued"]


def test_each_workspace_debounces_on_its_own(world: WorkspaceWorld) -> None:
    job_a = request_run(world.a.workspace.pk, KIND)
    job_b = request_run(world.b.workspace.pk, KIND)
    assert job_a.pk != job_b.pk
    assert (job_a.workspace_id, job_b.workspace_id) == (world.a.workspace.pk, world.b.workspace.pk)


def test_a_run_that_crashes_is_failed_with_a_plain_sentence_and_frees_the_trigger(
    world: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    workspace_id = world.a.workspace.pk

    def crash(ws: int) -> None:
        raise ZeroDivisionError("division by zero")

    during_run.append(crash)
    with django_capture_on_commit_callbacks(execute=True):
        failed = request_run(workspace_id, KIND)
    with workspace_context(workspace_id):
        failed.refresh_from_db()
    assert failed.status == "failed"
    assert failed.error.startswith("Something went wrong while counting.")
    assert "ZeroDivision" not in failed.error and "Traceback" not in failed.error

    with django_capture_on_commit_callbacks(execute=True):
        again = request_run(workspace_id, KIND)
    assert again.pk != failed.pk
    assert statuses(workspace_id) == ["failed", "succeeded"]
