"""Contractual CLV and the margin trend behind it."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from accounts.figures import CustomerYear
from accounts.scoring.clv import (
    InvalidValuationSettings,
    ValuationSettings,
    contractual_clv,
    contractual_clv_many,
    discount_factors,
)
from accounts.scoring.trend import margin_history_matrix, project_margins, project_margins_many


def test_clv_of_two_years_by_hand() -> None:
    """m = (100, 110), r = 0.9, d = 10 %, AC = 50.

    100 * 0.9 / 1.1       = 81.818181...
    110 * 0.81 / 1.21     = 73.636363...
    sum - 50              = 105.454545...
    """
    settings = ValuationSettings(
        discount_rate=0.1, retention=0.9, horizon_years=2, acquisition_cost=50
    )
    assert contractual_clv([100, 110], settings) == pytest.approx(105.4545454545, rel=1e-12)


def test_discount_factors_by_hand() -> None:
    """r = 0.5, d = 0 -> 0.5, 0.25, 0.125; r = 1, d = 1 -> 1/2, 1/4, 1/8."""
    assert discount_factors(discount_rate=0, retention=0.5, horizon_years=3) == pytest.approx(
        [0.5, 0.25, 0.125]
    )
    assert discount_factors(discount_rate=1, retention=1, horizon_years=3) == pytest.approx(
        [0.5, 0.25, 0.125]
    )


def test_no_retention_leaves_minus_the_acquisition_cost() -> None:
    """r = 0: the customer never buys again, CLV = -AC = -30."""
    settings = ValuationSettings(
        discount_rate=0.05, retention=0, horizon_years=5, acquisition_cost=30
    )
    assert contractual_clv([1000] * 5, settings) == -30


def test_wrong_number_of_margins_is_refused() -> None:
    settings = ValuationSettings(discount_rate=0.05, retention=0.9, horizon_years=3)
    with pytest.raises(ValueError, match="Expected 3 projected margins"):
        contractual_clv([1, 2], settings)


@pytest.mark.parametrize(
    ("changes", "setting", "message"),
    [
        ({"discount_rate": -0.01}, "discount_rate", "discount rate must be 0 or more"),
        ({"discount_rate": float("nan")}, "discount_rate", "discount rate must be a number"),
        ({"retention": 1.2}, "retention", "retention must be between 0 and 1"),
        ({"retention": -0.1}, "retention", "retention must be between 0 and 1"),
        ({"horizon_years": 0}, "horizon_years", "horizon must be between 1 and 50 years"),
        ({"horizon_years": 51}, "horizon_years", "horizon must be between 1 and 50 years"),
        ({"horizon_years": 2.5}, "horizon_years", "whole number of years"),
        ({"acquisition_cost": -5}, "acquisition_cost", "acquisition cost must be 0 or more"),
    ],
)
def test_settings_out_of_range_name_the_setting_and_range(
    changes: dict[str, float], setting: str, message: str
) -> None:
    values = {"discount_rate": 0.08, "retention": 0.9, "horizon_years": 5, "acquisition_cost": 0}
    values.update(changes)
    with pytest.raises(InvalidValuationSettings, match=message) as caught:
        ValuationSettings(**values)  # type: ignore[arg-type]
    assert caught.value.setting == setting
    assert isinstance(caught.value, ValueError)


def test_limits_of_the_ranges_are_allowed() -> None:
    ValuationSettings(discount_rate=0, retention=0, horizon_years=1, acquisition_cost=0)
    ValuationSettings(discount_rate=0, retention=1, horizon_years=50, acquisition_cost=0)


def test_many_customers_match_one_at_a_time_with_per_account_overrides() -> None:
    """Row 0 uses the workspace settings; row 1 overrides retention and a 2-year horizon.

    Row 1 by hand: m = (100, 100, [ignored]), r = 0.5, d = 0, AC = 10
    -> 100 * 0.5 + 100 * 0.25 - 10 = 65.
    """
    margins = np.array([[100.0, 110.0, 120.0], [100.0, 100.0, 999.0]])
    result = contractual_clv_many(
        margins,
        discount_rate=[0.1, 0.0],
        retention=[0.9, 0.5],
        horizon_years=[3, 2],
        acquisition_cost=[50, 10],
    )
    workspace = ValuationSettings(
        discount_rate=0.1, retention=0.9, horizon_years=3, acquisition_cost=50
    )
    assert result[0] == pytest.approx(contractual_clv(margins[0], workspace))
    assert result[1] == pytest.approx(65.0)


def test_many_customers_validate_every_override() -> None:
    with pytest.raises(InvalidValuationSettings, match="retention") as caught:
        contractual_clv_many(
            np.ones((3, 2)), discount_rate=0.1, retention=[0.9, 1.5, 0.9], horizon_years=2
        )
    assert caught.value.setting == "retention"
    assert "1.5" in str(caught.value)
    with pytest.raises(InvalidValuationSettings) as caught:
        contractual_clv_many(
            np.ones((2, 2)), discount_rate=0.1, retention=0.9, horizon_years=[2, 0]
        )
    assert caught.value.setting == "horizon_years"
    with pytest.raises(ValueError, match="horizon of 3 years"):
        contractual_clv_many(np.ones((1, 2)), discount_rate=0.1, retention=0.9, horizon_years=3)


def test_rising_trend_continues() -> None:
    """(100, 120, 140): slope 20 a year, last level 140 -> 160, 180, 200."""
    assert project_margins([100, 120, 140], 3) == pytest.approx([160, 180, 200])


def test_noisy_history_gets_the_least_squares_line() -> None:
    """(100, 130, 110) at x = -2, -1, 0: mean x = -1, mean y = 113.33.

    Sxy = (-1)(-13.33) + 0 + (1)(-3.33) = 10, Sxx = 2 -> slope 5;
    level at x = 0: 113.33 + 5 = 118.33 -> next year 123.33, then 128.33.
    """
    assert project_margins([100, 130, 110], 2) == pytest.approx([123.3333333, 128.3333333])


def test_only_the_last_window_years_count() -> None:
    """Window 3 over (900, 0, 100, 120, 140): the 900 and 0 are ignored -> 160."""
    assert project_margins([900, 0, 100, 120, 140], 1, window=3) == pytest.approx([160])


def test_one_year_of_history_is_flat_and_no_history_is_zero() -> None:
    assert project_margins([50], 3) == pytest.approx([50, 50, 50])
    assert project_margins([np.nan, np.nan, 80], 2) == pytest.approx([80, 80])
    assert project_margins([np.nan, np.nan, np.nan], 2) == pytest.approx([0, 0])


def test_years_before_the_first_purchase_are_left_out() -> None:
    """(NaN, 60, 80): slope 20 from two years -> 100; a real 0 instead of NaN would count."""
    assert project_margins([np.nan, 60, 80], 1) == pytest.approx([100])
    # (0, 60, 80): mean x = -1, mean y = 46.67, Sxy = 46.67 + 0 + 33.33 = 80, slope 40,
    # level 46.67 + 40 = 86.67 -> next year 126.67.
    assert project_margins([0, 60, 80], 1) == pytest.approx([126.6666667])


def test_declining_profitable_customer_is_floored_at_zero() -> None:
    """(300, 200, 100): slope -100, level 100 -> 0, -100, -200 floored at min(0, 100) = 0."""
    assert project_margins([300, 200, 100], 3) == pytest.approx([0, 0, 0])


def test_loss_making_customer_keeps_its_loss_but_it_does_not_deepen() -> None:
    """(-10, -20, -30): level -30, slope -10 -> -40, -50 floored at min(0, -30) = -30."""
    assert project_margins([-10, -20, -30], 2) == pytest.approx([-30, -30])
    # An improving loss-maker is allowed to climb: (-30, -20, -10) -> 0, 10.
    assert project_margins([-30, -20, -10], 2) == pytest.approx([0, 10])


def test_matrix_projection_equals_row_by_row() -> None:
    rng = np.random.default_rng(7)
    history = rng.normal(100, 50, size=(50, 4))
    history[::5, 0] = np.nan
    many = project_margins_many(history, 6)
    for row, projected in zip(history, many, strict=True):
        assert projected == pytest.approx(project_margins(row, 6))


def test_history_matrix_from_customer_figures() -> None:
    """Customer 1 starts in 2023 and skips 2024 (a real 0); customer 2 starts in 2024."""

    def figures(customer_id: int, year: int, sales: str, cost: str) -> CustomerYear:
        return CustomerYear(
            customer_id=customer_id,
            year=year,
            net_sales=Decimal(sales),
            cost_of_goods=Decimal(cost),
            cost_to_serve=Decimal("10.00"),
            line_count=1,
        )

    matrix = margin_history_matrix(
        [
            figures(1, 2023, "100.00", "50.00"),
            figures(1, 2025, "200.00", "100.00"),
            figures(2, 2024, "80.00", "100.00"),
        ],
        customer_ids=[1, 2],
        years=[2023, 2024, 2025],
    )
    np.testing.assert_allclose(matrix, [[40, 0, 90], [np.nan, -30, 0]])


def test_trend_feeds_the_clv() -> None:
    """(100, 120, 140) -> 160, 180 at r = 1, d = 0, AC = 40: CLV = 300."""
    settings = ValuationSettings(discount_rate=0, retention=1, horizon_years=2, acquisition_cost=40)
    assert contractual_clv(project_margins([100, 120, 140], 2), settings) == pytest.approx(300)
