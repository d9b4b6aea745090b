"""Geometry of the prioritization matrix on plain objects: no database, no Django.

That the module imports nothing from Django is pinned by the import contracts (pyproject.toml).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from planning.pipeline import prioritization
from planning.pipeline.prioritization import (
    BEYOND_X,
    HORIZON_MONTHS,
    MAX_RADIUS,
    MIN_RADIUS,
    PLOT_LEFT,
    PLOT_RIGHT,
    SVG_WIDTH,
    months_between,
    prioritization_layout,
    timeline_x,
)

TODAY = datetime.date(2026, 3, 1)


@dataclass
class Account:
    name: str = "Borealis Energy"


@dataclass
class Deal:
    title: str
    state: str = "in_progress"
    value: Decimal = Decimal(100_000)
    probability: int = 50
    expected_close: datetime.date | None = TODAY
    customer: Account = field(default_factory=Account)
    is_qualified: bool = False
    pk: int = 0


@dataclass
class Task:
    due_date: datetime.date | None


def _layout(deals: list[Deal], **options: object) -> prioritization.PrioritizationMatrix:
    for number, deal in enumerate(deals, start=1):
        deal.pk = deal.pk or number
    return prioritization_layout(deals, next_task=lambda deal: None, today=TODAY, **options)  # type: ignore[arg-type]


def _mark(matrix: prioritization.PrioritizationMatrix, title: str) -> prioritization.MatrixMark:
    return next(m for q in matrix.quadrants for m in q.rows if m.opportunity.title == title)


@pytest.mark.parametrize(
    ("months", "x"),
    [
        (-3, PLOT_LEFT),
        (0, PLOT_LEFT),
        (12, (PLOT_LEFT + PLOT_RIGHT) / 2),
        (HORIZON_MONTHS, PLOT_RIGHT),
        (HORIZON_MONTHS + 0.1, BEYOND_X),
    ],
)
def test_timeline_puts_overdue_at_today_and_late_closes_beyond_the_horizon(
    months: float, x: float
) -> None:
    assert timeline_x(months) == pytest.approx(x)


def test_months_between_counts_average_months() -> None:
    assert months_between(TODAY, datetime.date(2027, 3, 1)) == pytest.approx(12, abs=0.05)
    assert months_between(TODAY, datetime.date(2026, 2, 1)) < 0


def test_each_open_state_has_its_quadrant_and_won_and_lost_stay_out() -> None:
    deals = [
        Deal("Now", state="in_progress"),
        Deal("Forming", state="early_stage"),
        Deal("Stalled", state="delayed"),
        Deal("Someday", state="long_term"),
        Deal("Done", state="won"),
        Deal("Gone", state="lost"),
    ]
    matrix = _layout(deals)
    assert [(q.code, [m.opportunity.title for m in q.rows]) for q in matrix.quadrants] == [
        ("I", ["Now"]),
        ("II", ["Forming"]),
        ("III", ["Stalled"]),
        ("IV", ["Someday"]),
    ]
    assert matrix.count == 4


def test_mark_area_grows_with_value() -> None:
    matrix = _layout(
        [
            Deal("Big", value=Decimal(400)),
            Deal("Quarter", value=Decimal(100)),
            Deal("Nothing", value=Decimal(0)),
        ]
    )
    assert _mark(matrix, "Big").radius == MAX_RADIUS
    assert _mark(matrix, "Nothing").radius == MIN_RADIUS
    # A quarter of the value: half the share of the radius range (area follows value).
    assert _mark(matrix, "Quarter").radius == MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) / 2


def test_overdue_and_undated_deals() -> None:
    matrix = _layout(
        [
            Deal("Late", expected_close=TODAY - datetime.timedelta(days=10)),
            Deal("Open-ended", expected_close=None),
        ]
    )
    late = _mark(matrix, "Late")
    assert late.overdue and late.x == PLOT_LEFT and late.label.startswith("Overdue · ")
    (quadrant,) = [q for q in matrix.quadrants if q.code == "I"]
    assert [m.opportunity.title for m in quadrant.undated] == ["Open-ended"]
    assert [m.opportunity.title for m in quadrant.marks] == ["Late"]


def test_deals_closing_together_take_separate_lanes_and_stay_inside_the_picture() -> None:
    deals = [Deal(f"Deal {n}") for n in range(3)] + [
        Deal("Near the edge", expected_close=TODAY + datetime.timedelta(days=700))
    ]
    matrix = _layout(deals)
    marks = matrix.quadrants[0].marks
    assert len({m.lane for m in marks if m.opportunity.title.startswith("Deal")}) == 3
    edge = _mark(matrix, "Near the edge")
    assert edge.label_anchor == "end"
    for mark in marks:
        if mark.label_anchor == "start":
            assert mark.label_x + mark.label_width <= SVG_WIDTH
        else:
            assert mark.label_x - mark.label_width >= 0


def test_next_task_and_totals() -> None:
    soon = Task(due_date=TODAY - datetime.timedelta(days=1))
    deals = [Deal("A", value=Decimal(1000), probability=25), Deal("B", value=Decimal(10))]
    for number, deal in enumerate(deals, start=1):
        deal.pk = number
    matrix = prioritization_layout(
        deals, next_task=lambda deal: soon if deal.title == "A" else None, today=TODAY
    )
    a = _mark(matrix, "A")
    assert a.next_task is soon and a.next_task_overdue
    assert _mark(matrix, "B").next_task is None
    assert matrix.total_value == Decimal(1010)
    assert matrix.weighted_value == Decimal(255)


def test_account_names_go_into_labels_when_asked_shortened_to_fit() -> None:
    matrix = _layout([Deal("Pump upgrade", probability=70)], show_account=True)
    assert _mark(matrix, "Pump upgrade").label == "Borealis Ener…: Pump upgrade · 70%"
    assert _layout([Deal("Pump upgrade")]).quadrants[0].marks[0].label == "Pump upgrade · 50%"
