"""Account health on the accounts pages: the one seam through which planning shows it.

Health is computed by planning (``planning.health``), and accounts may not import
planning (the import contract in pyproject.toml). So accounts declares what it
needs, a badge per customer for its lists, and ``PlanningConfig.ready()``
registers the implementation. Without planning the lists simply show no badge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kam.workspaces.models import Workspace

#: ``badges(workspace=..., customer_ids=...) -> {customer id: badge}``; the badge is
#: what ``templates/planning/health/_badge.html`` renders.
HealthBadges = Callable[..., Mapping[int, Any]]

_badges: HealthBadges | None = None


def register_health_badges(badges: HealthBadges) -> None:
    """Called once by planning's ``AppConfig.ready()``."""
    global _badges
    _badges = badges


def health_badges(*, workspace: Workspace, customer_ids: Iterable[int]) -> Mapping[int, Any]:
    """The health badge of each customer that has one (one query, whatever the number)."""
    if _badges is None:
        return {}
    return _badges(workspace=workspace, customer_ids=customer_ids)
