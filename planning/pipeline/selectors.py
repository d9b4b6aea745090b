"""Read side of the pipeline: the prioritization matrix layout and the cross-account list.

``prioritization_matrix`` is pure layout over a list of opportunities the caller
has already loaded with ``matrix_opportunities`` (or any queryset with the same
``select_related``/``prefetch_related``), so the account plan can include the
fragment without adding queries per opportunity. ``pipeline`` answers the
cross-account page in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
from planning.models import OPEN_STATES, Opportunity, OpportunityState
from planning.models.opportunities import OpportunityTask, TaskStatus
from planning.opportunities.selectors import PipelineRow, pipeline_rows
from selling_center.models import BuyingStage

#: Months the timeline spans; later closes sit at the edge marked "24+".
HORIZON_MONTHS = 24
TICKS = (0, 6, 12, 18, 24)
DAYS_PER_MONTH = 365.25 / 12

#: Quadrant code -> (state, title, what it means and what to do), in reading order.
QUADRANTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "I",
        OpportunityState.IN_PROGRESS,
        "Deals in progress",
        "The customer is buying now: protect and close them.",
    ),
    (
        "II",
        OpportunityState.EARLY_STAGE,
        "Early-stage deals",
        "Needs are forming: shape the requirements before a tender is written.",
    ),
    (
        "III",
        OpportunityState.DELAYED,
        "Customer delaying or cancelling",
        "Find out why, and decide whether to revive or release them.",
    ),
    (
        "IV",
        OpportunityState.LONG_TERM,
        "Long-term potential",
        "Keep in view; invest only where the account plan says so.",
    ),
)
QUADRANT_OF_STATE = {state: code for code, state, _title, _help in QUADRANTS}
STATE_OF_QUADRANT = {code: state for code, state, _title, _help in QUADRANTS}

# SVG geometry of one quadrant's timeline (viewBox units; the SVG scales to its box).
SVG_WIDTH = 640
PLOT_LEFT = 16
PLOT_RIGHT = 560  # 24 months; the "24+" zone runs from here to the edge.
BEYOND_X = 596
LANE_HEIGHT = 36
TOP_PADDING = 6  # room above the first lane so the largest mark is not cut
AXIS_HEIGHT = 46
MIN_RADIUS = 5.0
MAX_RADIUS = 15.0
LABEL_CHARS = 34  # one account: the title alone
LABEL_CHARS_WITH_ACCOUNT = 24
ACCOUNT_CHARS = 14
CHAR_WIDTH = 8.4  # average width of a 15-unit label character, to keep lanes apart


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
    """Open tasks, soonest first and undated last, as ``opportunity.open_tasks``."""
    return Prefetch(
        "tasks",
        queryset=OpportunityTask.objects.filter(status=TaskStatus.OPEN)
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


@dataclass
class MatrixMark:
    opportunity: Opportunity
    next_task: OpportunityTask | None
    months: float | None
    """Months from today to the expected close; None when no date is set."""
    overdue: bool
    beyond: bool
    x: float
    y: float
    radius: float
    label: str
    lane: int = 0

    @property
    def qualified(self) -> bool:
        return self.opportunity.is_qualified

    @property
    def next_task_overdue(self) -> bool:
        task = self.next_task
        return task is not None and task.due_date is not None and task.due_date < self._today

    _today: datetime.date = field(default=datetime.date.min, repr=False)

    @property
    def label_x(self) -> float:
        """Labels go right of the mark, except near the right edge where they go left."""
        return self.x - self.radius - 4 if self.label_anchor == "end" else self.x + self.radius + 4

    @property
    def label_width(self) -> float:
        return len(self.label) * CHAR_WIDTH

    @property
    def label_anchor(self) -> str:
        """Right of the mark while the label fits before the edge, else left of it."""
        if self.room_right >= self.label_width:
            return "start"
        if self.room_left >= self.label_width:
            return "end"
        return "start" if self.room_right >= self.room_left else "end"

    @property
    def room_right(self) -> float:
        return SVG_WIDTH - (self.x + self.radius + 4)

    @property
    def room_left(self) -> float:
        return self.x - self.radius - 4

    def fit_label(self) -> None:
        """Shorten the title part when the label fits on neither side; keep the probability."""
        room = max(self.room_left, self.room_right)
        if self.label_width <= room:
            return
        head, sep, tail = self.label.rpartition(" · ")
        keep = max(int(room / CHAR_WIDTH) - len(sep + tail) - 1, 4)
        self.label = head[:keep].rstrip() + "…" + sep + tail

    @property
    def title(self) -> str:
        """Tooltip text: everything the mark encodes, for mouse and screen readers."""
        opp = self.opportunity
        when = (
            "no expected close"
            if opp.expected_close is None
            else f"closes {opp.expected_close:%d %b %Y}" + (" (overdue)" if self.overdue else "")
        )
        qualified = "CABS qualified" if self.qualified else "not qualified"
        return (
            f"{opp.customer.name}: {opp.title}, {opp.value:,.0f}, {opp.probability}%, "
            f"{when}, {qualified}"
        )


@dataclass
class QuadrantView:
    code: str
    state: str
    title: str
    help: str
    marks: list[MatrixMark]
    undated: list[MatrixMark]
    height: int = AXIS_HEIGHT
    total_value: Decimal = Decimal(0)
    weighted_value: Decimal = Decimal(0)

    @property
    def rows(self) -> list[MatrixMark]:
        """The list under the quadrant: dated by close, then the undated ones."""
        return self.marks + self.undated

    @property
    def axis_y(self) -> int:
        return self.height - AXIS_HEIGHT + 8


@dataclass(frozen=True)
class Tick:
    months: int
    x: float
    label: str


@dataclass
class PrioritizationMatrix:
    today: datetime.date
    quadrants: list[QuadrantView]
    ticks: list[Tick]
    show_account: bool
    currency: str
    count: int
    total_value: Decimal
    weighted_value: Decimal
    svg_width: int = SVG_WIDTH
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    beyond_x: int = BEYOND_X
    short_term: tuple[float, float] = (0.0, 0.0)
    long_term: tuple[float, float] = (0.0, 0.0)

    @property
    def is_empty(self) -> bool:
        return self.count == 0


def months_between(today: datetime.date, close: datetime.date) -> float:
    return (close - today).days / DAYS_PER_MONTH


def timeline_x(months: float) -> float:
    """Position on the axis: overdue at today, beyond the horizon in the "24+" zone."""
    if months <= 0:
        return float(PLOT_LEFT)
    if months > HORIZON_MONTHS:
        return float(BEYOND_X)
    return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * months / HORIZON_MONTHS


def _radius(value: Decimal, largest: Decimal) -> float:
    """Area grows with value, so a deal twice the size looks twice as big."""
    if largest <= 0 or value <= 0:
        return MIN_RADIUS
    share = math.sqrt(float(value) / float(largest))
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share, 1)


def _label(opportunity: Opportunity, show_account: bool) -> str:
    def shorten(text: str, limit: int) -> str:
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    text = shorten(opportunity.title, LABEL_CHARS_WITH_ACCOUNT if show_account else LABEL_CHARS)
    if show_account:
        text = f"{shorten(opportunity.customer.name, ACCOUNT_CHARS)}: {text}"
    return f"{text} · {opportunity.probability}%"


def _next_task(opportunity: Opportunity) -> OpportunityTask | None:
    tasks = getattr(opportunity, "open_tasks", None)
    if tasks is None:
        # Not loaded through matrix_opportunities: fall back to the (prefetched?) relation.
        open_tasks = [t for t in opportunity.tasks.all() if t.status == TaskStatus.OPEN]
        open_tasks.sort(key=lambda t: (t.due_date is None, t.due_date or datetime.date.max, t.pk))
        tasks = open_tasks
    return tasks[0] if tasks else None


def _place_in_lanes(marks: list[MatrixMark]) -> int:
    """Greedy lanes so no two marks or labels overlap; returns the number of lanes."""
    lane_ends: list[float] = []
    for mark in sorted(marks, key=lambda m: (m.x, -float(m.opportunity.value))):
        width = mark.label_width + 8
        if mark.label_anchor == "end":
            start, end = mark.x - mark.radius - width, mark.x + mark.radius
        else:
            start, end = mark.x - mark.radius, mark.x + mark.radius + width
        for lane, lane_end in enumerate(lane_ends):
            if start > lane_end + 6:
                lane_ends[lane] = end
                mark.lane = lane
                break
        else:
            lane_ends.append(end)
            mark.lane = len(lane_ends) - 1
    return len(lane_ends)


def prioritization_matrix(
    opportunities: Iterable[Opportunity],
    *,
    today: datetime.date,
    show_account: bool = False,
    currency: str = "",
) -> PrioritizationMatrix:
    """Lay the open opportunities out on the four quadrants' timelines.

    Pure: no queries of its own when the opportunities come from
    ``matrix_opportunities`` (customer selected, open tasks prefetched). Won and lost
    opportunities are left out: the matrix is about what still needs work.
    """
    open_ones = [o for o in opportunities if o.state in QUADRANT_OF_STATE]
    largest = max((o.value for o in open_ones), default=Decimal(0))
    by_code: dict[str, QuadrantView] = {
        code: QuadrantView(code, state, title, help_text, [], [])
        for code, state, title, help_text in QUADRANTS
    }
    for opportunity in open_ones:
        quadrant = by_code[QUADRANT_OF_STATE[opportunity.state]]
        close = opportunity.expected_close
        months = months_between(today, close) if close is not None else None
        overdue = close is not None and close < today
        mark = MatrixMark(
            opportunity=opportunity,
            next_task=_next_task(opportunity),
            months=months,
            overdue=overdue,
            beyond=months is not None and months > HORIZON_MONTHS,
            x=timeline_x(months) if months is not None else 0.0,
            y=0.0,
            radius=_radius(opportunity.value, largest),
            label=("Overdue · " if overdue else "") + _label(opportunity, show_account),
        )
        mark._today = today
        mark.fit_label()
        (quadrant.marks if months is not None else quadrant.undated).append(mark)
        quadrant.total_value += opportunity.value
        quadrant.weighted_value += opportunity.value * opportunity.probability / 100

    for quadrant in by_code.values():
        quadrant.marks.sort(key=lambda m: (m.opportunity.expected_close, m.opportunity.pk))
        quadrant.undated.sort(key=lambda m: (-m.opportunity.value, m.opportunity.pk))
        lanes = _place_in_lanes(quadrant.marks)
        quadrant.height = TOP_PADDING + max(lanes, 1) * LANE_HEIGHT + AXIS_HEIGHT
        for mark in quadrant.marks:
            mark.y = TOP_PADDING + LANE_HEIGHT / 2 + mark.lane * LANE_HEIGHT

    def span(start: int, end: float) -> tuple[float, float]:
        left = timeline_x(start)
        right = timeline_x(end) if end <= HORIZON_MONTHS else float(SVG_WIDTH - 4)
        return left, right - left

    return PrioritizationMatrix(
        today=today,
        quadrants=list(by_code.values()),
        ticks=[
            Tick(m, timeline_x(m) if m else float(PLOT_LEFT), "today" if m == 0 else f"{m} mo")
            for m in TICKS
        ],
        show_account=show_account,
        currency=currency,
        count=len(open_ones),
        total_value=sum((o.value for o in open_ones), Decimal(0)),
        weighted_value=sum((q.weighted_value for q in by_code.values()), Decimal(0)),
        short_term=span(12, 18),
        long_term=span(18, 36),
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
