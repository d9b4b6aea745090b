"""Two key accounts with opportunities in every state, and a helper to add more."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from planning.models import Opportunity, OpportunityState, OpportunityTask
from tests.factories import WorkspaceWorld

TODAY = datetime.date(2026, 1, 15)

QUALIFIED = {
    "compelling_reason": True,
    "authority_leverage": True,
    "budget_availability": True,
    "supporting_allies": True,
}


@dataclass
class Book:
    workspace: Workspace
    borealis: Customer
    acme: Customer
    kam: Any
    kam2: Any

    def add(self, customer: Customer, title: str, **fields: Any) -> Opportunity:
        with workspace_context(self.workspace):
            return Opportunity.objects.create(customer=customer, title=title, **fields)

    def task(self, opportunity: Opportunity, title: str, **fields: Any) -> OpportunityTask:
        with workspace_context(self.workspace):
            return OpportunityTask.objects.create(opportunity=opportunity, title=title, **fields)


@pytest.fixture
def book(world: WorkspaceWorld) -> Book:
    """Borealis Steel (managed by the KAM) and Acme Mining (by a second KAM)."""
    from kam.workspaces.models import Membership, Role
    from tests.factories import make_user

    workspace = world.a.workspace
    kam2 = make_user("a-kam2", first_name="Jonas", last_name="Berg")
    Membership.objects.create(user=kam2, workspace=workspace, role=Role.KAM)
    with workspace_context(workspace):
        borealis = Customer.objects.create(
            external_id="KA-BOR",
            name="Borealis Steel",
            status=CustomerStatus.KEY_ACCOUNT,
            owner=world.a.user("kam"),
        )
        acme = Customer.objects.create(
            external_id="KA-ACM",
            name="Acme Mining",
            status=CustomerStatus.KEY_ACCOUNT,
            owner=kam2,
        )
    return Book(workspace, borealis, acme, world.a.user("kam"), kam2)


@pytest.fixture
def in_workspace(book: Book) -> Iterator[None]:
    with workspace_context(book.workspace):
        yield


def client_for(world: WorkspaceWorld, role: str = "kam") -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def fill(book: Book, count: int) -> None:
    """``count`` opportunities spread over both accounts and the four open states."""
    states = [
        OpportunityState.IN_PROGRESS,
        OpportunityState.EARLY_STAGE,
        OpportunityState.DELAYED,
        OpportunityState.LONG_TERM,
    ]
    for i in range(count):
        opportunity = book.add(
            book.borealis if i % 2 else book.acme,
            f"Deal {i}",
            state=states[i % 4],
            value=Decimal(10000 * (i + 1)),
            probability=10 + i % 80,
            expected_close=TODAY + datetime.timedelta(days=40 * i),
            buying_stage="proposal_requests" if i % 3 else "",
            **(QUALIFIED if i % 5 == 0 else {}),
        )
        book.task(opportunity, f"Call {i}", due_date=TODAY + datetime.timedelta(days=i))
