"""BG/NBD, Gamma-Gamma and the transactional CLV.

The reference is the published CDNOW fit (Fader, Hardie and Lee 2005; the
Gamma-Gamma note): BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4;
Gamma-Gamma p 6.25, q 3.74, gamma 15.44. The CDNOW summaries ship inside the
``lifetimes`` package (a test-only dependency). We only read its data files;
lifetimes itself is never imported (it breaks on current pandas/setuptools).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.special import gammaln, logsumexp

from accounts.scoring import bgnbd, gamma_gamma
from accounts.scoring.bgnbd import BgNbdParameters
from accounts.scoring.gamma_gamma import GammaGammaParameters
from accounts.scoring.hypergeometric import log_hyp2f1
from accounts.scoring.rfm import purchase_summary
from accounts.scoring.transactional import WEEKS_PER_MONTH, transactional_clv


def _cdnow(name: str) -> np.ndarray:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(
            "lifetimes is not installed; it carries the CDNOW reference data "
            "(pip install lifetimes)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / name
    if not path.exists():
        pytest.skip(f"this lifetimes release has no {name}")
    return np.genfromtxt(path, delimiter=",", names=True)


@pytest.fixture(scope="module")
def cdnow() -> np.ndarray:
    """2,357 CDNOW customers, weeks: ID, x, t_x, T, zbar (mean repeat purchase value)."""
    return _cdnow("cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def cdnow_purchases(cdnow: np.ndarray) -> bgnbd.BgNbdFit:
    return bgnbd.fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


@pytest.fixture(scope="module")
def cdnow_spend(cdnow: np.ndarray) -> gamma_gamma.GammaGammaFit:
    return gamma_gamma.fit(cdnow["x"], cdnow["zbar"])


def test_bgnbd_reproduces_the_published_cdnow_fit(cdnow_purchases: bgnbd.BgNbdFit) -> None:
    fit = cdnow_purchases
    assert fit.customers == 2357
    assert fit.converged
    assert round(fit.params.r, 3) == 0.243
    assert round(fit.params.alpha, 3) == 4.414
    assert round(fit.params.a, 3) == 0.793
    assert round(fit.params.b, 3) == 2.426
    assert round(fit.log_likelihood, 1) == -9582.4


def test_bgnbd_standard_errors_on_cdnow(cdnow_purchases: bgnbd.BgNbdFit) -> None:
    """lifetimes 0.11.3 reports se r 0.0126, alpha 0.378, a 0.186, b 0.705 on the same data."""
    errors = cdnow_purchases.standard_errors
    assert errors.r == pytest.approx(0.0126, rel=0.01)
    assert errors.alpha == pytest.approx(0.378, rel=0.01)
    assert errors.a == pytest.approx(0.186, rel=0.01)
    assert errors.b == pytest.approx(0.705, rel=0.01)


def test_bgnbd_also_fits_the_plain_summary_file() -> None:
    data = _cdnow("cdnow_customers_summary.csv")
    fit = bgnbd.fit(data["frequency"], data["recency"], data["T"])
    assert round(fit.log_likelihood, 1) == -9582.4


def test_gamma_gamma_reproduces_the_published_cdnow_fit(
    cdnow_spend: gamma_gamma.GammaGammaFit,
) -> None:
    fit = cdnow_spend
    assert fit.customers == 946  # the repeat buyers
    assert round(fit.params.p, 2) == 6.25
    assert round(fit.params.q, 2) == 3.74
    assert round(fit.params.gamma, 2) == 15.45  # published rounded down to 15.44; 15.4477


def test_cdnow_predictions_match_lifetimes(
    cdnow: np.ndarray, cdnow_purchases: bgnbd.BgNbdFit, cdnow_spend: gamma_gamma.GammaGammaFit
) -> None:
    """Customers 1 and 2 (x 2, t_x 30.43 / x 1, t_x 1.71; T 38.86 weeks).

    lifetimes 0.11.3 on the same fits: P(alive) 0.72661 and 0.21223; 12-month
    CLV at 1 % a month, 4.345 weeks a month: 36.2785 and 4.63747.
    """
    first_two = slice(0, 2)
    x, t_x, T = cdnow["x"][first_two], cdnow["t_x"][first_two], cdnow["T"][first_two]
    alive = bgnbd.probability_alive(cdnow_purchases.params, x, t_x, T)
    assert alive == pytest.approx([0.72661, 0.21223], abs=1e-5)
    clv = transactional_clv(
        cdnow_purchases.params,
        cdnow_spend.params,
        frequency=x,
        recency=t_x,
        T=T,
        monetary_value=cdnow["zbar"][first_two],
        margin_ratio=1.0,
        months=12,
        monthly_discount_rate=0.01,
        time_units_per_month=WEEKS_PER_MONTH,
    )
    assert clv == pytest.approx([36.2785, 4.63747], rel=1e-5)


# --- hand-checked formulas -------------------------------------------------------------

PARAMS = BgNbdParameters(r=1.0, alpha=1.0, a=1.0, b=2.0)


def test_probability_alive_by_hand() -> None:
    """r = alpha = a = 1, b = 2; x = 2, t_x = 3, T = 5.

    odds of having dropped = a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
                           = 1/3 * (6/4) ** 3 = 1/3 * 3.375 = 1.125
    P(alive) = 1 / (1 + 1.125) = 0.470588...; with x = 0 nobody can have dropped: 1.
    """
    alive = bgnbd.probability_alive(PARAMS, [2, 0], [3, 0], [5, 5])
    assert alive == pytest.approx([1 / 2.125, 1.0])


def test_log_likelihood_of_a_customer_without_repeat_purchases_by_hand() -> None:
    """x = 0: LL = r * ln(alpha / (alpha + T)); r = 1, alpha = 1, T = 1 -> ln(1/2)."""
    assert bgnbd.log_likelihood(PARAMS, [0], [0], [1]) == pytest.approx([math.log(0.5)])


def test_log_likelihood_of_a_repeat_buyer_by_hand() -> None:
    """r = alpha = a = 1, b = 2; x = 1, t_x = 1, T = 2.

    Gamma(r + x) / Gamma(r) * alpha^r = 1;  B(a, b + x) / B(a, b) = (1/3) / (1/2) = 2/3
    alive:   (alpha + T)^-(r+x)                  = 3^-2 = 1/9
    dropped: a / (b + x - 1) * (alpha + t_x)^-(r+x) = 1/2 * 2^-2 = 1/8
    LL = ln(2/3 * (1/9 + 1/8)) = ln(2/3 * 17/72) = ln(17/108)
    """
    assert bgnbd.log_likelihood(PARAMS, [1], [1], [2]) == pytest.approx([math.log(17 / 108)])


def test_new_customer_expectation_equals_the_unconditional_one() -> None:
    """x = t_x = T = 0 is a customer who just made its first purchase: eq. (10) -> eq. (9)."""
    params = BgNbdParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
    t = np.array([1.0, 10.0, 52.0, 500.0])
    assert bgnbd.conditional_expected_purchases(params, t, 0, 0, 0) == pytest.approx(
        bgnbd.expected_purchases(params, t), rel=1e-10
    )


def test_expected_purchases_of_cdnow_by_hand_reference() -> None:
    """E[X(t)] with the CDNOW parameters; lifetimes gives 0.053185, 0.431761, 2.150774."""
    params = BgNbdParameters(r=0.242593, alpha=4.413532, a=0.792886, b=2.425752)
    assert bgnbd.expected_purchases(params, [1, 10, 100]) == pytest.approx(
        [0.053185, 0.431761, 2.150774], rel=1e-5
    )


def test_gamma_gamma_expected_value_by_hand() -> None:
    """p = 6, q = 4, gamma = 15; x = 2, m = 30:  6 * (15 + 60) / (12 + 4 - 1) = 30.

    x = 0 gets the population mean p * gamma / (q - 1) = 90 / 3 = 30 too;
    x = 2, m = 60 -> 6 * 135 / 15 = 54.
    """
    params = GammaGammaParameters(p=6, q=4, gamma=15)
    value = gamma_gamma.conditional_expected_average_value(params, [2, 0, 2], [30, 0, 60])
    assert value == pytest.approx([30, 30, 54])
    with pytest.raises(ValueError, match="q <= 1"):
        gamma_gamma.conditional_expected_average_value(
            GammaGammaParameters(p=6, q=1, gamma=15), [1], [1]
        )


def test_transactional_clv_of_one_month_by_hand() -> None:
    """One month: E[purchases in (T, T + 30)] * E[value] * margin ratio / 1.01."""
    purchases = BgNbdParameters(r=0.5, alpha=20.0, a=0.8, b=2.5)
    spend = GammaGammaParameters(p=6, q=4, gamma=15)
    expected = bgnbd.conditional_expected_purchases(purchases, 30, [3], [200], [300])[0]
    value = gamma_gamma.conditional_expected_average_value(spend, [3], [40])[0]
    clv = transactional_clv(
        purchases,
        spend,
        frequency=[3],
        recency=[200],
        T=[300],
        monetary_value=[40],
        margin_ratio=[0.25],
        months=1,
    )
    assert clv == pytest.approx([expected * value * 0.25 / 1.01])


# --- synthetic recovery ------------------------------------------------------------------


def _simulate_bgnbd(
    rng: np.random.Generator, params: BgNbdParameters, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Draw (x, t_x) per customer from the BG/NBD story, vectorised over customers."""
    n = T.size
    rate = rng.gamma(params.r, 1 / params.alpha, size=n)
    dropout = rng.beta(params.a, params.b, size=n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    now = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        now[idx] += rng.exponential(1 / rate[idx])
        bought = now[idx] <= T[idx]
        buyers = idx[bought]
        x[buyers] += 1
        t_x[buyers] = now[buyers]
        active[idx[~bought]] = False
        # Dropout happens right after a repeat purchase.
        active[buyers[rng.random(buyers.size) < dropout[buyers]]] = False
    return x, t_x


def test_synthetic_data_recovers_the_true_parameters_within_two_standard_errors() -> None:
    """5,000 customers aged 26-52 weeks drawn from known parameters (fixed seed)."""
    rng = np.random.default_rng(20240611)
    truth = BgNbdParameters(r=0.25, alpha=4.0, a=0.8, b=2.5)
    T = rng.uniform(26, 52, size=5000)
    x, t_x = _simulate_bgnbd(rng, truth, T)
    fit = bgnbd.fit(x, t_x, T)
    for name in ("r", "alpha", "a", "b"):
        estimate, error = getattr(fit.params, name), getattr(fit.standard_errors, name)
        assert abs(estimate - getattr(truth, name)) < 2 * error, name

    spend_truth = GammaGammaParameters(p=6.0, q=3.5, gamma=15.0)
    buyers = x > 0
    nu = rng.gamma(spend_truth.q, 1 / spend_truth.gamma, size=int(buyers.sum()))
    # The mean of x gamma(p, nu) purchase values is gamma(p * x, nu) / x.
    mean_value = rng.gamma(spend_truth.p * x[buyers], 1 / nu) / x[buyers]
    spend = gamma_gamma.fit(x[buyers], mean_value)
    for name in ("p", "q", "gamma"):
        estimate, error = getattr(spend.params, name), getattr(spend.standard_errors, name)
        assert abs(estimate - getattr(spend_truth, name)) < 2 * error, name


# --- edge cases ----------------------------------------------------------------------------


def test_fit_needs_repeat_buyers() -> None:
    with pytest.raises(ValueError, match="repeat purchases"):
        bgnbd.fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(ValueError, match="at least two"):
        gamma_gamma.fit([0, 0, 3], [0, 0, 10])


def test_inconsistent_histories_are_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and the customer's age"):
        bgnbd.probability_alive(PARAMS, [2], [10], [5])
    with pytest.raises(ValueError, match="recency 0"):
        bgnbd.probability_alive(PARAMS, [0], [3], [5])
    with pytest.raises(ValueError, match="whole number"):
        bgnbd.probability_alive(PARAMS, [1.5], [3], [5])
    with pytest.raises(ValueError, match="more than 0"):
        gamma_gamma.fit([1, 2], [10, -5])


def test_mostly_one_time_buyers_fit_and_predict() -> None:
    """A model population where about 85 % never buy again (r small): fit, P(alive), predictions."""
    rng = np.random.default_rng(3)
    T = rng.uniform(10, 50, size=3000)
    x, t_x = _simulate_bgnbd(rng, BgNbdParameters(r=0.05, alpha=4.0, a=0.8, b=2.5), T)
    assert (x == 0).mean() > 0.8
    fit = bgnbd.fit(x, t_x, T)
    assert fit.converged
    alive = bgnbd.probability_alive(fit.params, x, t_x, T)
    assert np.all(alive[x == 0] == 1.0)
    future = bgnbd.conditional_expected_purchases(fit.params, 52, x, t_x, T)
    assert np.all(np.isfinite(future)) and np.all(future >= 0)
    # Someone who bought 0 times expects fewer purchases than a recent repeat buyer.
    assert future[x == 0].max() < future[(x >= 3) & (t_x > 0.9 * T)].min()


def test_data_without_any_dropout_signal_still_gives_finite_predictions() -> None:
    """Repeat buyers spread uniformly, no sign of dropping out: a and b run off together
    (the likelihood is flat along p = a / (a + b)); the fit says it did not converge, the
    standard errors are undefined, and the predictions stay usable."""
    rng = np.random.default_rng(3)
    T = rng.uniform(10, 50, size=2000)
    x = np.where(rng.random(2000) < 0.9, 0, rng.integers(1, 5, size=2000)).astype(float)
    t_x = np.where(x > 0, T * rng.random(2000), 0.0)
    fit = bgnbd.fit(x, t_x, T)
    assert fit.params.a > 1e4 and fit.params.b > 1e4
    future = bgnbd.conditional_expected_purchases(fit.params, 52, x, t_x, T)
    assert np.all(np.isfinite(future)) and np.all(future >= 0)


def test_huge_ages_and_heavy_buyers_stay_finite() -> None:
    """T = 1e6 and x = 5,000: the raw odds (1e6 / 2) ** 5000 overflow; the guarded ones do not."""
    params = BgNbdParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
    x = np.array([5000.0, 5000.0, 0.0])
    t_x = np.array([999_990.0, 1.0, 0.0])
    T = np.array([1e6, 1e6, 1e6])
    alive = bgnbd.probability_alive(params, x, t_x, T)
    assert alive[1] == 0.0 and alive[2] == 1.0
    assert 0 < alive[0] < 1
    future = bgnbd.conditional_expected_purchases(params, [10.0, 1e4, 1e9], x[0], t_x[0], T[0])
    assert np.all(np.isfinite(future))
    assert np.all(np.diff(future) > 0)


def _log_hyp2f1_by_series(a: float, b: float, c: float, z: float) -> float:
    """Reference: the defining series summed in log space over enough terms to converge."""
    n = np.arange(0, 3_000_000, dtype=float)
    log_terms = (
        gammaln(a + n)
        - gammaln(a)
        + gammaln(b + n)
        - gammaln(b)
        - gammaln(c + n)
        + gammaln(c)
        - gammaln(n + 1)
        + n * math.log(z)
    )
    assert log_terms[-1] < log_terms.max() - 40, "series not converged"
    return float(logsumexp(log_terms))


@pytest.mark.parametrize(
    ("x", "z"),
    [(0, 0.3), (5, 0.9), (40, 0.999), (200, 0.999), (2, 0.9999)],
)
def test_guarded_hypergeometric_function_near_one(x: int, z: float) -> None:
    """BG/NBD's 2F1(r + x, b + x; a + b + x - 1; z) against its series, where plain hyp2f1 fails.

    For x = 200, z = 0.999 the value is about exp(1300): scipy's hyp2f1 returns inf.
    """
    r, a, b = 0.243, 0.793, 2.426
    expected = _log_hyp2f1_by_series(r + x, b + x, a + b + x - 1, z)
    assert log_hyp2f1(r + x, b + x, a + b + x - 1, z) == pytest.approx(expected, rel=1e-9)


def test_purchase_summary_of_returns_only_has_no_buyers() -> None:
    """Lines whose days sum to zero or less (returns) are no purchase; nobody is a buyer."""
    summary = purchase_summary(
        [0, 0, 1], [0, 5, 3], [-10.0, -2.0, 0.0], customers=2, observation_end=9
    )
    assert not summary.has_purchases.any()
    assert summary.frequency.tolist() == [0.0, 0.0]
    assert summary.T.tolist() == [0.0, 0.0]
