"""Embedded set-up with KAM_EMBEDDED_JOBS = "thread": jobs run beside the request, never in it.

Each test holds the job at a gate, so "the answer came before the job ended"
is a fact, not a timing, then opens the gate and waits for the thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.test import Client

from accounts.models import Customer
from kam.api.tokens import AccessToken
from kam.jobs import dispatch
from kam.jobs.dispatch import send_job
from kam.jobs.kinds import JobKind, register_job_kind
from kam.jobs.models import Job
from kam.jobs.runner import run_job
from kam.jobs.services import job_create, job_progress
from kam.tenancy.context import current_workspace_id, workspace_context
from kam.tenancy.tasks import workspace_atomic, workspace_task
from kam.workspaces.models import Workspace
from tests.factories import WorkspaceWorld

KIND = "test_thread"
gate = threading.Event()
seen: dict[str, Any] = {}


@workspace_task(atomic=False, bind=True)
def gated(task: Any, workspace_id: int, job_id: int) -> None:
    def work(job: Job) -> None:
        job_progress(workspace=workspace_id, job=job, done=1, total=2)
        seen["workspace"] = current_workspace_id()
        assert gate.wait(timeout=30)
        job_progress(workspace=workspace_id, job=job, done=2, total=2)

    run_job(task, workspace_id=workspace_id, job_id=job_id, work=work)


register_job_kind(JobKind(name=KIND, task=f"{__name__}.gated", label="Gated"))

FLAKY = "test_thread_flaky"
attempts: list[int] = []


@workspace_task(atomic=False, bind=True)
def flaky(task: Any, workspace_id: int, job_id: int) -> None:
    def work(job: Job) -> None:
        attempts.append(job.pk)
        if len(attempts) == 1:
            raise OperationalError("the connection was lost")

    run_job(task, workspace_id=workspace_id, job_id=job_id, work=work)


register_job_kind(JobKind(name=FLAKY, task=f"{__name__}.flaky", label="Flaky"))


@pytest.fixture
def threads(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[threading.Thread]]:
    settings.CELERY_BROKER_URL = ""
    settings.KAM_EMBEDDED_JOBS = "thread"
    started: list[threading.Thread] = []
    original = dispatch.run_in_thread

    def recording(task: Any, *, workspace_id: int, job_id: int) -> threading.Thread:
        thread = original(task, workspace_id=workspace_id, job_id=job_id)
        started.append(thread)
        return thread

    monkeypatch.setattr(dispatch, "run_in_thread", recording)
    gate.clear()
    seen.clear()
    yield started
    gate.set()  # never leave a thread waiting
    for thread in started:
        thread.join(timeout=30)


class Held:
    """A task whose run waits for the gate first."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self.max_retries = task.max_retries

    def apply(self, **kwargs: Any) -> Any:
        assert gate.wait(timeout=30)
        return self.task.apply(**kwargs)


def _job(workspace: Workspace, job_id: int) -> Job:
    with workspace_context(workspace), workspace_atomic():
        return Job.objects.get(pk=job_id)


def test_a_job_runs_in_a_thread_with_its_row_and_progress(
    committed_db: None, threads: list[threading.Thread]
) -> None:
    workspace = Workspace.objects.create(name="Threads", slug="threads")
    with workspace_context(workspace):
        job = job_create(workspace=workspace, kind=KIND)

    assert send_job(workspace_id=workspace.pk, job_id=job.pk, kind=KIND) is True

    assert len(threads) == 1
    assert current_workspace_id() is None  # the caller's context is untouched
    waiting = _job(workspace, job.pk)
    assert waiting.status in {"queued", "running"}
    assert waiting.dispatched_at is not None
    gate.set()
    threads[0].join(timeout=30)
    assert not threads[0].is_alive()
    done = _job(workspace, job.pk)
    assert (done.status, done.percent) == ("succeeded", 100)
    assert seen["workspace"] == workspace.pk  # the thread entered the job's workspace


def test_an_api_apply_answers_202_before_the_import_ends(
    committed_db: None,
    world: WorkspaceWorld,
    threads: list[threading.Thread],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The thread is held before it touches the database: the in-memory test
    # database (shared cache) refuses a write beside another connection's
    # statement, which a file database in WAL mode allows.
    original = dispatch.run_in_thread

    def held_thread(task: Any, *, workspace_id: int, job_id: int) -> threading.Thread:
        return original(Held(task), workspace_id=workspace_id, job_id=job_id)

    monkeypatch.setattr(dispatch, "run_in_thread", held_thread)
    client = Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})
    content = b"Kundennummer,Name\nT-1,Alpha\nT-2,Beta\n"
    batch = client.post(
        "/api/v1/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", content)}
    ).json()
    checked = client.put(
        f"/api/v1/imports/{batch['id']}/mapping/",
        {"mapping": batch["mapping"], "options": {}},
        content_type="application/json",
    )
    assert checked.status_code == 200, checked.content

    response = client.post(f"/api/v1/imports/{batch['id']}/apply/")

    assert response.status_code == 202, response.content
    assert response.json()["status"] in {"queued", "running"}
    job_url = response.json()["job"]
    assert client.get(job_url).json()["status"] in {"queued", "running"}
    with workspace_context(world.a.workspace), workspace_atomic():
        assert not Customer.objects.filter(external_id__startswith="T-").exists()
    gate.set()
    for thread in threads:
        thread.join(timeout=30)
    assert client.get(job_url).json()["status"] == "succeeded"
    with workspace_context(world.a.workspace), workspace_atomic():
        names = set(
            Customer.objects.filter(external_id__startswith="T-").values_list("name", flat=True)
        )
    assert names == {"Alpha", "Beta"}
    connection.close()


def test_a_transient_error_in_the_thread_is_retried_there(
    committed_db: None, threads: list[threading.Thread], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "RETRY_PAUSE_SECONDS", 0)
    attempts.clear()
    workspace = Workspace.objects.create(name="Retries", slug="retries")
    with workspace_context(workspace):
        job = job_create(workspace=workspace, kind=FLAKY)
    send_job(workspace_id=workspace.pk, job_id=job.pk, kind=FLAKY)
    threads[0].join(timeout=30)
    assert len(attempts) == 2
    assert _job(workspace, job.pk).status == "succeeded"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded set-up's database")
def test_a_token_call_is_answered_while_a_job_holds_the_write_lock(
    committed_db: None, world: WorkspaceWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = QuerySet.update

    def locked(self: QuerySet[Any], **changes: Any) -> int:
        if self.model is AccessToken:
            raise OperationalError("database is locked")
        return original(self, **changes)

    monkeypatch.setattr(QuerySet, "update", locked)
    client = Client(headers={"Authorization": f"Bearer {world.a.access_token_secret}"})
    assert client.get("/api/v1/me/").status_code == 200
