"""Two writers racing on PostgreSQL: the conditional UPDATE lets exactly one win.

Real transactions on two connections (threads), as the application role under
row-level security. SQLite serialises writers with a database lock, so the
interleaving this test forces cannot happen there; the version check itself is
covered on both databases in test_concurrency.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_migrate

from accounts import services
from accounts.models import Customer
from kam.api.concurrency import VersionConflict
from kam.signals import apply_row_level_security
from kam.tenancy.context import workspace_context
from tests.factories import build_world

pytestmark = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="needs concurrent PostgreSQL writers"
)


@pytest.fixture(autouse=True)
def _restore_rls_handler() -> Iterator[None]:
    # Torn down after the flush of transactional_db (set up before it).
    yield
    post_migrate.connect(apply_row_level_security)


@pytest.fixture
def committed_db(transactional_db: None) -> None:
    """Real commits, flushed afterwards. The flush sends post_migrate, whose RLS
    handler would ALTER tables as the application role, which it may not; the
    policies are in place already, so the handler sits this one out."""
    post_migrate.disconnect(apply_row_level_security)


def test_the_second_of_two_racing_updates_is_refused_not_lost(committed_db: None) -> None:
    with transaction.atomic():
        world = build_world()
    workspace = world.a.workspace
    assert world.a.customer is not None
    customer_id = world.a.customer.pk
    first_wrote = threading.Event()
    outcome: dict[str, object] = {}

    def writer(name: str, region: str, hold_open: bool) -> None:
        try:
            # atomic first: the row-level security setting is transaction-local.
            with transaction.atomic(), workspace_context(workspace):
                customer = Customer.objects.get(pk=customer_id)
                if not hold_open:
                    first_wrote.wait(5)
                services.customer_update(
                    workspace=workspace, customer=customer, expected_version=1, region=region
                )
                if hold_open:
                    # Keep the row locked, uncommitted, while the other writer's
                    # UPDATE (same expected version) runs into it.
                    first_wrote.set()
                    threading.Event().wait(0.5)
            outcome[name] = "saved"
        except VersionConflict:
            outcome[name] = "conflict"
        finally:
            connection.close()

    first = threading.Thread(target=writer, args=("first", "North-East", True))
    second = threading.Thread(target=writer, args=("second", "South-West", False))
    first.start()
    second.start()
    first.join(10)
    second.join(10)

    assert outcome == {"first": "saved", "second": "conflict"}
    with transaction.atomic(), workspace_context(workspace):
        stored = Customer.objects.get(pk=customer_id)
    assert (stored.region, stored.version) == ("North-East", 2)
