"""Reads for opportunity pages and fragments, each in a fixed number of queries.

* :func:`pipeline_rows` turns any opportunity queryset into table rows for
  ``templates/planning/opportunities/_pipeline_table.html`` (one query; the
  customer column is optional, so the cross-account pipeline can reuse it).
* The ``*_context`` functions feed one section fragment each
  (``_summary``, ``_cabs``, ``_value_proposition``, ``_value_drivers``,
  ``_contributors``, ``_tasks``); :func:`opportunity_detail_context` gathers
  them for the opportunity page and the account plan.

Give the section selectors an opportunity from :func:`opportunity_for_page`
(customer, owner and Open Space cell already joined).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import Customer
from kam.workspaces.models import Workspace
from planning.models import (
    ACTION_OPEN_STATUSES,
    OPEN_STATES,
    Action,
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    ValueDriver,
)
from planning.opportunities import formula
from planning.opportunities.services.opportunities import CABS_CHECKPOINTS, opportunity_warnings

ZERO = Decimal("0")
HUNDRED = Decimal("100")

#: The value-proposition questions, in the order of the checklist (domain.md).
VP_QUESTIONS: list[tuple[str, str]] = [
    ("vp_needs_justify_price", "Do the customer's needs justify our price?"),
    ("vp_strengths_ahead", "Are our strengths ahead of the competitors'?"),
    ("vp_benefits_demonstrated", "Have we shown the benefits to the key members?"),
    ("vp_more_expensive", "Are we more expensive than the competitors?"),
]

#: What the pipeline filters accept (GET parameters of the account page).
QUALIFICATION_FILTERS = {"qualified": "Qualified", "unqualified": "Not qualified yet"}


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def opportunity_for_page(
    *, workspace: Workspace, customer: Customer, opportunity_id: int
) -> Opportunity | None:
    """The opportunity, only if it belongs to this account (else None: the page answers 404)."""
    return (
        Opportunity.objects.filter(workspace=workspace, customer=customer, pk=opportunity_id)
        .select_related(
            "workspace",
            "customer",
            "owner",
            "open_space_cell__segment",
            "open_space_cell__column__offering",
        )
        .first()
    )


def weighted_value(opportunity: Opportunity) -> Decimal:
    """Value x probability: what the deal is worth today, on average."""
    return (Decimal(opportunity.value or 0) * opportunity.probability / HUNDRED).quantize(
        Decimal("0.01")
    )


def cabs_held(opportunity: Opportunity) -> int:
    return sum(1 for name in CABS_CHECKPOINTS if getattr(opportunity, name))


# -- the pipeline table ---------------------------------------------------------------


@dataclass(frozen=True)
class PipelineRow:
    opportunity: Opportunity
    weighted_value: Decimal
    cabs_held: int
    owner_name: str
    close_overdue: bool

    @property
    def is_qualified(self) -> bool:
        return self.cabs_held == len(CABS_CHECKPOINTS)


@dataclass(frozen=True)
class PipelineTotals:
    count: int
    value: Decimal
    weighted: Decimal


def pipeline_rows(
    queryset: QuerySet[Opportunity], *, today: datetime.date | None = None
) -> list[PipelineRow]:
    """Rows of ``_pipeline_table.html`` in one query (customer and owner joined)."""
    today = today or timezone.localdate()
    return [
        PipelineRow(
            opportunity=o,
            weighted_value=weighted_value(o),
            cabs_held=cabs_held(o),
            owner_name=person_name(o.owner),
            close_overdue=bool(
                o.state in OPEN_STATES and o.expected_close and o.expected_close < today
            ),
        )
        for o in queryset.select_related("customer", "owner")
    ]


def pipeline_totals(rows: Iterable[PipelineRow]) -> PipelineTotals:
    rows = list(rows)
    return PipelineTotals(
        count=len(rows),
        value=sum((r.opportunity.value for r in rows), ZERO),
        weighted=sum((r.weighted_value for r in rows), ZERO),
    )


@dataclass
class PipelineFilters:
    state: str = ""
    stage: str = ""
    qualification: str = ""

    @property
    def active(self) -> bool:
        return bool(self.state or self.stage or self.qualification)


def read_filters(params: Mapping[str, str]) -> PipelineFilters:
    """Unknown values are ignored (a stale bookmark shows everything rather than an error)."""
    from selling_center.models import BuyingStage

    state = params.get("state", "")
    stage = params.get("stage", "")
    qualification = params.get("qualification", "")
    return PipelineFilters(
        state=state if state in OpportunityState.values or state == "open" else "",
        stage=stage if stage in BuyingStage.values else "",
        qualification=qualification if qualification in QUALIFICATION_FILTERS else "",
    )


def qualified_q(qualified: bool) -> Any:
    from django.db.models import Q

    every = Q(**{name: True for name in CABS_CHECKPOINTS})
    return every if qualified else ~every


def account_opportunities(
    *, workspace: Workspace, customer: Customer, filters: PipelineFilters
) -> QuerySet[Opportunity]:
    queryset = Opportunity.objects.filter(workspace=workspace, customer=customer)
    if filters.state == "open":
        queryset = queryset.filter(state__in=OPEN_STATES)
    elif filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.stage:
        queryset = queryset.filter(buying_stage=filters.stage)
    if filters.qualification:
        queryset = queryset.filter(qualified_q(filters.qualification == "qualified"))
    return queryset.order_by("expected_close", "pk")


# -- sections of one opportunity ---------------------------------------------------------


def summary_context(opportunity: Opportunity) -> dict[str, Any]:
    """No queries when the opportunity comes from :func:`opportunity_for_page`."""
    cell = opportunity.open_space_cell
    return {
        "summary": {
            "weighted_value": weighted_value(opportunity),
            "warnings": opportunity_warnings(opportunity),
            "owner_name": person_name(opportunity.owner),
            "cell_label": (f"{cell.column.label} in {cell.segment}" if cell else ""),
            "currency": opportunity.workspace.reporting_currency.upper()
            if opportunity.workspace_id
            else "",
        }
    }


@dataclass(frozen=True)
class Checkpoint:
    name: str
    label: str
    held: bool
    evidence: str
    hint: str


@dataclass(frozen=True)
class CabsSection:
    checkpoints: list[Checkpoint]

    @property
    def held(self) -> int:
        return sum(1 for c in self.checkpoints if c.held)

    @property
    def total(self) -> int:
        return len(self.checkpoints)

    @property
    def is_qualified(self) -> bool:
        return self.held == self.total

    @property
    def missing(self) -> list[Checkpoint]:
        return [c for c in self.checkpoints if not c.held]


def cabs_context(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "cabs": CabsSection(
            checkpoints=[
                Checkpoint(
                    name=name,
                    label=label,
                    held=bool(getattr(opportunity, name)),
                    evidence=getattr(opportunity, f"{name}_evidence"),
                    hint=hint,
                )
                for name, (label, hint) in CABS_CHECKPOINTS.items()
            ]
        )
    }


@dataclass(frozen=True)
class VpQuestion:
    number: int
    name: str
    text: str
    answer: bool | None


@dataclass(frozen=True)
class ValuePropositionSection:
    questions: list[VpQuestion]
    alarm: bool

    @property
    def unanswered(self) -> int:
        return sum(1 for q in self.questions if q.answer is None)


def value_proposition_context(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "value_proposition": ValuePropositionSection(
            questions=[
                VpQuestion(number, name, text, getattr(opportunity, name))
                for number, (name, text) in enumerate(VP_QUESTIONS, start=1)
            ],
            alarm=opportunity.value_proposition_alarm,
        )
    }


@dataclass(frozen=True)
class DriverRow:
    driver: ValueDriver
    #: "wafers_per_month = 2000; yield_gain = 0.03", as the inputs box takes them.
    inputs_shown: str


@dataclass
class ValueDriversSection:
    drivers: list[DriverRow]
    #: Totals by unit: drivers in different units are not added together.
    totals: list[tuple[str, Decimal]] = field(default_factory=list)


def value_drivers_context(opportunity: Opportunity) -> dict[str, Any]:
    """One query: the drivers with their metric owners."""
    drivers = list(
        ValueDriver.objects.filter(workspace_id=opportunity.workspace_id, opportunity=opportunity)
        .select_related("metric_owner")
        .order_by("pk")
    )
    totals: dict[str, Decimal] = {}
    for driver in drivers:
        if driver.result is not None:
            totals[driver.unit] = totals.get(driver.unit, ZERO) + driver.result
    rows = [
        DriverRow(d, formula.format_inputs_text(d.inputs or {}).replace("\n", "; "))
        for d in drivers
    ]
    return {"value_drivers": ValueDriversSection(drivers=rows, totals=list(totals.items()))}


@dataclass(frozen=True)
class ContributorRow:
    contributor: OpportunityContributor
    name: str
    role: str
    ended: bool


def contributors_context(
    opportunity: Opportunity, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """One query: contributors with their selling-center member and user."""
    today = today or timezone.localdate()
    rows = [
        ContributorRow(
            contributor=c,
            name=c.member.display_name,
            role=c.member.get_role_display(),
            ended=bool(c.until and c.until < today),
        )
        for c in OpportunityContributor.objects.filter(
            workspace_id=opportunity.workspace_id, opportunity=opportunity
        )
        .select_related("member__user")
        .order_by("pk")
    ]
    return {"contributors": rows}


@dataclass(frozen=True)
class TaskRow:
    task: Action
    owner_name: str
    overdue: bool
    # The owner is kept on the task after they leave the workspace, and flagged.
    owner_left: bool = False


@dataclass
class TasksSection:
    rows: list[TaskRow]

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.rows if r.task.status in ACTION_OPEN_STATUSES)

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


def tasks_context(
    opportunity: Opportunity, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """Two queries: the opportunity's actions (its tasks) with their owners, and who is a member.

    Open ones first, by due date; an owner who left the workspace is flagged.
    """
    # Imported here: the plan's selectors read opportunities too.
    from planning.plan.action_selectors import action_is_overdue, current_member_ids

    today = today or timezone.localdate()
    tasks = list(
        Action.objects.filter(workspace_id=opportunity.workspace_id, opportunity=opportunity)
        .select_related("owner")
        .order_by("status", F("due_date").asc(nulls_last=True), "pk")
    )
    tasks.sort(key=lambda t: t.status not in ACTION_OPEN_STATUSES)
    members = current_member_ids(opportunity.workspace_id)
    return {
        "tasks": TasksSection(
            rows=[
                TaskRow(
                    task=t,
                    owner_name=person_name(t.owner),
                    overdue=action_is_overdue(t, today),
                    owner_left=t.owner_id is not None and t.owner_id not in members,
                )
                for t in tasks
            ]
        )
    }


def opportunity_detail_context(opportunity: Opportunity) -> dict[str, Any]:
    """All six of our sections; ``opportunity_analysis_context`` adds the three analyses."""
    return {
        **summary_context(opportunity),
        **cabs_context(opportunity),
        **value_proposition_context(opportunity),
        **value_drivers_context(opportunity),
        **contributors_context(opportunity),
        **tasks_context(opportunity),
    }
