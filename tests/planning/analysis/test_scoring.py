"""The pure calculations: relevance, weak criteria, red/amber/green and the gap."""

from __future__ import annotations

import pytest

from planning.analysis import scoring


def test_relevance_is_importance_times_difference_from_1_to_49() -> None:
    assert scoring.relevance(1, 1) == 1
    assert scoring.relevance(7, 7) == 49
    assert scoring.relevance(6, 2) == 12


@pytest.mark.parametrize(
    ("importance", "difference", "weak"),
    [(5, 3, True), (7, 1, True), (4, 3, False), (5, 4, False), (7, 7, False)],
)
def test_weak_when_it_matters_and_we_do_not_stand_out(
    importance: int, difference: int, weak: bool
) -> None:
    assert scoring.is_weak(importance, difference) is weak


@pytest.mark.parametrize(
    ("average", "colour"),
    [(None, ""), (1.0, "red"), (2.49, "red"), (2.5, "amber"), (3.49, "amber"), (3.5, "green")],
)
def test_rag_thresholds(average: float | None, colour: str) -> None:
    assert scoring.rag(average) == colour


def test_mean_ignores_blanks_and_is_none_when_nothing_scored() -> None:
    assert scoring.mean([5, 4, 2]) == pytest.approx(3.67)
    assert scoring.mean([None, 4, None]) == 4.0
    assert scoring.mean([None, None]) is None


def test_gap_is_team_minus_reviewer_and_flagged_from_one_and_a_half() -> None:
    assert scoring.gap(4.0, 2.5) == 1.5
    assert scoring.gap_flagged(1.5)
    assert not scoring.gap_flagged(1.49)
    assert not scoring.gap_flagged(-2.0)
    assert scoring.gap(None, 3.0) is None
    assert not scoring.gap_flagged(None)


def test_scores_average_and_completeness() -> None:
    assert scoring.Scores(5, 4, 3).average == 4.0
    assert scoring.Scores(5, 4, 3).complete
    assert not scoring.Scores(5, None, 3).complete
