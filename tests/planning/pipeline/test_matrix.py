"""Layout of the prioritization matrix: pure arithmetic over a list, no queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from planning.models import OpportunityState
from planning.models.opportunities import TaskStatus
from planning.pipeline import prioritization, selectors
from tests.planning.pipeline.conftest import QUALIFIED, TODAY, Book

pytestmark = pytest.mark.django_db


def _matrix(book: Book) -> prioritization.PrioritizationMatrix:
    from kam.tenancy.context import workspace_context

    with workspace_context(book.workspace):
        opportunities = list(
            selectors.matrix_opportunities(workspace=book.workspace, customer=book.borealis)
        )
    return selectors.prioritization_matrix(opportunities, today=TODAY)


def _mark(matrix: prioritization.PrioritizationMatrix, title: str) -> prioritization.MatrixMark:
    for quadrant in matrix.quadrants:
        for mark in quadrant.rows:
            if mark.opportunity.title == title:
                return mark
    raise AssertionError(f"{title} not on the matrix")


def test_quadrants_follow_the_state_and_leave_won_and_lost_out(book: Book) -> None:
    for state in OpportunityState.values:
        book.add(book.borealis, state, state=state, expected_close=TODAY)
    matrix = _matrix(book)
    assert [(q.code, [m.opportunity.title for m in q.rows]) for q in matrix.quadrants] == [
        ("I", ["in_progress"]),
        ("II", ["early_stage"]),
        ("III", ["delayed"]),
        ("IV", ["long_term"]),
    ]
    assert matrix.count == 4


def test_timeline_positions_today_months_beyond_and_overdue(book: Book) -> None:
    book.add(book.borealis, "Today", expected_close=TODAY)
    book.add(book.borealis, "Year", expected_close=TODAY + datetime.timedelta(days=365))
    book.add(book.borealis, "Far", expected_close=TODAY + datetime.timedelta(days=1000))
    book.add(book.borealis, "Late", expected_close=TODAY - datetime.timedelta(days=10))
    book.add(book.borealis, "Undated")
    matrix = _matrix(book)
    today, year, far, late, undated = (
        _mark(matrix, t) for t in ("Today", "Year", "Far", "Late", "Undated")
    )
    assert today.x == prioritization.PLOT_LEFT
    assert year.x == pytest.approx(
        (prioritization.PLOT_LEFT + prioritization.PLOT_RIGHT) / 2, abs=2
    )
    assert far.beyond and far.x == prioritization.BEYOND_X and far.x > prioritization.PLOT_RIGHT
    assert late.overdue and late.x == prioritization.PLOT_LEFT and late.label.startswith("Overdue")
    assert not today.overdue
    assert undated.months is None
    early = matrix.quadrants[1]
    assert undated in early.undated and undated not in early.marks
    assert [t.label for t in matrix.ticks] == ["today", "6 mo", "12 mo", "18 mo", "24 mo"]


def test_size_by_value_colour_by_qualification_and_probability_in_label(book: Book) -> None:
    book.add(book.borealis, "Big", value=Decimal(1_000_000), probability=60, **QUALIFIED)
    book.add(book.borealis, "Small", value=Decimal(10_000), probability=20)
    matrix = _matrix(book)
    big, small = _mark(matrix, "Big"), _mark(matrix, "Small")
    assert big.radius == prioritization.MAX_RADIUS
    assert prioritization.MIN_RADIUS <= small.radius < big.radius
    assert big.qualified and not small.qualified
    assert big.label.endswith("· 60%") and small.label.endswith("· 20%")


def test_marks_at_the_same_date_go_to_separate_lanes(book: Book) -> None:
    for i in range(3):
        book.add(book.borealis, f"Same {i}", expected_close=TODAY + datetime.timedelta(days=90))
    quadrant = _matrix(book).quadrants[1]
    assert sorted(m.lane for m in quadrant.marks) == [0, 1, 2]
    assert quadrant.height == (
        prioritization.TOP_PADDING + 3 * prioritization.LANE_HEIGHT + prioritization.AXIS_HEIGHT
    )
    assert len({m.y for m in quadrant.marks}) == 3


def test_next_action_is_the_soonest_open_task(book: Book) -> None:
    deal = book.add(book.borealis, "Deal")
    book.task(deal, "Done already", due_date=TODAY, status=TaskStatus.DONE)
    book.task(deal, "Undated")
    book.task(deal, "Later", due_date=TODAY + datetime.timedelta(days=30))
    book.task(deal, "Overdue call", due_date=TODAY - datetime.timedelta(days=3))
    mark = _mark(_matrix(book), "Deal")
    assert mark.next_task is not None and mark.next_task.title == "Overdue call"
    assert mark.next_task_overdue


def test_layout_makes_no_queries(book: Book, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from kam.tenancy.context import workspace_context

    for i in range(6):
        deal = book.add(book.borealis, f"D{i}", state=OpportunityState.IN_PROGRESS)
        book.task(deal, "Call")
    with workspace_context(book.workspace):
        with django_assert_num_queries(2):
            opportunities = list(
                selectors.matrix_opportunities(workspace=book.workspace, customer=book.borealis)
            )
        with django_assert_num_queries(0):
            matrix = selectors.prioritization_matrix(opportunities, today=TODAY, show_account=True)
    assert matrix.count == 6
    assert matrix.quadrants[0].rows[0].label.startswith("Borealis Steel: ")


def test_weighted_totals(book: Book) -> None:
    book.add(book.borealis, "A", value=Decimal(1000), probability=50)
    book.add(book.borealis, "B", value=Decimal(200), probability=10)
    matrix = _matrix(book)
    assert matrix.total_value == Decimal(1200)
    assert matrix.weighted_value == Decimal(520)


def test_quadrants_match_the_model_mapping() -> None:
    from planning.models import PRIORITY_QUADRANTS

    assert {str(k): v for k, v in PRIORITY_QUADRANTS.items()} == prioritization.QUADRANT_OF_STATE


def test_labels_stay_inside_the_timeline(book: Book) -> None:
    book.add(
        book.borealis, "Near the end " * 3, expected_close=TODAY + datetime.timedelta(days=690)
    )
    book.add(book.borealis, "Early", expected_close=TODAY + datetime.timedelta(days=30))
    for mark in _matrix(book).quadrants[1].marks:
        if mark.label_anchor == "start":
            assert mark.label_x + mark.label_width <= prioritization.SVG_WIDTH
        else:
            assert mark.label_x - mark.label_width >= 0
        assert mark.y - mark.radius >= 0
    assert _mark(_matrix(book), "Early").label_anchor == "start"


def test_a_label_too_long_for_either_side_is_shortened_but_keeps_the_probability(
    book: Book,
) -> None:
    book.add(
        book.borealis,
        "Compressed-air network with a very long name",
        probability=15,
        expected_close=TODAY + datetime.timedelta(days=380),
    )
    from kam.tenancy.context import workspace_context

    with workspace_context(book.workspace):
        opportunities = list(selectors.matrix_opportunities(workspace=book.workspace))
    matrix = selectors.prioritization_matrix(opportunities, today=TODAY, show_account=True)
    mark = _mark(matrix, "Compressed-air network with a very long name")
    assert mark.label.endswith("… · 15%")
    room = mark.room_right if mark.label_anchor == "start" else mark.room_left
    assert mark.label_width <= room
