"""Key accounts with the figures, scores and judged factors the portfolio reads."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from planning.models import FactorCode
from tests.factories import WorkspaceWorld
from tests.model_factories.accounts import (
    CustomerFactory,
    CustomerScoreFactory,
    CustomerYearFiguresFactory,
)
from tests.model_factories.plan import AccountHealthFactory, PortfolioFactorFactory

LAST_YEAR = datetime.date.today().year - 1


def key_account(
    world: WorkspaceWorld,
    name: str,
    *,
    revenue: int = 1000,
    margin: int = 300,
    upv: int | None = 5000,
    quadrant: str = "friend",
    difficulty: int | None = 2,
    owner_role: str = "kam",
    region: str = "North",
    status: str = CustomerStatus.KEY_ACCOUNT,
) -> Customer:
    """A key account of workspace A with last year's figures, scores and a judged difficulty."""
    with workspace_context(world.a.workspace):
        customer = CustomerFactory.create(
            name=name, status=status, owner=world.a.user(owner_role), region=region
        )
        CustomerYearFiguresFactory.create(
            customer=customer,
            year=LAST_YEAR,
            net_sales=Decimal(revenue),
            contribution_margin=Decimal(margin),
        )
        CustomerScoreFactory.create(
            customer=customer,
            revenue=revenue,
            upv=Decimal(upv) if upv is not None else None,
            quadrant=quadrant,
        )
        AccountHealthFactory.create(customer=customer, computed_rating="green")
        if difficulty is not None:
            PortfolioFactorFactory.create(
                customer=customer, code=FactorCode.POWER, score=difficulty, reason="Big buyer."
            )
    return customer


def client_for(world: WorkspaceWorld, role: str) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


@pytest.fixture(autouse=True)
def in_workspace_a(world: WorkspaceWorld) -> Iterator[None]:
    """Reads and writes of the test itself happen in workspace A, like the pages' own."""
    with workspace_context(world.a.workspace):
        yield
