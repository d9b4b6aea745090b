"""The Pareto check: ranks, shares, Lorenz curve, Gini."""

from __future__ import annotations

import numpy as np
import pytest

from accounts.scoring.pareto import gini, lorenz_points, pareto_summary


def test_small_book_by_hand() -> None:
    """Values 50, 30, 10, 5, 5 (total 100), given out of order.

    Cumulative shares by rank: 0.50, 0.80, 0.90, 0.95, 1.00
    -> 40 % and 50 % at rank 1, 80 % at rank 2; the top 3 hold 90 %.
    Gini, ascending 5, 5, 10, 30, 50: sum(i * v) = 5 + 10 + 30 + 120 + 250 = 415,
    G = 2 * 415 / (5 * 100) - 6 / 5 = 1.66 - 1.2 = 0.46.
    """
    summary = pareto_summary([10, 50, 5, 30, 5])
    assert list(summary.order[:2]) == [1, 3]
    assert summary.cumulative_share == pytest.approx([0.5, 0.8, 0.9, 0.95, 1.0])
    assert summary.rank_reaching == {0.4: 1, 0.5: 1, 0.8: 2}
    assert summary.share_of_top(3) == pytest.approx(0.9)
    assert summary.share_of_top(99) == pytest.approx(1.0)
    assert summary.share_of_top(0) == 0.0
    assert summary.gini == pytest.approx(0.46)
    assert summary.negative_count == 0


def test_lorenz_points_by_hand_and_their_area_gives_the_gini() -> None:
    """Ascending 5, 5, 10, 30, 50: (0, 0), (.2, .05), (.4, .1), (.6, .2), (.8, .5), (1, 1).

    Trapezoids: 0.1 * (0.05 + 0.15 + 0.3 + 0.7 + 1.5) = 0.27; 1 - 2 * 0.27 = 0.46.
    """
    points = lorenz_points([10, 50, 5, 30, 5])
    np.testing.assert_allclose(
        points, [(0, 0), (0.2, 0.05), (0.4, 0.1), (0.6, 0.2), (0.8, 0.5), (1, 1)]
    )
    xs, ys = np.array(points).T
    area = float(np.sum((xs[1:] - xs[:-1]) * (ys[1:] + ys[:-1]) / 2))
    assert 1 - 2 * area == pytest.approx(gini([10, 50, 5, 30, 5]))


def test_lorenz_curve_is_downsampled_for_charts() -> None:
    values = np.random.default_rng(1).pareto(1.2, size=100_000)
    points = lorenz_points(values)
    assert len(points) <= 200
    assert points[0] == (0.0, 0.0)
    assert points[-1] == (1.0, 1.0)
    ys = [y for _, y in points]
    assert ys == sorted(ys)


def test_equal_values_have_no_concentration_and_one_customer_holds_all() -> None:
    """Four equal values: G = 0; (0, 0, 0, 100): G = (n - 1) / n = 0.75."""
    assert gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 100]) == pytest.approx(0.75)


def test_negative_values_count_as_zero_and_are_reported() -> None:
    """60, 40, -20: shares of the positive total 100 -> 0.6, 1.0, 1.0; one negative, -20."""
    summary = pareto_summary([-20, 60, 40])
    assert summary.positive_total == 100
    assert summary.cumulative_share == pytest.approx([0.6, 1.0, 1.0])
    assert summary.rank_reaching[0.5] == 1
    assert summary.negative_count == 1
    assert summary.negative_total == -20
    assert summary.order[-1] == 0  # the loss-maker ranks last
    assert 0 <= summary.gini <= 1


def test_nothing_positive_reaches_no_share() -> None:
    summary = pareto_summary([0, -5])
    assert summary.rank_reaching[0.5] == 0
    assert summary.share_of_top(1) == 0.0
    assert summary.gini == 0.0


def test_seed_figure_ranks_are_reproduced_on_constructed_data() -> None:
    """The seed book: 40 % of revenue at the 8th and 50 % at the 16th of 3,776 customers.

    Constructed in whole currency units: 3,760 small customers at 133 each (500,080 = half
    of the total 1,000,160); the top 8 at 50,008 each (5 %, together 40 %); the next 8 at
    12,502 each (1.25 %, together 10 %). The top 24 then hold 50 % + 8 * 133 / 1,000,160.

    (The book also says its top 24 held 64 %; that cannot go with the two ranks above:
    ranks 9-16 add at most 10 %, so ranks 17-24 add at most 8 * 10/7 % and the top 24
    stay below 63 %. The ranks are what we reproduce.)
    """
    values = np.concatenate([np.full(8, 50_008), np.full(8, 12_502), np.full(3760, 133)])
    values = np.random.default_rng(0).permutation(values)
    summary = pareto_summary(values)
    assert summary.customers == 3776
    assert summary.rank_reaching[0.4] == 8
    assert summary.rank_reaching[0.5] == 16
    assert summary.share_of_top(24) == pytest.approx(0.5 + 8 * 133 / 1_000_160)


def test_second_seed_figure_57_percent_at_the_19th_of_2700() -> None:
    """Top 19 at 3 % each = 57 %; the other 2,681 share 43 % -> 57 % first reached at rank 19."""
    values = np.concatenate([np.full(19, 3.0), np.full(2681, 43 / 2681)])
    assert pareto_summary(values, shares=[0.57]).rank_reaching[0.57] == 19
    assert pareto_summary(values).rank_at(0.57) == 19


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        pareto_summary([1, 2], shares=[50])
    with pytest.raises(ValueError, match="must be a number"):
        pareto_summary([1, float("nan")])
