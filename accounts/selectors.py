"""Reads for the home page: a person's key accounts and the workspace at a glance.

They read accounts' customers, so they live here; the home page (``kam.views``,
the composition root) calls them, and ``kam``'s foundation imports no domain app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q

from accounts.models import Customer, CustomerStatus
from kam.workspaces.models import Workspace

# A KAM owns a handful of key accounts; the cap only keeps a data mistake from
# turning the home page into a report.
MY_ACCOUNTS_LIMIT = 50


@dataclass(frozen=True)
class PortfolioCounts:
    customers: int
    key_accounts: int
    candidates: int


def my_key_accounts(*, workspace: Workspace, user: User) -> list[Customer]:
    """Key accounts the person owns, most important tier first. One query."""
    return list(
        Customer.objects.filter(
            workspace=workspace, status=CustomerStatus.KEY_ACCOUNT, owner_id=user.pk
        )
        .only("id", "name", "region", "tier", "status")
        .order_by("tier", "name")[:MY_ACCOUNTS_LIMIT]
    )


def portfolio_counts(*, workspace: Workspace) -> PortfolioCounts:
    """Customers, key accounts and candidates of the workspace. One query."""
    totals = Customer.objects.filter(workspace=workspace).aggregate(
        customers=Count("id"),
        key_accounts=Count("id", filter=Q(status=CustomerStatus.KEY_ACCOUNT)),
        candidates=Count("id", filter=Q(status=CustomerStatus.CANDIDATE)),
    )
    return PortfolioCounts(**totals)
