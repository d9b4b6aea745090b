"""Fixtures for the job tests."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import QuerySet
from django.db.models.signals import post_migrate
from django.test import Client

from accounts.models import Customer, SalesLine
from kam.celery import app
from kam.jobs.models import Job
from kam.signals import apply_row_level_security
from tests.factories import PASSWORD, Tenant


@pytest.fixture(autouse=True)
def eager_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run tasks in process, even when CELERY_BROKER_URL is set for the worker test.

    Tests marked ``worker`` talk to a real broker and worker instead.
    """
    if request.node.get_closest_marker("worker"):
        yield
        return
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def media_in_tmp(settings: object, tmp_path: Path) -> Path:
    # Result files of jobs go to a throw-away folder, never the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


def signed_in(client: Client, tenant: Tenant, role: str = "viewer") -> Client:
    assert client.login(username=tenant.user(role).username, password=PASSWORD)
    return client


def add_sale(
    customer: Customer,
    key: str,
    date: datetime.date,
    net: str,
    cogs: str = "0",
    cts: str = "0",
    currency: str = "EUR",
) -> SalesLine:
    """Call inside the customer's workspace context."""
    return SalesLine.objects.create(
        customer=customer,
        date=date,
        net_sales=Decimal(net),
        cost_of_goods=Decimal(cogs),
        cost_delivery=Decimal(cts),
        currency=currency,
        source_key=key,
    )


@pytest.fixture(autouse=True)
def _restore_rls_handler() -> Iterator[None]:
    # Autouse: set up before and torn down after the database fixtures, so the
    # handler is back only once committed_db's flush is over.
    yield
    post_migrate.connect(apply_row_level_security)


@pytest.fixture
def committed_db(transactional_db: None) -> None:
    """Real commits (for worker and poller tests), cleaned up by a flush afterwards.

    The flush sends ``post_migrate``, whose handler in ``kam.signals`` would
    re-apply row-level security as the application role, which may not ALTER
    tables. The policies are in place already, so the handler sits this out.
    """
    post_migrate.disconnect(apply_row_level_security)


def new_jobs(tenant: Tenant) -> QuerySet[Job]:
    """Jobs the test made, not the one the factories give every workspace.

    Call inside the tenant's workspace context.
    """
    factory_job = tenant.job.pk if tenant.job else None
    return Job.objects.exclude(pk=factory_job).order_by("pk")
