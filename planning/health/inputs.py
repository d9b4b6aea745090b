"""Reading the facts health is computed from, for many accounts at once.

One query per kind of fact, whatever the number of accounts (the recompute's
query count is asserted not to grow with them): each query reads the rows of
every requested account and the results are grouped by customer in Python.
Values only (``values()``), no model instances: the rules need plain data and
the nightly run reads every key account of the workspace.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from accounts.models import CustomerScore, CustomerYearFigures
from buying_center.models import STALE_AFTER_DAYS, InfluenceLink, Stakeholder
from kam.workspaces.models import Workspace
from planning.health.rules import (
    AccountInputs,
    HandText,
    Need,
    OpenAction,
    OpenOpportunity,
    Person,
    YearFigures,
)
from planning.models import Opportunity, StakeholderNeed
from planning.models.opportunities import OPEN_STATES
from planning.models.plan import ACTION_OPEN_STATUSES, AccountPlan, Action, PlanText, PlanTopic
from planning.reviews.selectors import last_held

#: The CABS points of an opportunity, by field, as the evidence names them.
CABS_LABELS: dict[str, str] = {
    "compelling_reason": "compelling reason",
    "authority_leverage": "authority leverage",
    "budget_availability": "budget availability",
    "supporting_allies": "supporting allies",
}
TOPIC_LABELS: dict[str, str] = dict(PlanTopic.choices)

#: Review meetings are recorded (planning.reviews): "no review in 90 days" is known.
REVIEWS_RECORDED = True


@dataclass(frozen=True)
class _Clock:
    """Today and the current zone, looked up once per run.

    ``timezone.localdate()`` looks the zone up on every call; with thousands of
    rows per run that was the slowest part of reading.
    """

    today: datetime.date
    zone: datetime.tzinfo

    def day(self, value: datetime.datetime | None) -> datetime.date:
        return value.astimezone(self.zone).date() if value is not None else self.today

    def day_or_none(self, value: datetime.datetime | None) -> datetime.date | None:
        return value.astimezone(self.zone).date() if value is not None else None


def _people(workspace: Workspace, ids: list[int], clock: _Clock) -> dict[int, list[Person]]:
    rows = list(
        Stakeholder.objects.filter(workspace=workspace, customer_id__in=ids).values(
            "id",
            "version",
            "customer_id",
            "name",
            "roles",
            "owner_id",
            "relationship_score",
            "assessed_at",
            "updated_at",
            "dominant_advisor",
            "opponent_influencer",
            "zone",
        )
    )
    influence = dict(
        InfluenceLink.objects.filter(workspace=workspace, source__customer_id__in=ids)
        .values("source_id")
        .annotate(strongest=Max("strength"))
        .values_list("source_id", "strongest")
    )
    people: dict[int, list[Person]] = defaultdict(list)
    for row in rows:
        people[row["customer_id"]].append(
            Person(
                name=row["name"],
                roles=tuple(str(role) for role in row["roles"] or ()),
                has_owner=row["owner_id"] is not None,
                relationship_score=row["relationship_score"],
                assessed_on=clock.day_or_none(row["assessed_at"]),
                updated_on=clock.day(row["updated_at"]),
                dominant_advisor=row["dominant_advisor"],
                opponent_influencer=row["opponent_influencer"],
                in_power_zone=row["zone"] == "power",
                strongest_influence=influence.get(row["id"], 0),
                id=row["id"],
                version=row["version"],
            )
        )
    return people


def _needs(workspace: Workspace, ids: list[int], clock: _Clock) -> dict[int, list[Need]]:
    rows = StakeholderNeed.objects.filter(
        workspace=workspace, opportunity__customer_id__in=ids
    ).values(
        "opportunity__customer_id",
        "opportunity_id",
        "kind",
        "severity",
        "status",
        "description",
        "stakeholder__name",
        "opportunity__title",
        "updated_at",
        "verified_on",
    )
    needs: dict[int, list[Need]] = defaultdict(list)
    for row in rows:
        updated = clock.day(row["updated_at"])
        verified = row["verified_on"]
        needs[row["opportunity__customer_id"]].append(
            Need(
                kind=row["kind"],
                severity=row["severity"],
                status=row["status"],
                description=row["description"],
                stakeholder=row["stakeholder__name"],
                opportunity=row["opportunity__title"],
                updated_on=max(updated, verified) if verified else updated,
                opportunity_id=row["opportunity_id"],
            )
        )
    return needs


def _actions(
    workspace: Workspace, ids: list[int], clock: _Clock
) -> tuple[dict[int, list[OpenAction]], set[int]]:
    rows = Action.objects.filter(
        workspace=workspace, customer_id__in=ids, status__in=ACTION_OPEN_STATUSES
    ).values("id", "version", "customer_id", "title", "due_date", "status", "updated_at")
    with_any = set(
        Action.objects.filter(workspace=workspace, customer_id__in=ids)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    actions: dict[int, list[OpenAction]] = defaultdict(list)
    for row in rows:
        actions[row["customer_id"]].append(
            OpenAction(
                title=row["title"],
                due_on=row["due_date"],
                status=row["status"],
                updated_on=clock.day(row["updated_at"]),
                id=row["id"],
                version=row["version"],
            )
        )
    return actions, with_any


def _years(workspace: Workspace, ids: list[int], clock: _Clock) -> dict[int, list[Any]]:
    rows = CustomerYearFigures.objects.filter(
        workspace=workspace,
        customer_id__in=ids,
        year__gte=clock.today.year - 3,
        year__lt=clock.today.year,
    ).values("customer_id", "year", "net_sales", "contribution_margin", "computed_at")
    years: dict[int, list[YearFigures]] = defaultdict(list)
    for row in rows:
        years[row["customer_id"]].append(
            YearFigures(
                year=row["year"],
                net_sales=Decimal(row["net_sales"]),
                contribution_margin=Decimal(row["contribution_margin"]),
                computed_on=clock.day(row["computed_at"]),
            )
        )
    return years


def _opportunities(
    workspace: Workspace, ids: list[int], clock: _Clock
) -> tuple[dict[int, list[OpenOpportunity]], set[int]]:
    rows = Opportunity.objects.filter(workspace=workspace, customer_id__in=ids).values(
        "id", "customer_id", "title", "value", "state", "updated_at", *CABS_LABELS
    )
    open_ones: dict[int, list[OpenOpportunity]] = defaultdict(list)
    with_any: set[int] = set()
    for row in rows:
        with_any.add(row["customer_id"])
        if row["state"] not in OPEN_STATES:
            continue
        open_ones[row["customer_id"]].append(
            OpenOpportunity(
                title=row["title"],
                value=Decimal(row["value"] or 0),
                missing_cabs=tuple(label for name, label in CABS_LABELS.items() if not row[name]),
                updated_on=clock.day(row["updated_at"]),
                id=row["id"],
            )
        )
    return open_ones, with_any


def _texts(workspace: Workspace, ids: list[int], clock: _Clock) -> dict[int, list[HandText]]:
    rows = (
        PlanText.objects.filter(workspace=workspace, customer_id__in=ids)
        .exclude(text="")
        .values("id", "version", "customer_id", "topic", "confirmed_on", "updated_at")
    )
    texts: dict[int, list[HandText]] = defaultdict(list)
    for row in rows:
        texts[row["customer_id"]].append(
            HandText(
                label=str(TOPIC_LABELS.get(row["topic"], row["topic"])),
                confirmed_on=row["confirmed_on"],
                updated_on=clock.day(row["updated_at"]),
                topic=row["topic"],
                id=row["id"],
                version=row["version"],
            )
        )
    return texts


def health_inputs(
    *, workspace: Workspace, customer_ids: Iterable[int], today: datetime.date
) -> dict[int, AccountInputs]:
    """The facts of every account in ``customer_ids``, in a fixed number of queries."""
    ids = sorted({int(pk) for pk in customer_ids})
    if not ids:
        return {}
    clock = _Clock(today=today, zone=timezone.get_current_timezone())
    people = _people(workspace, ids, clock)
    needs = _needs(workspace, ids, clock)
    actions, with_actions = _actions(workspace, ids, clock)
    years = _years(workspace, ids, clock)
    opportunities, with_opportunities = _opportunities(workspace, ids, clock)
    texts = _texts(workspace, ids, clock)
    scores = {
        row["customer_id"]: row
        for row in CustomerScore.objects.filter(workspace=workspace, customer_id__in=ids).values(
            "customer_id", "probability_alive", "computed_at"
        )
    }
    reviews = last_held(workspace=workspace, customer_ids=ids)
    started = dict(
        AccountPlan.objects.filter(
            workspace=workspace, customer_id__in=ids, started_on__isnull=False
        ).values_list("customer_id", "started_on")
    )
    result: dict[int, AccountInputs] = {}
    for pk in ids:
        score = scores.get(pk) or {}
        result[pk] = AccountInputs(
            customer_id=pk,
            today=today,
            people=tuple(people.get(pk, ())),
            needs=tuple(needs.get(pk, ())),
            open_actions=tuple(actions.get(pk, ())),
            has_actions=pk in with_actions,
            years=tuple(years.get(pk, ())),
            open_opportunities=tuple(opportunities.get(pk, ())),
            has_opportunities=pk in with_opportunities,
            texts=tuple(texts.get(pk, ())),
            probability_alive=score.get("probability_alive"),
            scores_computed_on=clock.day_or_none(score.get("computed_at")),
            reviews_recorded=REVIEWS_RECORDED,
            last_review_on=reviews.get(pk),
            plan_started_on=started.get(pk),
            assessment_stale_after_days=STALE_AFTER_DAYS,
        )
    return result
