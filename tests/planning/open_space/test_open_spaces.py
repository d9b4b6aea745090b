"""The Open Space itself: created once, deleted whole, and the UPV it feeds."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Customer, Offering
from accounts.services import sales_line_create
from kam.tenancy.context import workspace_context
from planning.models import OpenSpace, OpenSpaceCell
from planning.open_space.services import cells, open_spaces
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    LAST_YEAR,
    add_sales,
    fill_oil_field_potentials,
    oil_field_open_space,
    set_cell,
)

pytestmark = pytest.mark.django_db


def test_feed_upv_stores_the_total_and_marks_the_customer_dirty(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        Customer.objects.filter(pk=open_space.customer_id).update(scores_dirty=False)
        fill_oil_field_potentials(world.a, open_space)
        customer = Customer.objects.get(pk=open_space.customer_id)
        assert customer.upv_open_space == Decimal("9750000.00")
        assert customer.scores_dirty is True
        Customer.objects.filter(pk=customer.pk).update(scores_dirty=False)
        # A change that leaves UPV alone (a competitor) marks nothing.
        set_cell(open_space, "Europe", "Pressure Pumping", None, competitor="Baker Hughes")
        assert Customer.objects.get(pk=customer.pk).scores_dirty is False
        set_cell(open_space, "Europe", "Pressure Pumping", None, potential="1000000")
        customer.refresh_from_db()
        assert customer.upv_open_space == Decimal("7750000.00")
        assert customer.scores_dirty is True


def test_open_space_get_or_create_is_idempotent(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        customer = Customer.objects.create(external_id="a-NEW", name="New")
        first = open_spaces.open_space_get_or_create(customer=customer)
        assert open_spaces.open_space_get_or_create(customer=customer).pk == first.pk
        assert OpenSpace.objects.filter(customer=customer).count() == 1


def test_clearing_a_cell_and_deleting_the_open_space_update_upv(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        cell = OpenSpaceCell.objects.get(potential=Decimal("1250000"))
        cells.cell_clear(open_space=open_space, cell=cell, expected_version=cell.version)
        customer = Customer.objects.get(pk=open_space.customer_id)
        assert customer.upv_open_space == Decimal("8500000.00")
        open_spaces.open_space_delete(open_space=open_space, expected_version=open_space.version)
        customer.refresh_from_db()
        assert customer.upv_open_space is None


def test_refresh_upv_follows_new_sales_lines(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        assert open_spaces.upv_refresh(workspace_id=world.a.workspace.pk) == 1  # the factory's
        # Pressure pumping is now sold in Europe: its 3M potential is no longer open.
        add_sales(world.a, segment="Europe", offering="Pressure Pumping", amount="10")
        assert open_spaces.upv_refresh(workspace_id=world.a.workspace.pk) == 1
        customer = Customer.objects.get(pk=open_space.customer_id)
        assert customer.upv_open_space == Decimal("6750000.00")
        assert open_spaces.upv_refresh(workspace_id=world.a.workspace.pk) == 0


def test_a_sales_line_entered_through_accounts_refreshes_the_upv(
    world: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    with workspace_context(world.a.workspace), django_capture_on_commit_callbacks() as callbacks:
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        open_spaces.upv_refresh(workspace_id=world.a.workspace.pk)
        sales_line_create(
            workspace=world.a.workspace,
            customer=Customer.objects.get(pk=open_space.customer_id),
            offering=Offering.objects.get(name="Pressure Pumping"),
            segment="Europe",
            date=datetime.date(LAST_YEAR, 6, 15),
            net_sales=Decimal("10"),
        )
        customer = Customer.objects.get(pk=open_space.customer_id)
    # accounts signals the change; planning refreshes the UPV in the same
    # transaction, and every change in it asks for a single scores run.
    assert customer.upv_open_space == Decimal("6750000.00")
    assert len(callbacks) == 1
