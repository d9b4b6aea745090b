"""BG/NBD: how many purchases a customer will make, and whether it is still active.

Fader, Hardie and Lee (2005), "Counting your customers the easy way: an
alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284, and
Hardie's note 004 for the log-likelihood.

While active, a customer buys at Poisson rate lambda (gamma distributed across
customers: shape r, rate alpha); after each repeat purchase it becomes inactive
with probability p (beta distributed: a, b). The data per customer:

* ``frequency`` x: repeat purchases (purchases after the first);
* ``recency`` t_x: time from the first to the last purchase (0 when x = 0);
* ``T``: time from the first purchase to the end of the observation.

All three in one time unit (days, weeks); ``alpha`` and any prediction period
``t`` are in the same unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, digamma, expit, gammaln

from accounts.scoring.fitting import (
    LogParameterFit,
    Objective,
    minimise_log_parameters,
    standard_errors,
)
from accounts.scoring.hypergeometric import log_hyp2f1


@dataclass(frozen=True)
class BgNbdParameters:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class BgNbdFit:
    params: BgNbdParameters
    #: From the inverse Hessian of the negative log-likelihood.
    standard_errors: BgNbdParameters
    log_likelihood: float
    customers: int
    converged: bool
    iterations: int


@dataclass(frozen=True)
class PurchaseHistory:
    """Validated (x, t_x, T) arrays of float, one entry per customer."""

    frequency: NDArray
    recency: NDArray
    T: NDArray

    @classmethod
    def of(cls, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> PurchaseHistory:
        x, t_x, age = np.broadcast_arrays(
            *(np.asarray(v, dtype=float) for v in (frequency, recency, T))
        )
        if np.any(~np.isfinite(x) | (x < 0) | (x != np.round(x))):
            raise ValueError("Frequency (repeat purchases) must be a whole number, 0 or more.")
        if np.any(~np.isfinite(t_x) | (t_x < 0) | ~np.isfinite(age) | (t_x > age)):
            raise ValueError("Recency must be between 0 and the customer's age T.")
        if np.any((x == 0) & (t_x != 0)):
            raise ValueError("A customer without repeat purchases must have recency 0.")
        return cls(frequency=x, recency=t_x, T=age)


def log_likelihood(
    params: BgNbdParameters, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> NDArray:
    """Log-likelihood of each customer's (x, t_x, T)."""
    history = PurchaseHistory.of(frequency, recency, T)
    value, _ = _log_likelihood_and_gradient(
        np.log([params.r, params.alpha, params.a, params.b]), history, gradient=False
    )
    return value


def _log_likelihood_and_gradient(
    log_params: NDArray, history: PurchaseHistory, *, gradient: bool = True
) -> tuple[NDArray, NDArray]:
    """Per-customer log-likelihood and (if asked) its gradient in log-parameters, (4, n)."""
    r, alpha, a, b = np.exp(log_params)
    x, t_x, T = history.frequency, history.recency, history.T
    repeat = x > 0
    log_alpha_T = np.log(alpha + T)
    log_alpha_tx = np.log(alpha + t_x)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    # Alive at T, or dropped out right after the last purchase (only if x > 0).
    alive_term = -(r + x) * log_alpha_T
    b_x_1 = np.where(repeat, b + x - 1, 1.0)
    dropped_term = np.where(repeat, np.log(a) - np.log(b_x_1) - (r + x) * log_alpha_tx, -np.inf)
    top = np.maximum(alive_term, dropped_term)
    weight_alive = np.exp(alive_term - top)
    weight_dropped = np.exp(dropped_term - top)
    total = weight_alive + weight_dropped
    value = a1 + a2 + top + np.log(total)
    if not gradient:
        return value, np.empty((4, 0))
    w_alive = weight_alive / total
    w_dropped = weight_dropped / total
    d_r = (
        digamma(r + x)
        - digamma(r)
        + np.log(alpha)
        - w_alive * log_alpha_T
        - w_dropped * log_alpha_tx
    )
    d_alpha = r / alpha - (r + x) * (w_alive / (alpha + T) + w_dropped / (alpha + t_x))
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + x)
    d_a = psi_ab - psi_abx + w_dropped / a
    d_b = psi_ab - psi_abx + digamma(b + x) - digamma(b) - w_dropped / b_x_1
    grad = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return value, grad


def fit(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    initial: BgNbdParameters | None = None,
) -> BgNbdFit:
    """Maximum-likelihood fit of BG/NBD to the customers' (x, t_x, T)."""
    history = PurchaseHistory.of(frequency, recency, T)
    customers = history.frequency.size
    if customers == 0 or not np.any(history.frequency > 0):
        raise ValueError("BG/NBD needs customers with repeat purchases to fit.")
    patterns, weights = _distinct_patterns(history)
    # Optimise in a time unit where the oldest customer is 10 units old (as
    # lifetimes does): the rate parameter alpha then starts near 1 whatever the
    # data's unit. Only alpha depends on the unit.
    time_scale = 10.0 / float(np.max(history.T))
    scaled = PurchaseHistory(
        frequency=patterns.frequency,
        recency=patterns.recency * time_scale,
        T=patterns.T * time_scale,
    )

    def objective_in(data: PurchaseHistory) -> Objective:
        def objective(log_params: NDArray) -> tuple[float, NDArray]:
            value, grad = _log_likelihood_and_gradient(log_params, data)
            return -float(weights @ value), -(grad @ weights)

        return objective

    start = initial or BgNbdParameters(r=1.0, alpha=1.0 / time_scale, a=1.0, b=1.0)
    start_log = np.log([start.r, start.alpha * time_scale, start.a, start.b])
    result: LogParameterFit = minimise_log_parameters(
        objective_in(scaled), start_log, scale=float(customers)
    )
    log_params = result.log_params.copy()
    log_params[1] -= np.log(time_scale)  # back to the data's time unit
    objective = objective_in(patterns)
    errors = standard_errors(objective, log_params)
    r, alpha, a, b = np.exp(log_params)
    return BgNbdFit(
        params=BgNbdParameters(r=float(r), alpha=float(alpha), a=float(a), b=float(b)),
        standard_errors=BgNbdParameters(*(float(e) for e in errors)),
        log_likelihood=-objective(log_params)[0],
        customers=customers,
        converged=result.converged,
        iterations=result.iterations,
    )


def _distinct_patterns(history: PurchaseHistory) -> tuple[PurchaseHistory, NDArray]:
    """Customers with the same (x, t_x, T) share one likelihood term, counted once."""
    x, t_x, T = history.frequency, history.recency, history.T
    # Whole days or weeks (the usual case) pack into one integer key, and a 1-D
    # unique is ten times faster than a row-wise one.
    if (
        np.all(np.round(T) == T)
        and np.all(t_x == np.round(t_x))
        and max(x.max(initial=0), T.max(initial=0)) < 2**21
    ):
        key = (x.astype(np.int64) << 42) | (t_x.astype(np.int64) << 21) | T.astype(np.int64)
        unique_keys, counts = np.unique(key, return_counts=True)
        patterns = PurchaseHistory(
            frequency=(unique_keys >> 42).astype(float),
            recency=((unique_keys >> 21) & (2**21 - 1)).astype(float),
            T=(unique_keys & (2**21 - 1)).astype(float),
        )
        return patterns, counts.astype(float)
    stacked = np.stack([x, t_x, T], axis=1)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    patterns = PurchaseHistory(frequency=unique[:, 0], recency=unique[:, 1], T=unique[:, 2])
    return patterns, counts.astype(float)


def probability_alive(
    params: BgNbdParameters, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> NDArray:
    """P(the customer is still active at T | x, t_x, T).

    1 / (1 + [x > 0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)),
    evaluated as a logistic of the log-odds so a long-silent heavy buyer gives a
    clean 0 rather than an overflow.
    """
    history = PurchaseHistory.of(frequency, recency, T)
    return expit(-_log_odds_dropped(params, history))


def _log_odds_dropped(params: BgNbdParameters, history: PurchaseHistory) -> NDArray:
    x, t_x, T = history.frequency, history.recency, history.T
    repeat = x > 0
    b_x_1 = np.where(repeat, params.b + x - 1, 1.0)
    log_odds = (
        np.log(params.a)
        - np.log(b_x_1)
        + (params.r + x) * (np.log(params.alpha + T) - np.log(params.alpha + t_x))
    )
    return np.where(repeat, log_odds, -np.inf)


def expected_purchases(params: BgNbdParameters, t: ArrayLike) -> NDArray:
    """E[X(t)]: expected purchases in (0, t] of a customer who has just made its first."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t = np.asarray(t, dtype=float)
    z = t / (alpha + t)
    log_term = r * np.log(alpha / (alpha + t)) + log_hyp2f1(r, b, a + b - 1, z)
    return (a + b - 1) / (a - 1) * -np.expm1(log_term)


def conditional_expected_purchases(
    params: BgNbdParameters, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> NDArray:
    """E[X(T, T + t) | x, t_x, T]: expected purchases in the next ``t`` time units.

    Equation (10) of Fader, Hardie and Lee (2005). ``t`` broadcasts against the
    customer arrays: pass ``t[None, :]`` and customer arrays of shape (n, 1) to
    get an (n, len(t)) matrix in one call.
    """
    x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T)))
    history = PurchaseHistory.of(x, t_x, T)
    x, t_x, T = history.frequency, history.recency, history.T
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t = np.asarray(t, dtype=float)
    z = t / (alpha + T + t)
    log_hyp = log_hyp2f1(r + x, b + x, a + b + x - 1, z)
    log_term = log_hyp + (r + x) * (np.log(alpha + T) - np.log(alpha + T + t))
    if_alive = (a + b + x - 1) / (a - 1) * -np.expm1(log_term)
    return if_alive * expit(-_log_odds_dropped(params, history))
