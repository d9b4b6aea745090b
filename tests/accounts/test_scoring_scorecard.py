"""The six-criteria key-account scorecard."""

from __future__ import annotations

import numpy as np
import pytest

from accounts.scoring.quadrant import Relationship
from accounts.scoring.scorecard import (
    CRITERIA,
    InvalidScoreWeights,
    Scorecard,
    ScoreWeights,
    percentile_rank,
    score_customers,
)


def _three_customers(weights: ScoreWeights) -> Scorecard:
    return score_customers(
        size=[1_000, 50_000, 5_000],
        strategic_importance=[5, 1, np.nan],
        clv=[200, 100, 300],
        upv=[10, 10, 40],
        account_fit=[[5, 5, 5], [1, 3, 5], [4, np.nan, 4]],
        relationship=[
            Relationship.FRIEND,
            Relationship.VULTURE,
            Relationship.BUTTERFLY,
        ],
        weights=weights,
    )


def test_percentile_ranks_by_hand() -> None:
    """(10, 30, 20, 30): ranks 1, 3.5, 2, 3.5 -> (r - 1) / 3 = 0, 5/6, 1/3, 5/6; alone -> 1."""
    assert percentile_rank([10, 30, 20, 30]) == pytest.approx([0, 5 / 6, 1 / 3, 5 / 6])
    assert percentile_rank([42]) == pytest.approx([1.0])


def test_three_customers_by_hand_with_equal_weights() -> None:
    """Equal weights: 1/6 each.

    customer 0: size 0 (smallest), importance (5-1)/4 = 1, CLV 0.5, UPV 0.25 (tie with 1),
                fit (5-1)/4 = 1, friend 1   -> sum 3.75  -> composite 0.625
    customer 1: size 1, importance 0, CLV 0, UPV 0.25, fit (3-1)/4 = 0.5, vulture 0
                                            -> sum 1.75  -> composite 0.29167
    customer 2: size 0.5, importance missing 0, CLV 1, UPV 1, fit missing 0, butterfly 0.5
                                            -> sum 3.0   -> composite 0.5
    """
    card = _three_customers(ScoreWeights())
    np.testing.assert_allclose(
        card.scores,
        [
            [0, 1, 0.5, 0.25, 1, 1],
            [1, 0, 0, 0.25, 0.5, 0],
            [0.5, 0, 1, 1, 0, 0.5],
        ],
    )
    assert card.composite == pytest.approx([3.75 / 6, 1.75 / 6, 0.5])
    assert card.contributions.sum(axis=1) == pytest.approx(card.composite)
    assert card.missing[2].tolist() == [False, True, False, False, True, False]
    assert not card.missing[0].any()


def test_weights_are_normalised_and_change_the_ranking() -> None:
    """Only size counts (weights 3, 0, ...): the composite is the size percentile 0, 1, 0.5."""
    card = _three_customers(ScoreWeights(3, 0, 0, 0, 0, 0))
    assert card.weights == pytest.approx([1, 0, 0, 0, 0, 0])
    assert card.composite == pytest.approx([0, 1, 0.5])


def test_explanation_lists_each_criterion_largest_first() -> None:
    """Customer 2 with equal weights: CLV and UPV give 1/6 each; importance is missing."""
    rows = _three_customers(ScoreWeights()).explain(2)
    assert {row.criterion for row in rows} == set(CRITERIA)
    assert [row.criterion for row in rows[:2]] == ["clv", "upv"]
    assert rows[0].contribution == pytest.approx(1 / 6)
    assert sum(row.contribution for row in rows) == pytest.approx(0.5)
    missing = {row.criterion for row in rows if row.missing}
    assert missing == {"strategic_importance", "account_fit"}


def test_relationship_codes_from_the_quadrant_module_are_accepted() -> None:
    card = score_customers(
        size=[1, 2],
        strategic_importance=[3, 3],
        clv=[1, 2],
        upv=[1, 2],
        account_fit=[[3, 3, 3], [3, 3, 3]],
        relationship=np.array([0, 2], dtype=np.int8),  # friend, stranger
        weights=ScoreWeights(
            relationship=1, size=0, strategic_importance=0, clv=0, upv=0, account_fit=0
        ),
    )
    assert card.composite == pytest.approx([1.0, 0.25])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"clv": -1}, "weight of clv must be 0 or more"),
        ({"upv": float("nan")}, "weight of upv must be a number"),
        (
            {name: 0 for name in CRITERIA},
            "At least one criterion needs a weight above 0",
        ),
    ],
)
def test_invalid_weights_are_refused(weights: dict[str, float], message: str) -> None:
    with pytest.raises(InvalidScoreWeights, match=message):
        ScoreWeights(**weights)


def test_ratings_outside_1_to_5_are_refused() -> None:
    with pytest.raises(ValueError, match="strategic importance must be between 1 and 5"):
        score_customers(
            size=[1],
            strategic_importance=[6],
            clv=[1],
            upv=[1],
            account_fit=[[3, 3, 3]],
            relationship=[Relationship.FRIEND],
            weights=ScoreWeights(),
        )
