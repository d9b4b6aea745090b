"""Scored customers for the selection tests: CustomerScore rows written directly.

The recompute job normally writes the scores; these tests only need rows that
look like its output (:class:`~tests.model_factories.accounts.CustomerScoreFactory`),
with the numbers each test is about.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Customer, CustomerStatus
from kam.workspaces.models import Workspace
from tests.model_factories.accounts import CustomerFactory, CustomerScoreFactory


def scored_customer(
    workspace: Workspace,
    *,
    name: str,
    revenue: float = 1000.0,
    composite: float | None = 0.5,
    quadrant: str = "friend",
    status: str = CustomerStatus.CUSTOMER,
    owner: AbstractBaseUser | None = None,
    dirty: bool = False,
    region: str = "",
    industry: str = "",
    **score_fields: Any,
) -> Customer:
    """A customer with a stored score. Call inside ``workspace_context(workspace)``."""
    customer = CustomerFactory.create(
        workspace=workspace,
        name=name,
        status=status,
        owner=owner,
        region=region,
        industry=industry,
        scores_dirty=dirty,
    )
    CustomerScoreFactory.create(
        customer=customer,
        revenue=revenue,
        composite=composite,
        quadrant=quadrant,
        **score_fields,
    )
    return customer
