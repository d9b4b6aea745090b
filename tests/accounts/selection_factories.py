"""Scored customers for the selection tests: CustomerScore rows written directly.

The recompute job normally writes the scores; these tests only need rows that
look like its output, with the numbers each test is about.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import Customer, CustomerScore, CustomerStatus
from kam.workspaces.models import Workspace

_numbers = itertools.count(1)


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
    customer = Customer.objects.create(
        workspace=workspace,
        external_id=f"T-{next(_numbers)}",
        name=name,
        status=status,
        owner=owner,
        region=region,
        industry=industry,
        scores_dirty=dirty,
    )
    fields: dict[str, Any] = {
        "currency": "EUR",
        "revenue_3y": Decimal(str(revenue)),
        "margin_3y": Decimal(str(revenue)) / 4,
        "margin_share": 0.25,
        "clv_contractual": Decimal(str(revenue)) * 2,
        "clv_transactional": None,
        "upv": Decimal("5000"),
        "upv_source": "estimate",
        "size_percentile": 0.5,
        "loyalty": 1.0,
        "quadrant": quadrant,
        "composite": composite,
        "revenue_rank": 1,
        "criteria": {
            name: {"score": value, "contribution": round(value / 6, 4), "missing": value == 0}
            for name, value in {
                "size": 0.5,
                "strategic_importance": 0.0,
                "clv": 0.6,
                "upv": 0.4,
                "account_fit": 0.0,
                "relationship": {"friend": 1.0, "butterfly": 0.5, "stranger": 0.25}.get(
                    quadrant, 0.0
                ),
            }.items()
        },
        "inputs": {
            "transactional": "Too few repeat buyers to fit the purchase model.",
            "clv_settings": {
                "discount_rate": 0.1,
                "retention": 0.85,
                "horizon_years": 5,
                "acquisition_cost": 0.0,
            },
        },
        "computed_at": timezone.now() - datetime.timedelta(hours=3),
    }
    fields.update(score_fields)
    CustomerScore.objects.create(workspace=workspace, customer=customer, **fields)
    return customer
