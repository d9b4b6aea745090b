"""The frozen snapshot of a plan: what a review saw, as a schema-versioned JSON document.

:func:`snapshot_build` reads the plan as it stands through the selectors the plan
page already uses (the scorecard of :mod:`planning.plan.overview`, the key
players of :mod:`planning.plan.metrics`, the objectives' measures of
:mod:`planning.plan.objective_measures`, the stored health) and turns it into
plain JSON: strings for money (no float rounding), ISO dates, ``None`` for
unknown. :func:`content_hash` is the sha256 of its canonical form, so the same
state always gives the same hash.

:func:`snapshot_read` reads a stored document of any schema version into one
:class:`SnapshotView`: a new schema adds a reader for its version and the old
readers stay, so a review held years ago still opens.

Schema versions:

- 0: the first draft (scorecard, objectives, actions, opportunities; no health,
  key players, Open Space or SWOT; money as numbers).
- 1: everything of the plan a review walks through (current).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.workspaces.models import Workspace
from planning.health.selectors import effective_rating
from planning.models import (
    ACTION_OPEN_STATUSES,
    AccountHealth,
    Action,
    Objective,
    Opportunity,
    SwotItem,
)
from planning.open_space.selectors import open_space_matrix
from planning.plan import selectors as plan_selectors
from planning.plan.metrics import is_key_player
from planning.plan.objective_measures import SalesWindow, objective_measure, sales_window
from planning.plan.overview import plan_overview

SCHEMA_VERSION = 1


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _scorecard(customer: Customer, today: datetime.date, currency: str) -> dict[str, Any]:
    open_space = plan_selectors.open_space_of(customer)
    matrix = open_space_matrix(open_space, today=today) if open_space is not None else None
    overview = plan_overview(customer=customer, matrix=matrix, today=today, currency=currency)
    score = overview.score
    return {
        "currency": currency,
        "trend": [
            {
                "year": year.year,
                "net_sales": _money(year.net_sales),
                "margin": _money(year.margin),
                "margin_percent": _money(year.margin_percent),
                "partial": year.partial,
            }
            for year in overview.trend
        ],
        "clv": _money(score.clv_contractual or score.clv_transactional) if score else None,
        "quadrant": score.quadrant if score else None,
        "scores_computed_at": score.computed_at.isoformat() if score else None,
        "open_space": None
        if overview.upv is None
        else {
            "year": overview.upv_year,
            "sales": _money(overview.open_space_sales),
            "potential": _money(overview.open_space_potential),
            "captured_share": _money(overview.captured_share),
            "upv": {
                "up_sell": _money(overview.upv.up_sell),
                "cross_sell": _money(overview.upv.cross_sell),
                "co_creation": _money(overview.upv.co_creation),
                "total": _money(overview.upv.total),
            },
        },
    }


def _health(customer: Customer, today: datetime.date) -> dict[str, Any] | None:
    row = AccountHealth.objects.filter(customer=customer).first()
    if row is None:
        return None
    return {
        "rating": effective_rating(row, today),
        "computed_rating": row.computed_rating,
        "computed_at": row.computed_at.isoformat() if row.computed_at else None,
        "reasons": [
            {
                "code": reason.get("code", ""),
                "label": reason.get("label", ""),
                "evidence": list(reason.get("evidence") or []),
            }
            for reason in (row.reasons or [])
            if reason.get("active")
        ],
    }


def _objectives(customer: Customer, currency: str) -> list[dict[str, Any]]:
    objectives = list(Objective.objects.filter(customer=customer).order_by("pk"))
    window = (
        sales_window(customer, reporting_currency=currency)
        if objectives
        else SalesWindow(up_to=None, currency=currency)
    )
    rows = []
    for objective in objectives:
        measure = objective_measure(objective, window)
        rows.append(
            {
                "id": objective.pk,
                "title": objective.title,
                "kind": objective.kind,
                "status": objective.status,
                "target": _money(objective.target),
                "value": _money(measure.value),
                "unit": measure.unit,
                "progress": measure.progress,
                "source": measure.source,
            }
        )
    return rows


def _actions(customer: Customer, today: datetime.date) -> list[dict[str, Any]]:
    return [
        {
            "id": action.pk,
            "title": action.title,
            "status": action.status,
            "owner": _name(action.owner),
            "due_date": _date(action.due_date),
            "overdue": action.status in ACTION_OPEN_STATUSES
            and action.due_date is not None
            and action.due_date < today,
        }
        for action in Action.objects.filter(customer=customer)
        .select_related("owner")
        .order_by("due_date", "pk")
    ]


CABS = ("compelling_reason", "authority_leverage", "budget_availability", "supporting_allies")


def _opportunities(customer: Customer) -> list[dict[str, Any]]:
    return [
        {
            "id": opportunity.pk,
            "title": opportunity.title,
            "state": opportunity.state,
            "buying_stage": opportunity.buying_stage,
            "phase": opportunity.phase,
            "value": _money(opportunity.value),
            "cabs": {name: bool(getattr(opportunity, name)) for name in CABS},
        }
        for opportunity in Opportunity.objects.filter(customer=customer).order_by("pk")
    ]


def _key_players(customer: Customer) -> list[dict[str, Any]]:
    return [
        {
            "id": person.pk,
            "name": person.name,
            "title": person.title,
            "roles": sorted(person.roles or []),
            "relationship_score": person.relationship_score,
        }
        for person in Stakeholder.objects.filter(customer=customer).order_by("name", "pk")
        if is_key_player(person.roles)
    ]


def _swot(customer: Customer) -> list[dict[str, Any]]:
    return [
        {"id": item.pk, "kind": item.kind, "text": item.text, "implication": item.implication}
        for item in SwotItem.objects.filter(customer=customer).order_by("kind", "pk")
    ]


def snapshot_build(
    *, workspace: Workspace, customer: Customer, today: datetime.date | None = None
) -> dict[str, Any]:
    """The plan of ``customer`` as it stands, as a schema-1 document (plain JSON)."""
    today = today or timezone.localdate()
    currency = workspace.reporting_currency.upper()
    scorecard = _scorecard(customer, today, currency)
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": today.isoformat(),
        "customer": {"id": customer.pk, "name": customer.name},
        "scorecard": scorecard,
        "health": _health(customer, today),
        "objectives": _objectives(customer, currency),
        "actions": _actions(customer, today),
        "opportunities": _opportunities(customer),
        "key_players": _key_players(customer),
        "open_space": scorecard["open_space"],
        "swot": _swot(customer),
    }


def canonical(content: Mapping[str, Any]) -> str:
    """The one JSON text of a document: sorted keys, no spaces (what the hash is taken of)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


# -- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotView:
    """A stored snapshot of any schema, read into the current shape.

    What an old schema did not record is ``None`` (unknown), never zero or empty
    as if it had been measured.
    """

    schema_version: int
    as_of: str | None
    customer_name: str
    currency: str
    net_sales: str | None  # of the last year of the trend with figures
    clv: str | None
    health_rating: str | None
    health_reasons: list[dict[str, Any]] | None
    objectives: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    key_players: list[dict[str, Any]] | None = None
    open_space: dict[str, Any] | None = None
    swot: list[dict[str, Any]] | None = None

    @property
    def open_actions(self) -> int:
        return sum(1 for a in self.actions if a.get("status") in ACTION_OPEN_STATUSES)

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.actions if a.get("overdue"))

    @property
    def open_opportunities(self) -> int:
        return sum(1 for o in self.opportunities if o.get("state") in ("open", "on_hold"))


def _last_sales(trend: list[dict[str, Any]]) -> str | None:
    for year in reversed(trend):
        if year.get("net_sales") is not None:
            return str(year["net_sales"])
    return None


def _as_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _read_v0(content: Mapping[str, Any]) -> SnapshotView:
    # Schema 0 kept money as numbers and had no health, key players, Open Space or SWOT.
    scorecard = content.get("scorecard") or {}
    return SnapshotView(
        schema_version=0,
        as_of=content.get("taken_on"),
        customer_name=str(content.get("customer_name", "")),
        currency=str(scorecard.get("currency", "")),
        net_sales=_as_text(scorecard.get("net_sales")),
        clv=_as_text(scorecard.get("clv")),
        health_rating=None,
        health_reasons=None,
        objectives=[dict(o) for o in content.get("objectives", [])],
        actions=[
            {**a, "overdue": bool(a.get("overdue", False))} for a in content.get("actions", [])
        ],
        opportunities=[
            {**o, "value": _as_text(o.get("value"))} for o in content.get("opportunities", [])
        ],
    )


def _read_v1(content: Mapping[str, Any]) -> SnapshotView:
    scorecard = content.get("scorecard") or {}
    health = content.get("health")
    return SnapshotView(
        schema_version=1,
        as_of=content.get("as_of"),
        customer_name=str((content.get("customer") or {}).get("name", "")),
        currency=str(scorecard.get("currency", "")),
        net_sales=_last_sales(scorecard.get("trend") or []),
        clv=scorecard.get("clv"),
        health_rating=health.get("rating") if health else None,
        health_reasons=list(health.get("reasons") or []) if health else None,
        objectives=list(content.get("objectives") or []),
        actions=list(content.get("actions") or []),
        opportunities=list(content.get("opportunities") or []),
        key_players=list(content.get("key_players") or []),
        open_space=content.get("open_space"),
        swot=list(content.get("swot") or []),
    )


READERS: dict[int, Callable[[Mapping[str, Any]], SnapshotView]] = {0: _read_v0, 1: _read_v1}


class UnknownSchema(ValueError):
    """A snapshot written by a newer version of the app than this one."""


def snapshot_read(content: Mapping[str, Any]) -> SnapshotView:
    """Read a stored snapshot of any known schema version."""
    version = int(content.get("schema_version", 0))
    reader = READERS.get(version)
    if reader is None:
        raise UnknownSchema(
            f"This snapshot uses schema {version}; this version of the app reads up to"
            f" {max(READERS)}."
        )
    return reader(content)
