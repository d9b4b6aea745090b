"""Reading account health for lists: one query for any number of accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kam.workspaces.models import Workspace


@dataclass(frozen=True)
class HealthBadge:
    """What a list shows of one account's health (``templates/planning/health/_badge.html``)."""

    rating: str  # a HealthRating value
    label: str
    reason: str  # the weightiest reason, one line; "" when none
    overridden: bool = False


def health_badges(*, workspace: Workspace, customer_ids: Iterable[int]) -> dict[int, HealthBadge]:
    """The badge of each account that has a health; accounts without one are left out."""
    return {}
