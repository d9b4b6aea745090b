"""Reading account health: badges for lists (one query for any number of accounts), the
full picture of one account, and its trend.

What everybody sees is the *effective* rating: a manual override while its date
has not passed, the computed rating otherwise (:func:`effective_rating`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Customer
from kam.changelog.services import person_name
from kam.workspaces.models import Workspace
from planning.models import AccountHealth, HealthRating, HealthRecord

RATING_LABELS: dict[str, str] = {
    HealthRating.GREEN: "Healthy",
    HealthRating.AMBER: "Needs attention",
    HealthRating.RED: "At risk",
    HealthRating.UNKNOWN: "Health unknown",
}
#: Points of history the trend shows (one a day at least: about two months).
TREND_POINTS = 60


@dataclass(frozen=True)
class HealthBadge:
    """What a list shows of one account's health (``templates/planning/health/_badge.html``)."""

    rating: str  # a HealthRating value
    label: str
    reason: str  # the weightiest reason, one line; "" when none
    overridden: bool = False


def override_holds(row: AccountHealth, today: datetime.date) -> bool:
    return (
        bool(row.override_rating) and row.override_until is not None and row.override_until >= today
    )


def effective_rating(row: AccountHealth, today: datetime.date | None = None) -> str:
    """The override while it holds (until its date, included), else the computed rating."""
    today = today or timezone.localdate()
    return row.override_rating if override_holds(row, today) else row.computed_rating


def _first_reason(row: AccountHealth) -> str:
    for reason in row.reasons or []:
        if reason.get("active"):
            evidence = reason.get("evidence") or []
            return f"{reason.get('label')}: {evidence[0]}" if evidence else str(reason.get("label"))
    return ""


def badge_of(row: AccountHealth, today: datetime.date) -> HealthBadge:
    rating = effective_rating(row, today)
    overridden = override_holds(row, today)
    reason = (
        f"Set by hand until {row.override_until}: {row.override_reason}"
        if overridden
        else _first_reason(row)
    )
    label = RATING_LABELS.get(rating, rating)
    return HealthBadge(
        rating=rating,
        label=f"{label} (manual)" if overridden else label,
        reason=reason,
        overridden=overridden,
    )


def health_badges(*, workspace: Workspace, customer_ids: Iterable[int]) -> dict[int, HealthBadge]:
    """The badge of each account that has a health; accounts without one are left out."""
    ids = {int(pk) for pk in customer_ids}
    if not ids:
        return {}
    today = timezone.localdate()
    rows = AccountHealth.objects.filter(workspace=workspace, customer_id__in=ids).only(
        "customer_id",
        "computed_rating",
        "reasons",
        "override_rating",
        "override_reason",
        "override_until",
    )
    return {row.customer_id: badge_of(row, today) for row in rows}


# -- one account ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownReason:
    code: str
    label: str
    weight: Decimal
    evidence: list[str]
    as_of: datetime.date | None
    age_days: int | None
    #: What each evidence line is about (``rules.Ref.as_dict``; ``None``: nothing), same order.
    refs: list[dict[str, Any] | None] = field(default_factory=list)

    @property
    def lines(self) -> list[tuple[str, dict[str, Any] | None]]:
        """Each evidence line with its ref (health stored before refs existed has none)."""
        refs = self.refs + [None] * (len(self.evidence) - len(self.refs))
        return list(zip(self.evidence, refs, strict=False))


@dataclass(frozen=True)
class Override:
    rating: str
    label: str
    reason: str
    until: datetime.date
    by: str
    at: datetime.datetime | None
    holds: bool


@dataclass(frozen=True)
class Trend:
    """A sparkline of the score over time: an SVG polyline and what it spans."""

    points: str
    width: int
    height: int
    first: datetime.datetime
    last: datetime.datetime
    count: int
    lowest: Decimal
    highest: Decimal
    ratings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AccountHealthView:
    customer: Customer
    row: AccountHealth | None
    rating: str
    label: str
    computed_rating: str
    computed_label: str
    score: Decimal | None
    computed_at: datetime.datetime | None
    active: list[ShownReason]
    fine: list[ShownReason]
    unknown: list[ShownReason]
    override: Override | None
    trend: Trend | None
    version: int


def _shown(reason: dict[str, Any], today: datetime.date) -> ShownReason:
    as_of = datetime.date.fromisoformat(reason["as_of"]) if reason.get("as_of") else None
    return ShownReason(
        code=str(reason.get("code", "")),
        label=str(reason.get("label", "")),
        weight=Decimal(str(reason.get("weight", "0"))),
        evidence=[str(line) for line in reason.get("evidence") or []],
        as_of=as_of,
        age_days=(today - as_of).days if as_of else None,
        refs=[ref if isinstance(ref, dict) else None for ref in reason.get("refs") or []],
    )


def _trend(records: list[HealthRecord]) -> Trend | None:
    scored = [r for r in reversed(records) if r.score is not None]  # oldest first
    if len(scored) < 2:
        return None
    width, height, pad = 160, 32, 3
    values = [Decimal(r.score or 0) for r in scored]
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)
    step = Decimal(width - 2 * pad) / (len(values) - 1)
    scale = Decimal(height - 2 * pad) / span
    points = " ".join(
        f"{float(pad + step * i):.1f},{float(height - pad - (v - low) * scale):.1f}"
        for i, v in enumerate(values)
    )
    return Trend(
        points=points,
        width=width,
        height=height,
        first=scored[0].at,
        last=scored[-1].at,
        count=len(scored),
        lowest=low,
        highest=high,
        ratings=[r.rating for r in scored],
    )


def account_health(
    *, workspace: Workspace, customer: Customer, today: datetime.date | None = None
) -> AccountHealthView:
    """Everything the plan shows about one account's health, in two queries."""
    today = today or timezone.localdate()
    row = (
        AccountHealth.objects.filter(workspace=workspace, customer=customer)
        .select_related("override_by")
        .first()
    )
    records = list(
        HealthRecord.objects.filter(workspace=workspace, customer=customer)
        .only("at", "rating", "score")
        .order_by("-at")[:TREND_POINTS]
    )
    reasons = [_shown(reason, today) for reason in (row.reasons if row else [])]
    override = None
    if row is not None and row.override_rating and row.override_until is not None:
        override = Override(
            rating=row.override_rating,
            label=RATING_LABELS.get(row.override_rating, row.override_rating),
            reason=row.override_reason,
            until=row.override_until,
            by=person_name(row.override_by) or "someone who has left",
            at=row.override_at,
            holds=override_holds(row, today),
        )
    computed = row.computed_rating if row else HealthRating.UNKNOWN
    rating = effective_rating(row, today) if row else HealthRating.UNKNOWN
    raw = {reason["code"]: reason for reason in (row.reasons if row else [])}
    return AccountHealthView(
        customer=customer,
        row=row,
        rating=rating,
        label=RATING_LABELS.get(rating, rating),
        computed_rating=computed,
        computed_label=RATING_LABELS.get(computed, computed),
        score=row.computed_score if row else None,
        computed_at=row.computed_at if row else None,
        active=[r for r in reasons if raw[r.code].get("active")],
        fine=[
            r for r in reasons if not raw[r.code].get("active") and not raw[r.code].get("unknown")
        ],
        unknown=[r for r in reasons if raw[r.code].get("unknown")],
        override=override,
        trend=_trend(records),
        version=row.version if row else 1,
    )
