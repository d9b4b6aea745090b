"""Reads for the home page: the workspace at a glance.

They read accounts' customers, so they live here; the home page (``kam.views``,
the composition root) calls them, and ``kam``'s foundation imports no domain app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.models import Customer, CustomerStatus
from kam.workspaces.models import Workspace


@dataclass(frozen=True)
class PortfolioCounts:
    customers: int
    key_accounts: int
    candidates: int


def portfolio_counts(*, workspace: Workspace) -> PortfolioCounts:
    """Customers, key accounts and candidates of the workspace. One query."""
    totals = Customer.objects.filter(workspace=workspace).aggregate(
        customers=Count("id"),
        key_accounts=Count("id", filter=Q(status=CustomerStatus.KEY_ACCOUNT)),
        candidates=Count("id", filter=Q(status=CustomerStatus.CANDIDATE)),
    )
    return PortfolioCounts(**totals)
