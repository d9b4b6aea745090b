"""The plan's leading indicators: the baseline frozen when the plan starts, and now.

A plan's metrics compare what the team records today with what it recorded the
day the plan started (``AccountPlan.baseline``, written once by ``plan_start``):
opportunities and key players identified since, relationships that moved,
customer satisfaction and the account's margin. Everything is read in a fixed
number of queries, whatever the size of the account.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.models import Customer, CustomerYearFigures
from buying_center.models import BuyingRole, Stakeholder
from planning.models import AccountPlan, Opportunity, SatisfactionEntry

#: The buying roles whose people count as key players (they decide or open doors).
KEY_PLAYER_ROLES = frozenset({BuyingRole.DECIDER, BuyingRole.FACILITATOR})

#: How many satisfaction entries the metrics list.
RECENT_SATISFACTION = 5


@dataclass(frozen=True)
class Margin:
    """The contribution margin of one calendar year, as the figures job computed it."""

    year: int
    percent: Decimal | None
    computed_at: datetime.datetime | None


@dataclass
class Snapshot:
    """The indicators as they stand (now, or in a frozen baseline)."""

    opportunities: int
    stakeholders: int
    key_players: int
    relationship_sum: int
    relationship_scored: int
    relationship_strong: int
    scores: dict[str, int | None]
    satisfaction: dict[str, Any] | None
    margin: dict[str, Any] | None
    opportunity_ids: list[int] = field(default_factory=list)
    #: (id, is a key player, created at) of each stakeholder: what "new since" compares.
    people: list[tuple[int, bool, datetime.datetime]] = field(default_factory=list)
    opportunity_created: dict[int, datetime.datetime] = field(default_factory=dict)

    def as_baseline(self) -> dict[str, Any]:
        return {
            "opportunities": self.opportunities,
            "stakeholders": self.stakeholders,
            "key_players": self.key_players,
            "relationship_sum": self.relationship_sum,
            "relationship_scored": self.relationship_scored,
            "relationship_strong": self.relationship_strong,
            "scores": self.scores,
            "opportunity_ids": self.opportunity_ids,
            "satisfaction": self.satisfaction,
            "margin": self.margin,
        }


def is_key_player(roles: Any) -> bool:
    return bool(KEY_PLAYER_ROLES & set(roles or ()))


def margin_percent(net_sales: Decimal, margin: Decimal) -> Decimal | None:
    """Contribution margin as a percent of net sales; unknown without sales."""
    if not net_sales:
        return None
    return (margin * 100 / net_sales).quantize(Decimal("0.1"))


def latest_margin(customer: Customer, *, today: datetime.date) -> Margin | None:
    """The margin of the last full calendar year with figures (1 query)."""
    row = (
        CustomerYearFigures.objects.filter(customer=customer, year__lt=today.year)
        .order_by("-year")
        .first()
    )
    if row is None:
        return None
    return Margin(
        year=row.year,
        percent=margin_percent(row.net_sales, row.contribution_margin),
        computed_at=row.computed_at,
    )


def _margin_json(margin: Margin | None) -> dict[str, Any] | None:
    if margin is None:
        return None
    percent = None if margin.percent is None else str(margin.percent)
    return {"year": margin.year, "percent": percent}


def snapshot(customer: Customer, *, today: datetime.date) -> Snapshot:
    """The indicators of ``customer`` as they stand (4 queries)."""
    people = list(
        Stakeholder.objects.filter(customer=customer).values_list(
            "pk", "roles", "relationship_score", "created_at"
        )
    )
    opportunities = dict(
        Opportunity.objects.filter(customer=customer).values_list("pk", "created_at")
    )
    scored = [score for _, _, score, _ in people if score is not None]
    satisfaction = SatisfactionEntry.objects.filter(customer=customer).first()
    return Snapshot(
        opportunities=len(opportunities),
        stakeholders=len(people),
        key_players=sum(1 for _, roles, _, _ in people if is_key_player(roles)),
        relationship_sum=sum(scored),
        relationship_scored=len(scored),
        relationship_strong=sum(1 for score in scored if score >= 1),
        scores={str(pk): score for pk, _, score, _ in people},
        opportunity_ids=sorted(opportunities),
        people=[(pk, is_key_player(roles), created) for pk, roles, _, created in people],
        opportunity_created=opportunities,
        satisfaction=(
            {"score": satisfaction.score, "measured_on": satisfaction.measured_on.isoformat()}
            if satisfaction is not None
            else None
        ),
        margin=_margin_json(latest_margin(customer, today=today)),
    )


@dataclass
class Indicator:
    """One leading indicator: its value now, at the start, and what that means."""

    label: str
    now: Any
    baseline: Any
    change: str
    source: str
    as_of: Any = None
    good: bool | None = None


@dataclass
class Metrics:
    started_on: datetime.date | None
    indicators: list[Indicator] = field(default_factory=list)
    satisfaction: list[SatisfactionEntry] = field(default_factory=list)


def read_baseline(raw: Any) -> dict[str, Any]:
    """The baseline as this module reads it, whatever wrote it.

    ``plan_start`` writes :meth:`Snapshot.as_baseline`; a baseline written
    another way (an import, an older demo) may miss keys or hold other shapes.
    Only values of the expected shape are kept, so a missing one reads as
    unknown instead of breaking the page.
    """
    base = raw if isinstance(raw, dict) else {}
    clean: dict[str, Any] = {}
    for key in ("opportunities", "stakeholders", "key_players", "relationship_sum"):
        if isinstance(base.get(key), int) and not isinstance(base.get(key), bool):
            clean[key] = base[key]
    ids = base.get("opportunity_ids")
    if isinstance(ids, list) and all(isinstance(pk, int) for pk in ids):
        clean["opportunity_ids"] = ids
    scores = base.get("scores")
    if isinstance(scores, dict) and all(str(pk).isdigit() for pk in scores):
        clean["scores"] = {
            str(pk): value if isinstance(value, int) else None for pk, value in scores.items()
        }
    satisfaction = base.get("satisfaction")
    if isinstance(satisfaction, int) and not isinstance(satisfaction, bool):
        satisfaction = {"score": satisfaction}
    if isinstance(satisfaction, dict) and isinstance(satisfaction.get("score"), int):
        clean["satisfaction"] = satisfaction
    margin = base.get("margin")
    if isinstance(margin, dict) and "year" in margin:
        clean["margin"] = margin
    return clean


def _since_start(
    now: Snapshot, base: dict[str, Any], started_on: datetime.date
) -> tuple[int, int, int, datetime.datetime | None, datetime.datetime | None]:
    """New opportunities, new people, new key players since the start, and their latest dates.

    New means absent from the baseline's lists; a baseline without them falls
    back to what was created after the start date.
    """

    def after_start(created: datetime.datetime) -> bool:
        return created.date() > started_on

    if "opportunity_ids" in base:
        known = set(base["opportunity_ids"])
        new_opportunities = [c for pk, c in now.opportunity_created.items() if pk not in known]
    else:
        new_opportunities = [c for c in now.opportunity_created.values() if after_start(c)]
    if "scores" in base:
        people = {int(pk) for pk in base["scores"]}
        new_people = [(key, created) for pk, key, created in now.people if pk not in people]
    else:
        new_people = [(key, created) for _, key, created in now.people if after_start(created)]
    new_key = [created for key, created in new_people if key]
    return (
        len(new_opportunities),
        len(new_people),
        len(new_key),
        max(new_opportunities, default=None),
        max(new_key, default=None),
    )


def relationship_moves(
    baseline_scores: dict[str, Any], now_scores: dict[str, int | None]
) -> tuple[int, int]:
    """(improved, worsened): people present at the start whose score went up or down."""
    improved = worsened = 0
    for pk, before in baseline_scores.items():
        after = now_scores.get(pk)
        if before is None or after is None or pk not in now_scores:
            continue
        if after > before:
            improved += 1
        elif after < before:
            worsened += 1
    return improved, worsened


def plan_metrics(*, customer: Customer, plan: AccountPlan | None, today: datetime.date) -> Metrics:
    """The metrics section: each indicator now against the frozen baseline (fixed queries)."""
    recent = list(SatisfactionEntry.objects.filter(customer=customer)[:RECENT_SATISFACTION])
    if plan is None or plan.started_on is None:
        return Metrics(started_on=None, satisfaction=recent)
    base = read_baseline(plan.baseline)
    now = snapshot(customer, today=today)
    new_opps, new_people, new_key, opp_at, people_at = _since_start(now, base, plan.started_on)
    improved, worsened = relationship_moves(base.get("scores") or {}, now.scores)
    indicators = [
        Indicator(
            label="New opportunities identified",
            now=new_opps,
            baseline=base.get("opportunities"),
            change=f"{new_opps} added since the start ({now.opportunities} in all now)",
            source="Opportunities created since the plan started",
            as_of=opp_at,
            good=new_opps > 0,
        ),
        Indicator(
            label="New key players identified",
            now=new_key,
            baseline=base.get("key_players"),
            change=(
                f"{new_key} deciders or facilitators among {new_people} new people"
                " in the buying center"
            ),
            source="Stakeholders added since the plan started",
            as_of=people_at,
            good=new_key > 0,
        ),
        Indicator(
            label="Relationships improved",
            now=improved,
            baseline=base.get("relationship_sum"),
            change=(
                f"{improved} better, {worsened} worse; sum of scores "
                f"{base.get('relationship_sum', 'unknown')} then, {now.relationship_sum} now"
                if "scores" in base
                else "unknown: the baseline holds no relationship scores"
            ),
            source="Relationship scores of the buying center against the baseline",
            good=None if improved == worsened else improved > worsened,
        ),
    ]
    indicators.append(_satisfaction_indicator(now, base))
    indicators.append(_margin_indicator(now, base))
    return Metrics(started_on=plan.started_on, indicators=indicators, satisfaction=recent)


def _satisfaction_indicator(now: Snapshot, base: dict[str, Any]) -> Indicator:
    then = base.get("satisfaction")
    current = now.satisfaction
    if current is None:
        change = "No satisfaction entered yet"
    elif then is None:
        change = f"{current['score']}/10 now; none was entered before the start"
    else:
        change = f"{then['score']}/10 then, {current['score']}/10 now"
    good = None
    if current is not None and then is not None and current["score"] != then["score"]:
        good = current["score"] > then["score"]
    return Indicator(
        label="Customer satisfaction",
        now=current["score"] if current else None,
        baseline=then["score"] if then else None,
        change=change,
        source="Satisfaction entries of this plan",
        as_of=current["measured_on"] if current else None,
        good=good,
    )


def _margin_indicator(now: Snapshot, base: dict[str, Any]) -> Indicator:
    then = base.get("margin") or None
    current = now.margin

    def shown(value: dict[str, Any] | None) -> str:
        if value is None or value.get("percent") is None:
            return "unknown"
        return f"{value['percent']} % ({value['year']})"

    good = None
    if then and current and then.get("percent") is not None and current.get("percent") is not None:
        delta = Decimal(current["percent"]) - Decimal(then["percent"])
        good = None if delta == 0 else delta > 0
    return Indicator(
        label="Profitability of the account",
        now=shown(current),
        baseline=shown(then),
        change=f"Contribution margin {shown(then)} then, {shown(current)} now",
        source="Customer year figures computed from the sales lines",
        as_of=current["year"] if current else None,
        good=good,
    )
