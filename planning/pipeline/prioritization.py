"""Geometry of the prioritization matrix: quadrants, timeline positions, mark sizes, lanes.

Pure arithmetic over opportunities already loaded (no Django, no queries), so it
is unit-tested on plain objects and the account plan can reuse the layout. The
read side (``planning.pipeline.selectors``) loads the opportunities and their
next open task and calls :func:`prioritization_layout`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

#: Months the timeline spans; later closes sit at the edge marked "24+".
HORIZON_MONTHS = 24
TICKS = (0, 6, 12, 18, 24)
DAYS_PER_MONTH = 365.25 / 12

#: Quadrant code -> (state, title, what it means and what to do), in reading order.
#: The states are the values of ``OpportunityState`` (a test keeps them in step).
QUADRANTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "I",
        "in_progress",
        "Deals in progress",
        "The customer is buying now: protect and close them.",
    ),
    (
        "II",
        "early_stage",
        "Early-stage deals",
        "Needs are forming: shape the requirements before a tender is written.",
    ),
    (
        "III",
        "delayed",
        "Customer delaying or cancelling",
        "Find out why, and decide whether to revive or release them.",
    ),
    (
        "IV",
        "long_term",
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


class Account(Protocol):
    @property
    def name(self) -> str: ...


class PlacedOpportunity(Protocol):
    """What the layout reads of an opportunity (``planning.models.Opportunity`` has it all)."""

    @property
    def pk(self) -> Any: ...
    @property
    def title(self) -> str: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def probability(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def expected_close(self) -> datetime.date | None: ...
    @property
    def customer(self) -> Account: ...
    @property
    def is_qualified(self) -> bool: ...


class DueTask(Protocol):
    """What the layout reads of an opportunity's next open task."""

    @property
    def due_date(self) -> datetime.date | None: ...


@dataclass
class MatrixMark:
    opportunity: PlacedOpportunity
    next_task: DueTask | None
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


def _label(opportunity: PlacedOpportunity, show_account: bool) -> str:
    def shorten(text: str, limit: int) -> str:
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    text = shorten(opportunity.title, LABEL_CHARS_WITH_ACCOUNT if show_account else LABEL_CHARS)
    if show_account:
        text = f"{shorten(opportunity.customer.name, ACCOUNT_CHARS)}: {text}"
    return f"{text} · {opportunity.probability}%"


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


def prioritization_layout[O: PlacedOpportunity](
    opportunities: Iterable[O],
    *,
    next_task: Callable[[O], DueTask | None],
    today: datetime.date,
    show_account: bool = False,
    currency: str = "",
) -> PrioritizationMatrix:
    """Lay the open opportunities out on the four quadrants' timelines.

    ``next_task`` gives an opportunity's next open task (shown, and flagged when
    overdue). Won and lost opportunities are left out: the matrix is about what
    still needs work.
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
            next_task=next_task(opportunity),
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
