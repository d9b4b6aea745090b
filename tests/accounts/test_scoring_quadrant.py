"""Relationship method: loyalty x profitability."""

from __future__ import annotations

import numpy as np
import pytest

from accounts.scoring.quadrant import (
    RELATIONSHIPS,
    Relationship,
    RelationshipThresholds,
    classify,
    classify_many,
    loyalty,
    margin_percentage,
)

THRESHOLDS = RelationshipThresholds(loyalty=2 / 3, profitability=0.10)


def test_loyalty_is_the_share_of_recent_years_with_purchases() -> None:
    """Last 3 of 4 years (oldest first):
    (900, 100, 0, 50)   -> bought in 2 of the last 3 -> 2/3 (the old 900 is outside)
    (NaN, NaN, NaN, 10) -> new customer, 1 of 3       -> 1/3
    (5, 5, 5, 5)        -> 3 of 3                     -> 1
    (10, -4, 10, 0)     -> returns only is no purchase -> 1/3
    """
    sales = [[900, 100, 0, 50], [np.nan, np.nan, np.nan, 10], [5, 5, 5, 5], [10, -4, 10, 0]]
    assert loyalty(sales, last_years=3) == pytest.approx([2 / 3, 1 / 3, 1, 1 / 3])
    assert loyalty([1, 0, 1], last_years=3) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="at least that many years"):
        loyalty([1, 2], last_years=3)


def test_margin_percentage_is_undefined_without_net_sales() -> None:
    """20 / 100 = 0.2; -5 / 50 = -0.1; no sales -> NaN."""
    result = margin_percentage([100, 50, 0], [20, -5, -3])
    assert result[:2] == pytest.approx([0.2, -0.1])
    assert np.isnan(result[2])


def test_the_four_quadrants_by_hand() -> None:
    """Thresholds: loyal from 2/3 of years, profitable from 10 % margin (both inclusive).

    loyalty 1.0,  margin 25 %  -> friend
    loyalty 1/3,  margin 25 %  -> butterfly
    loyalty 1/3,  margin  2 %  -> stranger
    loyalty 2/3,  margin -5 %  -> vulture  (2/3 is exactly the threshold: loyal)
    loyalty 1.0,  margin 10 %  -> friend   (exactly 10 %: profitable)
    loyalty 1.0,  no net sales -> vulture
    """
    codes = classify_many(
        [1.0, 1 / 3, 1 / 3, 2 / 3, 1.0, 1.0],
        [0.25, 0.25, 0.02, -0.05, 0.10, np.nan],
        THRESHOLDS,
    )
    assert [RELATIONSHIPS[c] for c in codes] == [
        Relationship.FRIEND,
        Relationship.BUTTERFLY,
        Relationship.STRANGER,
        Relationship.VULTURE,
        Relationship.FRIEND,
        Relationship.VULTURE,
    ]
    assert codes.dtype == np.int8


def test_classify_one_customer_from_its_history() -> None:
    """Sales (0, 80, 120), margin 40 of 200 = 20 %: 2 of 3 years -> friend."""
    sales = np.array([0.0, 80.0, 120.0])
    share = float(loyalty(sales, last_years=3))
    margin = float(margin_percentage(sales.sum(), 40.0))
    assert classify(share, margin, THRESHOLDS) == Relationship.FRIEND
    assert classify(share, None, THRESHOLDS) == Relationship.VULTURE
    assert classify(0.0, 0.5, THRESHOLDS) == "butterfly"


@pytest.mark.parametrize(
    ("loyalty_threshold", "profitability", "message"),
    [(1.5, 0.1, "share of years"), (0.5, 2.0, "between -1 and 1"), (float("nan"), 0.1, "loyalty")],
)
def test_thresholds_out_of_range_are_refused(
    loyalty_threshold: float, profitability: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        RelationshipThresholds(loyalty=loyalty_threshold, profitability=profitability)
