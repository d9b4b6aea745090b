"""A broker that is down never breaks a page; the beat sends the job when it is back."""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from django.test import Client
from django.urls import reverse

from kam.celery import app
from kam.jobs.models import Job
from kam.jobs.tasks import dispatch_queued
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld
from tests.jobs.conftest import new_jobs, signed_in

CLOSED_PORT = "redis://127.0.0.1:1/0"
TEST_REDIS = "redis://127.0.0.1:6379/15"


def _forget_connections() -> None:
    # Celery caches its connection and producer pools per app; drop them so the
    # next publish uses the broker URL we just set.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str) -> Iterator[None]:
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    saved_environment = os.environ.get("CELERY_BROKER_URL")
    _forget_connections()
    # Celery prefers the environment variable over its configuration.
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        _forget_connections()
        app.conf.broker_url, app.conf.task_always_eager = saved
        if saved_environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_environment


@pytest.fixture
def test_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(TEST_REDIS)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client.delete("default", "pdf")
    yield client
    client.delete("default", "pdf")


def test_the_page_works_while_the_broker_is_down_and_the_beat_sends_later(
    world: WorkspaceWorld,
    client: Client,
    test_redis: redis.Redis,
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed_in(client, world.a, "admin")
    with broker(CLOSED_PORT):
        began = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("job-start", args=["customer_figures"]))
        elapsed = time.monotonic() - began
        with workspace_context(world.a.workspace):
            job = new_jobs(world.a).get()

        assert response.status_code == 302
        assert elapsed < 5, "a dead broker must not hang the page"
        assert (job.status, job.dispatched_at) == ("queued", None)
        assert client.get(response["Location"]).status_code == 200

        # Still down: the beat tries, fails quietly, and the job waits.
        with workspace_context(world.a.workspace):
            Job.objects.filter(pk=job.pk).update(
                created_at=job.created_at - datetime.timedelta(minutes=2)
            )
        assert dispatch_queued() == {"sent": 0, "failed": 0}

    with broker(TEST_REDIS):
        assert dispatch_queued() == {"sent": 1, "failed": 0}
        assert dispatch_queued() == {"sent": 0, "failed": 0}  # sent once, not every minute

    messages = test_redis.lrange("default", 0, -1)
    assert len(messages) == 1
    assert b"accounts.tasks.recompute_customer_figures" in messages[0]
    with workspace_context(world.a.workspace):
        job.refresh_from_db()
    assert job.status == "queued"
    assert job.dispatched_at is not None


def test_a_job_queued_less_than_a_minute_ago_is_not_resent(
    world: WorkspaceWorld, test_redis: redis.Redis
) -> None:
    with workspace_context(world.a.workspace):
        Job.objects.create(kind="customer_figures")
    with broker(TEST_REDIS):
        assert dispatch_queued() == {"sent": 0, "failed": 0}
    assert test_redis.llen("default") == 0


def test_a_job_whose_worker_died_is_failed_by_the_beat(world: WorkspaceWorld) -> None:
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    with workspace_context(world.b.workspace):
        job = Job.objects.create(kind="customer_figures", status="running", started_at=long_ago)
    assert dispatch_queued()["failed"] == 1
    with workspace_context(world.b.workspace):
        job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("The job stopped without finishing")
