"""A key account with a buying center, opportunities and actions, and helpers to add more."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Customer, CustomerScore, CustomerStatus, CustomerYearFigures
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from planning.models import Action, Opportunity, StakeholderNeed
from selling_center.models import SellingCenterMember
from tests.factories import WorkspaceWorld


@dataclass
class Account:
    workspace: Workspace
    customer: Customer
    decider: Stakeholder
    owner: SellingCenterMember
    opportunity: Opportunity


def build_account(workspace: Workspace, *, name: str, kam: Any, number: int = 1) -> Account:
    """A green key account: covered, recently assessed decider, qualified deal, rising margin."""
    now = timezone.now()
    today = timezone.localdate()
    customer = Customer.objects.create(
        external_id=f"KA-{number}",
        name=name,
        status=CustomerStatus.KEY_ACCOUNT,
        owner=kam,
    )
    owner = SellingCenterMember.objects.create(customer=customer, user=kam)
    decider = Stakeholder.objects.create(
        customer=customer,
        name=f"Ingrid Ortega {number}",
        roles=["decider"],
        owner=owner,
        relationship_score=1,
        assessed_at=now - datetime.timedelta(days=10),
    )
    opportunity = Opportunity.objects.create(
        customer=customer,
        title=f"Pump fleet upgrade {number}",
        value=Decimal(50000),
        compelling_reason=True,
        authority_leverage=True,
        budget_availability=True,
        supporting_allies=True,
    )
    StakeholderNeed.objects.create(
        opportunity=opportunity,
        stakeholder=decider,
        kind="concern",
        nature="solution",
        severity="low",
        description="Response times",
    )
    Action.objects.create(
        customer=customer, title="Site visit", due_date=today + datetime.timedelta(days=7)
    )
    for year, margin in ((today.year - 2, 300000), (today.year - 1, 320000)):
        CustomerYearFigures.objects.create(
            customer=customer,
            year=year,
            net_sales=Decimal(1000000),
            cost_of_goods=Decimal(600000),
            cost_to_serve=Decimal(1000000 - 600000 - margin),
            contribution_margin=Decimal(margin),
            computed_at=now,
        )
    CustomerScore.objects.create(
        customer=customer, currency="EUR", probability_alive=0.9, computed_at=now
    )
    return Account(workspace, customer, decider, owner, opportunity)


@pytest.fixture
def in_workspace(world: WorkspaceWorld) -> Iterator[Workspace]:
    with workspace_context(world.a.workspace):
        yield world.a.workspace


@pytest.fixture
def account(world: WorkspaceWorld, in_workspace: Workspace) -> Account:
    return build_account(in_workspace, name="Borealis Steel", kam=world.a.user("kam"))
