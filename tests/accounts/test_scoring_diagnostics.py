"""When the purchase-model fits are trusted, warned about, or set aside (pure, no Django)."""

from __future__ import annotations

import numpy as np

from accounts.scoring import bgnbd, gamma_gamma
from accounts.scoring.diagnostics import holdout_calibration, purchase_model_warnings
from accounts.scoring.gamma_gamma import GammaGammaParameters
from tests.accounts.synthetic import draw_history


def test_identical_purchases_per_customer_are_a_limiting_case_not_a_failure() -> None:
    """The demo's fit: p runs to infinity and gamma to zero, their product stays finite."""
    spend = gamma_gamma.GammaGammaFit(
        params=GammaGammaParameters(p=5.085e5, q=2.406, gamma=0.01889),
        standard_errors=GammaGammaParameters(p=float("nan"), q=0.18, gamma=float("nan")),
        log_likelihood=-2868.75,
        customers=300,
        converged=True,
        iterations=33,
    )
    warnings = purchase_model_warnings(
        None, spend, repeat_buyers=300, oldest_age=1000.0, mean_value=7000.0
    )
    assert [w.code for w in warnings] == ["gamma_gamma_p_gamma_limit"]
    assert not warnings[0].unreliable
    # The limit's prediction is each customer's own average purchase.
    x = np.array([1.0, 5.0, 30.0])
    m = np.array([2000.0, 7000.0, 15000.0])
    expected = gamma_gamma.conditional_expected_average_value(spend.params, x, m)
    assert np.allclose(expected, m, rtol=0.01)


def test_a_drop_out_parameter_at_the_bound_makes_the_fit_unreliable() -> None:
    n = 60
    frequency = np.where(np.arange(n) < 30, 12.0, 24.0)
    recency = frequency * 30
    age = recency.copy()  # every customer bought on the last day: nobody ever leaves
    purchases = bgnbd.fit(frequency, recency, age)
    warnings = purchase_model_warnings(
        purchases, None, repeat_buyers=n, oldest_age=float(age.max()), mean_value=1.0
    )
    blocking = [w for w in warnings if w.unreliable]
    assert any(w.code == "bgnbd_a_at_bound" for w in blocking), warnings
    assert "cannot tell it from zero" in blocking[0].text
    assert any(w.code == "few_repeat_buyers" and not w.unreliable for w in warnings)


def test_the_holdout_check_compares_like_with_like() -> None:
    history = draw_history(customers=800, seed=2)
    check = holdout_calibration(
        history.customer,
        history.day,
        history.amount,
        customers=history.customers,
        calibration_end=700,
        holdout_end=int(history.day.max()),
    )
    assert check.customers == len(np.unique(history.customer[history.day <= 700]))
    assert sum(row.customers for row in check.rows) == check.customers
    assert abs(check.predicted_total - check.actual_total) < 0.15 * check.actual_total
