"""Borealis Steel with an Open Space, stakeholders and a selling center; Acme Mining to refuse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Customer, CustomerStatus, Offering
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from planning.models import (
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
    Opportunity,
)
from selling_center.models import SellingCenterMember
from tests.factories import WorkspaceWorld


@dataclass
class Account:
    workspace: Workspace
    customer: Customer
    opportunity: Opportunity
    decider: Stakeholder
    expert: SellingCenterMember
    #: North x pumps: sold last year (incumbent).
    sold_cell: OpenSpaceCell
    #: South x pumps: open; pumps are sold to this account in the North (up-sell).
    upsell_cell: OpenSpaceCell
    #: North x sensors: open; sensors are sold nowhere at this account (cross-sell).
    crosssell_cell: OpenSpaceCell
    #: North x "Digital twin": a co-creation column.
    cocreation_cell: OpenSpaceCell
    other: Customer
    other_cell: OpenSpaceCell
    stranger: Stakeholder
    other_member: SellingCenterMember


def _open_space(customer: Customer, offerings: list[Offering]) -> dict[str, OpenSpaceCell]:
    space = OpenSpace.objects.create(customer=customer)
    north = OpenSpaceSegment.objects.create(open_space=space, name="North", group="EU", position=0)
    south = OpenSpaceSegment.objects.create(open_space=space, name="South", group="EU", position=1)
    pumps = OpenSpaceColumn.objects.create(open_space=space, offering=offerings[0], position=0)
    sensors = OpenSpaceColumn.objects.create(open_space=space, offering=offerings[1], position=1)
    twin = OpenSpaceColumn.objects.create(open_space=space, name="Digital twin", position=2)
    cells = {
        "sold": OpenSpaceCell.objects.create(
            open_space=space, segment=north, column=pumps, entered_sales=Decimal("100000")
        ),
        "upsell": OpenSpaceCell.objects.create(
            open_space=space, segment=south, column=pumps, potential=Decimal("50000")
        ),
        "crosssell": OpenSpaceCell.objects.create(
            open_space=space, segment=north, column=sensors, potential=Decimal("70000")
        ),
        "cocreation": OpenSpaceCell.objects.create(
            open_space=space, segment=north, column=twin, potential=Decimal("30000")
        ),
    }
    return cells


@pytest.fixture
def account(world: WorkspaceWorld) -> Account:
    tenant = world.a
    with workspace_context(tenant.workspace):
        customer = Customer.objects.create(
            external_id="KA-BOR",
            name="Borealis Steel",
            status=CustomerStatus.KEY_ACCOUNT,
            owner=tenant.user("kam"),
        )
        sensors = Offering.objects.create(
            code="a-SENS", name="Wear sensors", business_unit="Digital"
        )
        cells = _open_space(customer, [tenant.offering, sensors])
        decider = Stakeholder.objects.create(
            customer=customer, name="Ines Aalto", roles=["decider"]
        )
        expert = SellingCenterMember.objects.create(
            customer=customer, user=tenant.user("kam"), role="contributor", permanent=False
        )
        opportunity = Opportunity.objects.create(
            customer=customer, title="Furnace relining", value=Decimal("200000"), probability=50
        )
        other = Customer.objects.create(
            external_id="KA-ACM", name="Acme Mining", status=CustomerStatus.KEY_ACCOUNT
        )
        other_cells = _open_space(other, [tenant.offering, sensors])
        stranger = Stakeholder.objects.create(customer=other, name="Carl Dahl", roles=["buyer"])
        other_member = SellingCenterMember.objects.create(
            customer=other, name="Olga Outside", role="contributor", permanent=False
        )
    return Account(
        workspace=tenant.workspace,
        customer=customer,
        opportunity=opportunity,
        decider=decider,
        expert=expert,
        sold_cell=cells["sold"],
        upsell_cell=cells["upsell"],
        crosssell_cell=cells["crosssell"],
        cocreation_cell=cells["cocreation"],
        other=other,
        other_cell=other_cells["upsell"],
        stranger=stranger,
        other_member=other_member,
    )


@pytest.fixture
def in_workspace(account: Account) -> Iterator[None]:
    with workspace_context(account.workspace):
        yield


def client_for(world: WorkspaceWorld, role: str = "kam") -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client
