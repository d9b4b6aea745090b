"""Marking scores stale: in the same transaction as the change, recompute after commit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from accounts.dirty import mark_customers_dirty, sales_inputs_changed
from accounts.exchange_rates import (
    exchange_rate_delete,
    exchange_rate_set,
    exchange_rate_update,
)
from accounts.job_kinds import SCORES
from accounts.models import Customer
from accounts.services import (
    customer_update,
    sales_line_create,
    sales_line_delete,
    sales_line_update,
)
from accounts.signals import sales_lines_changed
from accounts.upv import account_upv_set
from kam.jobs.models import Job
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld


def _clean(world: WorkspaceWorld) -> None:
    for tenant in (world.a, world.b):
        with workspace_context(tenant.workspace):
            Customer.objects.update(scores_dirty=False)


def _dirty(tenant: Any) -> set[str]:
    with workspace_context(tenant.workspace):
        return set(Customer.objects.filter(scores_dirty=True).values_list("external_id", flat=True))


def _score_jobs(tenant: Any) -> int:
    with workspace_context(tenant.workspace):
        return Job.objects.filter(kind=SCORES.name).count()


@pytest.fixture
def calm(world: WorkspaceWorld) -> WorkspaceWorld:
    with workspace_context(world.a.workspace):
        Customer.objects.create(external_id="a-C2", name="Second customer")
    _clean(world)
    return world


def test_marks_only_the_named_customers_and_asks_for_one_run_after_commit(
    calm: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    assert calm.a.customer
    with workspace_context(calm.a.workspace):
        with django_capture_on_commit_callbacks() as callbacks:
            mark_customers_dirty(workspace=calm.a.workspace, customer_ids=[calm.a.customer.pk])
            mark_customers_dirty(workspace=calm.a.workspace, customer_ids=[calm.a.customer.pk])
    assert _dirty(calm.a) == {"a-C1"}
    # Nothing runs before the commit; the callbacks ask the debouncer.
    assert _score_jobs(calm.a) == 0
    # Two marks in one transaction: one request for the commit.
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    assert _score_jobs(calm.a) == 1


def test_a_request_lost_with_a_rolled_back_savepoint_is_made_again(
    calm: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    assert calm.a.customer and calm.b.customer
    with workspace_context(calm.a.workspace):
        with django_capture_on_commit_callbacks() as callbacks:
            try:
                with transaction.atomic():
                    mark_customers_dirty(workspace=calm.a.workspace)
                    raise RuntimeError("the edit fails")
            except RuntimeError:
                pass
            mark_customers_dirty(workspace=calm.a.workspace, customer_ids=[calm.a.customer.pk])
            # Another workspace's request is its own.
            mark_customers_dirty(workspace=calm.b.workspace, customer_ids=[calm.b.customer.pk])
    assert len(callbacks) == 2


def test_none_marks_every_customer_of_the_workspace_and_none_of_another(
    calm: WorkspaceWorld,
) -> None:
    with workspace_context(calm.a.workspace):
        mark_customers_dirty(workspace=calm.a.workspace)
    assert _dirty(calm.a) == {"a-C1", "a-C2"}
    assert _dirty(calm.b) == set()


def test_ids_of_another_workspace_mark_nothing(calm: WorkspaceWorld) -> None:
    assert calm.b.customer
    with workspace_context(calm.a.workspace):
        mark_customers_dirty(workspace=calm.a.workspace, customer_ids=[calm.b.customer.pk])
    assert _dirty(calm.b) == set()
    assert _dirty(calm.a) == set()


def test_a_rolled_back_change_marks_nothing_and_schedules_nothing(
    calm: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    assert calm.a.customer
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with workspace_context(calm.a.workspace):
            with pytest.raises(RuntimeError):
                with transaction.atomic():
                    sales_line_create(
                        workspace=calm.a.workspace,
                        customer=calm.a.customer,
                        date=datetime.date(2025, 5, 1),
                        net_sales=Decimal("10.00"),
                    )
                    raise RuntimeError("the import failed half way")
    assert _dirty(calm.a) == set()
    assert callbacks == []
    assert _score_jobs(calm.a) == 0


def test_a_new_sales_line_marks_its_customer(calm: WorkspaceWorld) -> None:
    assert calm.a.customer
    with workspace_context(calm.a.workspace):
        sales_line_create(
            workspace=calm.a.workspace,
            customer=calm.a.customer,
            date=datetime.date(2025, 5, 1),
            net_sales=Decimal("10.00"),
        )
    assert _dirty(calm.a) == {"a-C1"}


def test_only_scorecard_inputs_mark_a_customer(calm: WorkspaceWorld) -> None:
    customer = calm.a.customer
    assert customer
    with workspace_context(calm.a.workspace):
        customer_update(
            workspace=calm.a.workspace,
            customer=customer,
            expected_version=customer.version,
            region="South",
        )
        assert _dirty(calm.a) == set()
        customer_update(
            workspace=calm.a.workspace,
            customer=customer,
            expected_version=customer.version,
            size_measure=Decimal("1200"),
        )
    assert _dirty(calm.a) == {"a-C1"}


def test_open_space_upv_is_stored_and_marks_the_customer(calm: WorkspaceWorld) -> None:
    customer = calm.a.customer
    assert customer
    with workspace_context(calm.a.workspace):
        account_upv_set(workspace=calm.a.workspace, customer=customer, upv=Decimal("25000.499"))
        customer.refresh_from_db()
        assert customer.upv_open_space == Decimal("25000.50")
        assert customer.scores_dirty
        Customer.objects.update(scores_dirty=False)
        # The same value again is no change: nothing to recompute.
        account_upv_set(workspace=calm.a.workspace, customer=customer, upv=Decimal("25000.50"))
        customer.refresh_from_db()
        assert not customer.scores_dirty
        account_upv_set(workspace=calm.a.workspace, customer=customer, upv=None)
        customer.refresh_from_db()
        assert customer.upv_open_space is None
        assert customer.scores_dirty


def test_upv_of_another_workspaces_customer_is_refused(calm: WorkspaceWorld) -> None:
    assert calm.b.customer
    with workspace_context(calm.a.workspace), pytest.raises(ValueError):
        account_upv_set(workspace=calm.a.workspace, customer=calm.b.customer, upv=1)


# -- sales inputs: one service marks the scores and tells the apps built on accounts --


@pytest.fixture
def notices() -> Any:
    """Every ``sales_lines_changed`` notice sent while the test runs, as (workspace, ids)."""
    received: list[tuple[int, set[int] | None]] = []

    def listen(sender: Any, *, workspace_id: int, customer_ids: set[int] | None, **_: Any) -> None:
        received.append((workspace_id, customer_ids))

    sales_lines_changed.connect(listen, dispatch_uid="test-notices")
    yield received
    sales_lines_changed.disconnect(dispatch_uid="test-notices")


def test_sales_inputs_changed_marks_and_notifies_in_one_call(
    calm: WorkspaceWorld, notices: list[Any]
) -> None:
    assert calm.a.customer
    with workspace_context(calm.a.workspace):
        sales_inputs_changed(workspace=calm.a.workspace, customer_ids=[calm.a.customer.pk])
        sales_inputs_changed(workspace=calm.a.workspace, customer_ids=[])  # nothing changed
    assert _dirty(calm.a) == {"a-C1"}
    assert _dirty(calm.b) == set()
    assert notices == [(calm.a.workspace.pk, {calm.a.customer.pk})]


def test_every_sales_line_and_rate_write_sends_the_notice(
    calm: WorkspaceWorld, notices: list[Any]
) -> None:
    workspace, customer = calm.a.workspace, calm.a.customer
    assert customer
    with workspace_context(workspace):
        line = sales_line_create(
            workspace=workspace,
            customer=customer,
            date=datetime.date(2024, 5, 1),
            net_sales=Decimal("10"),
            currency="USD",
        )
        sales_line_update(workspace=workspace, sales_line=line, net_sales=Decimal("12"))
        rate = exchange_rate_set(
            workspace=workspace, currency="USD", valid_from="2024-01-01", rate="0.9"
        )
        exchange_rate_update(
            workspace=workspace,
            exchange_rate=rate,
            currency="USD",
            valid_from=rate.valid_from,
            rate="0.8",
        )
        exchange_rate_delete(workspace=workspace, exchange_rate=rate)
        sales_line_delete(workspace=workspace, sales_line=line)
    assert notices == [(workspace.pk, {customer.pk})] * 6
