"""A real Celery worker, on Redis and the PostgreSQL test database, runs the figures job.

Run with (see README): DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
CELERY_BROKER_URL=redis://127.0.0.1:6379/15 .venv/bin/pytest tests/jobs -m worker
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from accounts.customer_figures import customer_figures_request
from accounts.models import Customer, CustomerYearFigures
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace
from tests.jobs.conftest import add_sale

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (settings.USING_POSTGRES and BROKER_URL),
        reason="needs PostgreSQL (DATABASE_URL) and a broker (CELERY_BROKER_URL)",
    ),
]

CELERY = Path(sys.executable).with_name("celery")
WAIT_SECONDS = 60


def _app_role_database_url() -> str:
    """The test database, as the application role (row-level security applies)."""
    params = connection.settings_dict
    role = quote(settings.DATABASE_APP_ROLE)
    password = f":{quote(settings.DATABASE_APP_PASSWORD)}" if settings.DATABASE_APP_PASSWORD else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{role}{password}@{host}:{port}/{params['NAME']}"


@pytest.fixture
def worker(committed_db: None, tmp_path: Path, media_in_tmp: Path) -> Iterator[subprocess.Popen]:
    broker = redis.Redis.from_url(BROKER_URL)
    broker.delete("default", "pdf")  # no leftovers from earlier runs
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kam.settings",
        "DATABASE_URL": _app_role_database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "MEDIA_ROOT": str(media_in_tmp),
        "LOG_LEVEL": "INFO",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "kam",
            "worker",
            "-Q",
            "default,pdf",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        broker.delete("default", "pdf")


def wait_until_finished(workspace: Workspace, process: subprocess.Popen, log: Path) -> Job:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with workspace_context(workspace), workspace_atomic():
            job = Job.objects.filter(kind="customer_figures").first()
        if job is not None and not job.is_active:
            return job
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"the job did not finish within {WAIT_SECONDS} s:\n{log.read_text()}")


def test_a_real_worker_computes_customer_figures(worker: subprocess.Popen, tmp_path: Path) -> None:
    workspace = Workspace.objects.create(name="Worker Test", slug="worker-test")
    with workspace_context(workspace), workspace_atomic():
        customers = [
            Customer.objects.create(external_id=f"W{number}", name=f"Customer {number}")
            for number in range(3)
        ]
        day = datetime.date(2025, 5, 1)
        add_sale(customers[0], "w0-1", day, "1000.00", "600.00", "100.00")
        add_sale(customers[0], "w0-2", day, "-100.00", "-60.00", "20.00")  # a return
        add_sale(customers[1], "w1-1", datetime.date(2024, 1, 9), "250.00", "100.00", "25.00")
        # Committed by this block; the run is requested once it commits.
        customer_figures_request(workspace=workspace)

    job = wait_until_finished(workspace, worker, tmp_path / "worker.log")

    with workspace_context(workspace), workspace_atomic():
        figures = {
            (f.customer.external_id, f.year): f.contribution_margin
            for f in CustomerYearFigures.objects.select_related("customer")
        }
    assert job.status == "succeeded", job.error
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.started_at is not None and job.finished_at is not None
    assert figures == {
        ("W0", 2025): Decimal("240.00"),  # 900 net - 540 goods - 120 to serve
        ("W1", 2024): Decimal("125.00"),  # 250 - 100 - 25
    }
    assert job.result_file.name.endswith(".csv")
