"""Read side of the pipeline: the prioritization matrix layout and the cross-account list.

``prioritization_matrix`` is pure layout over a list of opportunities the caller
has already loaded with ``matrix_opportunities`` (or any queryset with the same
``select_related``/``prefetch_related``), so the account plan can include the
fragment without adding queries per opportunity. ``pipeline`` answers the
cross-account page in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import Customer, CustomerStatus
from kam.workspaces.models import Workspace
from planning.models import ACTION_OPEN_STATUSES, OPEN_STATES, Action, Opportunity
from planning.opportunities.selectors import PipelineRow, pipeline_rows
from planning.pipeline.prioritization import (
    QUADRANT_OF_STATE,
    QUADRANTS,
    STATE_OF_QUADRANT,
    PrioritizationMatrix,
    prioritization_layout,
)
from selling_center.models import BuyingStage


def qualified_q() -> Q:
    """CABS in the database: all four checkpoints hold (mirrors Opportunity.is_qualified)."""
    return Q(
        compelling_reason=True,
        authority_leverage=True,
        budget_availability=True,
        supporting_allies=True,
    )


def weighted_value_expression() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("value") * F("probability") / Value(Decimal(100)),
        output_field=DecimalField(max_digits=22, decimal_places=2),
    )


def open_tasks_prefetch() -> Prefetch:
    """Open actions of each opportunity (its tasks), soonest first and undated last.

    Loaded as ``opportunity.open_tasks``; "open" includes in progress.
    """
    return Prefetch(
        "actions",
        queryset=Action.objects.filter(status__in=ACTION_OPEN_STATUSES)
        .select_related("owner")
        .order_by(F("due_date").asc(nulls_last=True), "pk"),
        to_attr="open_tasks",
    )


def matrix_opportunities(
    *, workspace: Workspace, customer: Customer | None = None
) -> QuerySet[Opportunity]:
    """Open opportunities ready for ``prioritization_matrix`` (two queries when evaluated)."""
    queryset = Opportunity.objects.filter(workspace=workspace, state__in=OPEN_STATES)
    if customer is not None:
        queryset = queryset.filter(customer=customer)
    return queryset.select_related("customer", "owner").prefetch_related(open_tasks_prefetch())


# -- prioritization matrix ---------------------------------------------------------


def _next_task(opportunity: Opportunity) -> Action | None:
    tasks = getattr(opportunity, "open_tasks", None)
    if tasks is None:
        # Not loaded through matrix_opportunities: fall back to the (prefetched?) relation.
        open_tasks = [t for t in opportunity.actions.all() if t.status in ACTION_OPEN_STATUSES]
        open_tasks.sort(key=lambda t: (t.due_date is None, t.due_date or datetime.date.max, t.pk))
        tasks = open_tasks
    return tasks[0] if tasks else None


def prioritization_matrix(
    opportunities: Iterable[Opportunity],
    *,
    today: datetime.date,
    show_account: bool = False,
    currency: str = "",
) -> PrioritizationMatrix:
    """Lay the open opportunities out on the four quadrants' timelines.

    No queries of its own when the opportunities come from ``matrix_opportunities``
    (customer selected, open tasks prefetched); the geometry is
    :func:`planning.pipeline.prioritization.prioritization_layout`.
    """
    return prioritization_layout(
        opportunities,
        next_task=_next_task,
        today=today,
        show_account=show_account,
        currency=currency,
    )


# -- pipeline across accounts -----------------------------------------------------

SORTS: dict[str, tuple[str, ...]] = {
    "close": ("expected_close", "pk"),
    "-close": ("-expected_close", "pk"),
    "value": ("value", "pk"),
    "-value": ("-value", "pk"),
    "weighted": ("weighted_value", "pk"),
    "-weighted": ("-weighted_value", "pk"),
    "probability": ("probability", "pk"),
    "-probability": ("-probability", "pk"),
    "account": ("customer__name", "expected_close", "pk"),
    "-account": ("-customer__name", "expected_close", "pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "pk"),
    "quadrant": ("state", "expected_close", "pk"),
    "-quadrant": ("-state", "expected_close", "pk"),
    "stage": ("buying_stage", "expected_close", "pk"),
    "-stage": ("-buying_stage", "expected_close", "pk"),
}
DEFAULT_SORT = "close"
#: The "Sort by" choices of the page, in the order offered.
SORT_CHOICES: tuple[tuple[str, str], ...] = (
    ("close", "Close, soonest"),
    ("-close", "Close, latest"),
    ("-value", "Value, largest"),
    ("-weighted", "Weighted, largest"),
    ("-probability", "Probability, highest"),
    ("quadrant", "Quadrant, I to IV"),
    ("stage", "Buying stage"),
    ("account", "Account, A to Z"),
    ("title", "Title, A to Z"),
)
#: The quadrant sort must follow I-IV, not the alphabet of the state names.
_QUADRANT_ORDER = {state: index for index, (_c, state, _t, _h) in enumerate(QUADRANTS)}


@dataclass(frozen=True)
class PipelineFilters:
    kam: int | None = None
    stage: str = ""
    quadrant: str = ""
    qualified: str = ""  # "yes", "no" or "" for both
    account: int | None = None
    sort: str = DEFAULT_SORT

    @property
    def active(self) -> bool:
        return bool(
            self.kam or self.stage or self.quadrant or self.qualified or self.account is not None
        )

    def query(self, **changes: Any) -> dict[str, str]:
        """The filters as URL parameters, with some changed (for links and the CSV export)."""
        values: dict[str, Any] = {
            "kam": self.kam,
            "stage": self.stage,
            "quadrant": self.quadrant,
            "qualified": self.qualified,
            "account": self.account,
            "sort": self.sort if self.sort != DEFAULT_SORT else "",
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def parse_filters(params: Any) -> PipelineFilters:
    """Filters from the query string; anything unknown is ignored, never an error page."""

    def number(name: str) -> int | None:
        raw = params.get(name, "")
        return int(raw) if raw.isdigit() else None

    stage = params.get("stage", "")
    quadrant = params.get("quadrant", "")
    qualified = params.get("qualified", "")
    sort = params.get("sort", DEFAULT_SORT)
    return PipelineFilters(
        kam=number("kam"),
        stage=stage if stage in BuyingStage.values or stage == "none" else "",
        quadrant=quadrant if quadrant in STATE_OF_QUADRANT else "",
        qualified=qualified if qualified in ("yes", "no") else "",
        account=number("account"),
        sort=sort if sort in SORTS else DEFAULT_SORT,
    )


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    count: int
    value: Decimal
    weighted_value: Decimal


@dataclass
class Pipeline:
    filters: PipelineFilters
    rows: list[PipelineRow]
    """Rows of the fragment ``templates/planning/opportunities/_pipeline_table.html``."""
    count: int
    total_value: Decimal
    weighted_value: Decimal
    by_quadrant: list[Breakdown]
    by_stage: list[Breakdown]
    by_account: list[Breakdown]
    kams: list[Any]
    accounts: list[Customer]
    any_open: bool
    """Whether the workspace has any open opportunity at all (for the empty state)."""

    @property
    def opportunities(self) -> list[Opportunity]:
        return [row.opportunity for row in self.rows]


def pipeline_queryset(*, workspace: Workspace, filters: PipelineFilters) -> QuerySet[Opportunity]:
    """Open opportunities of the key accounts, filtered; weighted value annotated."""
    queryset = Opportunity.objects.filter(
        workspace=workspace,
        state__in=OPEN_STATES,
        customer__status=CustomerStatus.KEY_ACCOUNT,
    ).annotate(weighted_value=weighted_value_expression())
    if filters.kam:
        queryset = queryset.filter(customer__owner_id=filters.kam)
    if filters.stage == "none":
        queryset = queryset.filter(buying_stage="")
    elif filters.stage:
        queryset = queryset.filter(buying_stage=filters.stage)
    if filters.quadrant:
        queryset = queryset.filter(state=STATE_OF_QUADRANT[filters.quadrant])
    if filters.qualified == "yes":
        queryset = queryset.filter(qualified_q())
    elif filters.qualified == "no":
        queryset = queryset.exclude(qualified_q())
    if filters.account is not None:
        queryset = queryset.filter(customer_id=filters.account)
    return queryset


def pipeline(*, workspace: Workspace, filters: PipelineFilters) -> Pipeline:
    """The cross-account pipeline page: rows, totals, breakdowns and filter choices.

    Eight queries whatever the number of opportunities: rows, their open tasks,
    totals, the three breakdowns, the key accounts with their KAMs (plus one
    "any at all" when the filtered list is empty).
    """
    filtered = pipeline_queryset(workspace=workspace, filters=filters)
    # The row builder joins customer and owner; the open tasks ride along for the matrix.
    rows = pipeline_rows(
        filtered.select_related("customer__owner")
        .prefetch_related(open_tasks_prefetch())
        .order_by(*SORTS[filters.sort])
    )
    if filters.sort.lstrip("-") == "quadrant":
        rows.sort(
            key=lambda r: (
                _QUADRANT_ORDER[r.opportunity.state],
                r.opportunity.expected_close or datetime.date.max,
            ),
            reverse=filters.sort.startswith("-"),
        )
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=22, decimal_places=2))
    totals = filtered.aggregate(
        count=Count("pk"),
        value=Coalesce(Sum("value"), zero),
        weighted=Coalesce(Sum("weighted_value"), zero),
    )

    def grouped(by: str) -> dict[Any, dict[str, Any]]:
        return {
            row[by]: row
            for row in filtered.order_by()
            .values(by)
            .annotate(
                count=Count("pk"),
                total=Coalesce(Sum("value"), zero),
                weighted=Coalesce(Sum("weighted_value"), zero),
            )
        }

    def breakdown(groups: dict[Any, dict[str, Any]], group: Any, key: str, label: str) -> Breakdown:
        row = groups.get(group, {})
        return Breakdown(
            key=key,
            label=label,
            count=row.get("count", 0),
            value=row.get("total", Decimal(0)),
            weighted_value=row.get("weighted", Decimal(0)),
        )

    states = grouped("state")
    stages = grouped("buying_stage")
    by_quadrant = [
        breakdown(states, state, code, f"{code} {title}") for code, state, title, _h in QUADRANTS
    ]
    by_stage = [breakdown(stages, value, value, label) for value, label in BuyingStage.choices]
    if "" in stages:
        by_stage.append(breakdown(stages, "", "none", "No stage set"))

    accounts = grouped("customer_id")

    key_accounts = list(
        Customer.objects.filter(workspace=workspace, status=CustomerStatus.KEY_ACCOUNT)
        .select_related("owner")
        .order_by("name")
    )
    kams = sorted(
        {c.owner.pk: c.owner for c in key_accounts if c.owner is not None}.values(),
        key=lambda u: (u.get_full_name() or u.get_username()).lower(),
    )
    any_open = bool(rows) or (
        Opportunity.objects.filter(
            workspace=workspace,
            state__in=OPEN_STATES,
            customer__status=CustomerStatus.KEY_ACCOUNT,
        ).exists()
    )
    by_account = [
        breakdown(accounts, customer.pk, str(customer.pk), customer.name)
        for customer in key_accounts
        if customer.pk in accounts
    ]
    return Pipeline(
        filters=filters,
        rows=rows,
        count=totals["count"],
        total_value=totals["value"],
        weighted_value=totals["weighted"],
        by_quadrant=by_quadrant,
        by_stage=[b for b in by_stage if b.count],
        by_account=by_account,
        kams=kams,
        accounts=key_accounts,
        any_open=any_open,
    )


def csv_rows(opportunities: Sequence[Opportunity]) -> Iterable[list[str]]:
    """The filtered list as spreadsheet rows, header first (plain numbers, ISO dates)."""
    yield [
        "Account",
        "KAM",
        "Opportunity",
        "Quadrant",
        "State",
        "Buying stage",
        "Origin",
        "Value",
        "Probability %",
        "Weighted value",
        "Expected close",
        "CABS qualified",
        "Next action",
        "Next action due",
    ]
    for o in opportunities:
        owner = o.customer.owner
        task = _next_task(o)
        weighted = getattr(o, "weighted_value", o.value * o.probability / 100)
        yield [
            o.customer.name,
            (owner.get_full_name() or owner.get_username()) if owner else "",
            o.title,
            QUADRANT_OF_STATE.get(o.state, ""),
            o.get_state_display(),
            o.get_buying_stage_display(),
            o.get_origin_display(),
            f"{o.value:.2f}",
            str(o.probability),
            f"{Decimal(weighted):.2f}",
            o.expected_close.isoformat() if o.expected_close else "",
            "yes" if o.is_qualified else "no",
            task.title if task else "",
            task.due_date.isoformat() if task and task.due_date else "",
        ]
