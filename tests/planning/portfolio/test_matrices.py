"""The pure calculations: placing, scoring, quadrants and the recommendation in words."""

from __future__ import annotations

import pytest

from planning.models import Commitment as ModelCommitment
from planning.portfolio import matrices
from planning.portfolio.matrices import Fiocca, ProfitQuadrant
from planning.portfolio.recommendation import Commitment, recommend


def test_an_account_alone_is_average_and_ties_share_the_middle() -> None:
    assert matrices.percentile_among(10, []) == 0.5
    assert matrices.percentile_among(10, [1, 2, 3]) == pytest.approx(7 / 8)
    assert matrices.percentile_among(1, [2, 3, 4]) == pytest.approx(1 / 8)
    assert matrices.percentile_among(5, [5]) == 0.5


@pytest.mark.parametrize(
    ("percentile", "score"), [(0, 1), (0.1, 1), (0.125, 2), (0.5, 3), (0.875, 5), (1, 5)]
)
def test_a_percentile_becomes_a_score_from_1_to_5(percentile: float, score: int) -> None:
    assert matrices.score_from_percentile(percentile) == score


def test_a_percentile_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        matrices.score_from_percentile(1.2)


def test_no_scores_have_no_mean_rather_than_zero() -> None:
    assert matrices.mean([]) is None
    assert matrices.mean([2, 4]) == 3


def test_key_and_difficult_begin_above_the_middle() -> None:
    assert matrices.fiocca(3.0, 3.0) is Fiocca.NON_KEY_EASY
    assert matrices.fiocca(3.2, 2.0) is Fiocca.KEY_EASY
    assert matrices.fiocca(4.0, 3.5) is Fiocca.KEY_DIFFICULT
    assert matrices.fiocca(2.0, 4.0) is Fiocca.NON_KEY_DIFFICULT


def test_profit_quadrants_split_at_or_above_the_split() -> None:
    def quadrant(present: float, potential: float) -> ProfitQuadrant:
        return matrices.profit_quadrant(present, potential, present_split=10, potential_split=20)

    assert quadrant(10, 20) is ProfitQuadrant.DESIRABLE
    assert quadrant(5, 25) is ProfitQuadrant.UNDEVELOPED
    assert quadrant(15, 5) is ProfitQuadrant.DEVELOPED
    assert quadrant(5, 5) is ProfitQuadrant.UNDESIRABLE


def test_clv_growth_is_never_negative() -> None:
    assert matrices.clv_growth(1000, 300) == 700
    assert matrices.clv_growth(100, 300) == 0


def test_the_recommendation_says_why_in_words() -> None:
    increase = recommend(fiocca=Fiocca.KEY_EASY, profit=ProfitQuadrant.UNDEVELOPED)
    assert increase is not None
    assert increase.commitment is Commitment.INCREASE
    assert increase.reason == "key and easy, low contribution now but high potential: increase"
    cease = recommend(
        fiocca=Fiocca.NON_KEY_DIFFICULT, profit=ProfitQuadrant.UNDESIRABLE, relationship="stranger"
    )
    assert cease is not None and cease.commitment is Commitment.CEASE
    assert cease.reason.endswith("a stranger (neither loyal nor profitable): cease")


@pytest.mark.parametrize(
    ("fiocca", "profit", "relationship", "commitment"),
    [
        (Fiocca.KEY_DIFFICULT, ProfitQuadrant.DESIRABLE, "friend", Commitment.INCREASE),
        (Fiocca.NON_KEY_EASY, ProfitQuadrant.UNDEVELOPED, None, Commitment.INCREASE),
        (Fiocca.NON_KEY_DIFFICULT, ProfitQuadrant.DEVELOPED, None, Commitment.REDUCE),
        (Fiocca.KEY_EASY, ProfitQuadrant.UNDESIRABLE, None, Commitment.REDUCE),
        (Fiocca.NON_KEY_EASY, ProfitQuadrant.DEVELOPED, "vulture", Commitment.REDUCE),
        (Fiocca.NON_KEY_EASY, ProfitQuadrant.DEVELOPED, "friend", Commitment.MAINTAIN),
        (Fiocca.KEY_EASY, None, None, Commitment.MAINTAIN),
        (None, ProfitQuadrant.UNDEVELOPED, None, Commitment.INCREASE),
    ],
)
def test_the_rules_in_order(
    fiocca: Fiocca | None,
    profit: ProfitQuadrant | None,
    relationship: str | None,
    commitment: Commitment,
) -> None:
    found = recommend(fiocca=fiocca, profit=profit, relationship=relationship)
    assert found is not None and found.commitment is commitment


def test_no_position_no_recommendation() -> None:
    assert recommend(fiocca=None, profit=None, relationship="friend") is None


def test_the_pure_commitments_are_the_stored_ones() -> None:
    assert [c.value for c in Commitment] == list(ModelCommitment.values)
