"""Reads for the buying center: stakeholders of a key account, their history and influence.

Every function filters by the workspace explicitly, on top of the fail-closed
default manager, so a selector called with the wrong workspace finds nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Customer
from buying_center import owners
from buying_center.models import (
    RELATIONSHIP_SCORES,
    STALE_AFTER_DAYS,
    BuyingRole,
    InfluenceLink,
    Stakeholder,
    StakeholderChange,
)
from kam.workspaces.models import Workspace


def stale_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Assessments made before this moment are stale."""
    return (now or timezone.now()) - datetime.timedelta(days=STALE_AFTER_DAYS)


def stakeholder_is_stale(stakeholder: Stakeholder, *, now: datetime.datetime | None = None) -> bool:
    """Whether the stakeholder's assessment needs redoing.

    Never assessed counts as stale: an opinion nobody has formed is as
    unreliable as an old one, and account health treats both as a gap.
    """
    if stakeholder.assessed_at is None:
        return True
    return stakeholder.assessed_at < stale_cutoff(now)


def score_symbol(score: int | None) -> str:
    return "" if score is None else RELATIONSHIP_SCORES.get(score, str(score))


def role_labels(roles: Iterable[str]) -> list[str]:
    labels = dict(BuyingRole.choices)
    return [labels.get(role, role) for role in roles]


# -- key accounts --------------------------------------------------------------


def account_for_page(*, workspace: Workspace, customer_id: int) -> Customer | None:
    return (
        Customer.objects.filter(workspace=workspace, pk=customer_id).select_related("owner").first()
    )


# -- stakeholders ----------------------------------------------------------------


def stakeholders_of(*, workspace: Workspace, customer: Customer) -> QuerySet[Stakeholder]:
    """The account's stakeholders with what a table row shows, in a fixed number of queries."""
    return (
        Stakeholder.objects.filter(workspace=workspace, customer=customer)
        .select_related("owner", "owner__user", "reports_to")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class BuyingCenterFilters:
    role: str = ""
    stale: bool = False
    uncovered: bool = False

    @property
    def active(self) -> bool:
        return bool(self.role or self.stale or self.uncovered)


@dataclass(frozen=True)
class BuyingCenterTable:
    rows: list[Stakeholder]
    total: int
    stale_count: int
    uncovered_count: int
    role_counts: dict[str, int]


def buying_center_table(
    *,
    workspace: Workspace,
    customer: Customer,
    filters: BuyingCenterFilters,
    now: datetime.datetime | None = None,
) -> BuyingCenterTable:
    """Rows of the buying-center tab, filtered; counts are over the whole account.

    Roles are a JSON list, and SQLite cannot search inside one, so filtering
    happens here over the account's stakeholders (a few hundred at most).
    """
    now = now or timezone.now()
    everyone = list(stakeholders_of(workspace=workspace, customer=customer))
    stale_ids = {s.pk for s in everyone if stakeholder_is_stale(s, now=now)}
    for stakeholder in everyone:
        stakeholder.is_stale = stakeholder.pk in stale_ids  # type: ignore[attr-defined]
    role_counts = {role: 0 for role in BuyingRole.values}
    for stakeholder in everyone:
        for role in stakeholder.roles or []:
            if role in role_counts:
                role_counts[role] += 1
    rows = [
        s
        for s in everyone
        if (not filters.role or filters.role in (s.roles or []))
        and (not filters.stale or s.pk in stale_ids)
        and (not filters.uncovered or s.owner_id is None)
    ]
    return BuyingCenterTable(
        rows=rows,
        total=len(everyone),
        stale_count=len(stale_ids),
        uncovered_count=sum(1 for s in everyone if s.owner_id is None),
        role_counts=role_counts,
    )


def stakeholder_for_page(
    *, workspace: Workspace, customer: Customer, stakeholder_id: int
) -> Stakeholder | None:
    return (
        Stakeholder.objects.filter(workspace=workspace, customer=customer, pk=stakeholder_id)
        .select_related("owner", "owner__user", "reports_to", "customer")
        .first()
    )


def reports_to_chain(stakeholder: Stakeholder, *, limit: int = 50) -> list[Stakeholder]:
    """The stakeholder's managers upwards: [manager, manager's manager, ...]."""
    chain: list[Stakeholder] = []
    seen = {stakeholder.pk}
    current = stakeholder.reports_to
    while current is not None and current.pk not in seen and len(chain) < limit:
        chain.append(current)
        seen.add(current.pk)
        current = current.reports_to
    return chain


def stakeholder_changes(
    *, workspace: Workspace, stakeholder: Stakeholder
) -> QuerySet[StakeholderChange]:
    return StakeholderChange.objects.filter(
        workspace=workspace, stakeholder=stakeholder
    ).select_related("changed_by")


@dataclass(frozen=True)
class ScorePoint:
    when: datetime.datetime
    score: int | None
    symbol: str


def score_trend(changes: Sequence[StakeholderChange]) -> list[ScorePoint]:
    """Relationship scores over time, oldest first, from the change history."""
    points: list[ScorePoint] = []
    for change in sorted(
        (c for c in changes if c.field == "relationship_score"),
        key=lambda c: (c.changed_at, c.pk),
    ):
        score = int(change.new_value) if change.new_value.lstrip("-").isdigit() else None
        points.append(ScorePoint(change.changed_at, score, score_symbol(score)))
    return points


def sparkline_points(trend: Sequence[ScorePoint], *, width: int = 160, height: int = 32) -> str:
    """SVG polyline points for the score trend (-2 at the bottom, +2 at the top)."""
    scored = [p for p in trend if p.score is not None]
    if not scored:
        return ""
    step = width / max(len(scored) - 1, 1)
    coordinates = []
    for index, point in enumerate(scored):
        assert point.score is not None
        y = height - (point.score + 2) / 4 * height
        coordinates.append(f"{index * step:.1f},{y:.1f}")
    return " ".join(coordinates)


def influence_links_of(
    *, workspace: Workspace, stakeholder: Stakeholder
) -> tuple[list[InfluenceLink], list[InfluenceLink]]:
    """(whom the stakeholder influences, who influences the stakeholder)."""
    links = InfluenceLink.objects.filter(workspace=workspace).select_related("source", "target")
    return (
        list(links.filter(source=stakeholder).order_by("target__name")),
        list(links.filter(target=stakeholder).order_by("source__name")),
    )


def owner_choices(
    *, workspace: Workspace, customer: Customer
) -> Sequence[owners.RelationshipOwner]:
    """Who may own a relationship: the account's selling-center members (buying_center.owners)."""
    return owners.owner_choices(workspace=workspace, customer=customer)
