"""A key account of workspace A with a believable plan, and a way to make it big."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Customer, CustomerStatus, CustomerYearFigures
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from planning.models import OpenSpace, Opportunity, PlanText
from tests.factories import WorkspaceWorld
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.plan import ActionFactory
from tests.model_factories.planning import (
    OpenSpaceCellFactory,
    OpenSpaceColumnFactory,
    OpenSpaceSegmentFactory,
    OpportunityFactory,
)


@dataclass
class Plan:
    workspace: Workspace
    customer: Customer
    world: WorkspaceWorld

    def client(self, role: str = "kam") -> Client:
        client = Client()
        client.force_login(self.world.a.user(role))
        return client

    def url(self) -> str:
        return f"/accounts/{self.customer.pk}/plan/"


def make_key_account(world: WorkspaceWorld) -> Customer:
    customer = world.a.customer
    assert customer is not None
    # Inside the workspace: on PostgreSQL the app role sees only the selected workspace's rows.
    with workspace_context(world.a.workspace):
        Customer.objects.filter(pk=customer.pk).update(
            status=CustomerStatus.KEY_ACCOUNT, owner=world.a.user("kam")
        )
        customer.refresh_from_db()
    return customer


@pytest.fixture
def plan(world: WorkspaceWorld) -> Plan:
    """World A's customer as a key account with figures, texts and opportunities."""
    customer = make_key_account(world)
    workspace = world.a.workspace
    today = timezone.localdate()
    with workspace_context(workspace):
        for offset, (sales, margin) in enumerate(
            [(Decimal("900000"), Decimal("180000")), (Decimal("1000000"), Decimal("150000"))]
        ):
            CustomerYearFigures.objects.create(
                customer=customer,
                year=today.year - 2 + offset,
                net_sales=sales,
                cost_of_goods=Decimal("500000"),
                cost_to_serve=Decimal("100000"),
                contribution_margin=margin,
                computed_at=timezone.now(),
            )
        PlanText.objects.create(
            customer=customer,
            topic="market",
            text="Copper prices are up; two new mines open in 2027.",
            confirmed_on=today - datetime.timedelta(days=10),
            confirmed_by=world.a.user("kam"),
        )
        Opportunity.objects.create(
            customer=customer,
            title="Slurry pump retrofit",
            state="in_progress",
            value=Decimal("420000"),
            growth_type="enhance",
            buying_stage="proposal_requests",
            compelling_reason=True,
            compelling_reason_evidence="Plant stops monthly",
            vp_needs_justify_price=False,
            vp_strengths_ahead=False,
            vp_benefits_demonstrated=False,
            vp_more_expensive=True,
        )
    return Plan(workspace=workspace, customer=customer, world=world)


def grow(
    plan: Plan, *, people: int, opportunities: int, segments: int, columns: int, actions: int
) -> None:
    """Add rows of every kind the page summarises, so a query count can be compared."""
    with workspace_context(plan.workspace):
        customer = plan.customer
        for i in range(people):
            StakeholderFactory.create(
                customer=customer,
                name=f"Person {i}",
                roles=["decider"] if i % 5 == 0 else ["user"],
                relationship_score=(i % 5) - 2,
            )
        for i in range(opportunities):
            OpportunityFactory.create(
                customer=customer,
                title=f"Deal {i}",
                state=["in_progress", "early_stage", "delayed", "long_term", "won"][i % 5],
                growth_type=["enhance", "expand", "extend", ""][i % 4],
            )
        space = OpenSpace.objects.get(customer=customer)
        rows = [OpenSpaceSegmentFactory.create(open_space=space) for _ in range(segments)]
        cols = [
            OpenSpaceColumnFactory.create(open_space=space, offering=None, name=f"Idea {j}")
            for j in range(columns)
        ]
        for segment in rows:
            for column in cols:
                OpenSpaceCellFactory.create(open_space=space, segment=segment, column=column)
        for i in range(actions):
            ActionFactory.create(customer=customer, title=f"Action {i}")


__all__ = ["Plan", "Stakeholder", "grow", "make_key_account", "plan"]
