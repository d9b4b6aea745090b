"""An opportunity of workspace A with two stakeholders, and a second account to refuse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from planning.models import ChallengeQuestion, DecisionCriterion, Opportunity, StakeholderNeed
from tests.browser.conftest import browser, open_page  # noqa: F401  (browser journey)
from tests.factories import WorkspaceWorld


@dataclass
class Deal:
    workspace: Workspace
    customer: Customer
    opportunity: Opportunity
    decider: Stakeholder
    buyer: Stakeholder
    other_customer: Customer
    stranger: Stakeholder


@pytest.fixture
def deal(world: WorkspaceWorld) -> Deal:
    """Borealis Steel's opportunity; Acme Mining is another account of the same workspace."""
    workspace = world.a.workspace
    with workspace_context(workspace):
        customer = Customer.objects.create(
            external_id="KA-BOR",
            name="Borealis Steel",
            status=CustomerStatus.KEY_ACCOUNT,
            owner=world.a.user("kam"),
        )
        decider = Stakeholder.objects.create(
            customer=customer, name="Ines Aalto", roles=["decider"], relationship_score=1
        )
        buyer = Stakeholder.objects.create(customer=customer, name="Bo Berg", roles=["buyer"])
        opportunity = Opportunity.objects.create(customer=customer, title="Furnace relining")
        other = Customer.objects.create(
            external_id="KA-ACM", name="Acme Mining", status=CustomerStatus.KEY_ACCOUNT
        )
        stranger = Stakeholder.objects.create(customer=other, name="Carl Dahl", roles=["buyer"])
    return Deal(workspace, customer, opportunity, decider, buyer, other, stranger)


@pytest.fixture
def in_workspace(deal: Deal) -> Iterator[None]:
    """Run the test body inside workspace A (services and managers need it)."""
    with workspace_context(deal.workspace):
        yield


def client_for(world: WorkspaceWorld, role: str = "kam") -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def fill_analyses(deal: Deal, world: WorkspaceWorld, n: int) -> None:
    """``n`` needs, criteria and questions on the deal's opportunity (call in its workspace)."""
    for i in range(n):
        StakeholderNeed.objects.create(
            opportunity=deal.opportunity,
            stakeholder=deal.decider if i % 2 else deal.buyer,
            kind="concern",
            nature="relational",
            description="Worried",
            severity="low",
            owner=world.a.user("kam"),
        )
        DecisionCriterion.objects.create(
            opportunity=deal.opportunity,
            role="buyer",
            stakeholder=deal.buyer,
            group="process",
            name=f"C{i}",
            importance=1 + i % 7,
            difference=1 + (i * 3) % 7,
        )
        ChallengeQuestion.objects.create(
            opportunity=deal.opportunity,
            category="competition",
            question=f"Q{i}",
            team_confidence=3,
            reviewer=world.a.user("viewer"),
        )
