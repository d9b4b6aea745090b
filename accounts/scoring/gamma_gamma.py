"""Gamma-Gamma: how much a customer spends per purchase.

Fader, Hardie and Lee (2005), "RFM and CLV: using iso-value curves for
customer base analysis", and Hardie's note 025 ("The Gamma-Gamma model of
monetary value").

Each purchase's value is gamma distributed with shape p and a rate nu that
differs between customers; nu is itself gamma distributed (shape q, rate
gamma). The model is fitted on the customers *with* repeat purchases, from x
(their number of repeat purchases) and m (the average value of those repeat
purchases). It assumes spend does not depend on purchase frequency; check the
correlation of x and m before trusting it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import digamma, gammaln

from accounts.scoring.fitting import Objective, minimise_log_parameters, standard_errors


@dataclass(frozen=True)
class GammaGammaParameters:
    p: float
    q: float
    gamma: float


@dataclass(frozen=True)
class GammaGammaFit:
    params: GammaGammaParameters
    standard_errors: GammaGammaParameters
    log_likelihood: float
    #: Customers with repeat purchases, the only ones the model is fitted on.
    customers: int
    converged: bool
    iterations: int


def _repeat_buyers(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[NDArray, NDArray]:
    x, m = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, monetary_value)))
    if np.any(~np.isfinite(x) | (x < 0)):
        raise ValueError("Frequency (repeat purchases) must be 0 or more.")
    repeat = x > 0
    if np.any(~np.isfinite(m[repeat]) | (m[repeat] <= 0)):
        raise ValueError(
            "The average purchase value of a repeat buyer must be more than 0: the Gamma-Gamma "
            "model describes positive amounts (leave out customers whose returns outweigh sales)."
        )
    return x[repeat], m[repeat]


def _log_likelihood_and_gradient(
    log_params: NDArray, x: NDArray, m: NDArray
) -> tuple[NDArray, NDArray]:
    p, q, gamma = np.exp(log_params)
    px = p * x
    log_gamma_xm = np.log(gamma + x * m)
    log_m = np.log(m)
    value = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * log_m
        + px * np.log(x)
        - (px + q) * log_gamma_xm
    )
    psi_pxq = digamma(px + q)
    d_p = x * (psi_pxq - digamma(px) + log_m + np.log(x) - log_gamma_xm)
    d_q = psi_pxq - digamma(q) + np.log(gamma) - log_gamma_xm
    d_gamma = q / gamma - (px + q) / (gamma + x * m)
    return value, np.stack([d_p * p, d_q * q, d_gamma * gamma])


def log_likelihood(
    params: GammaGammaParameters, frequency: ArrayLike, monetary_value: ArrayLike
) -> NDArray:
    """Log-likelihood of each repeat buyer's average purchase value."""
    x, m = _repeat_buyers(frequency, monetary_value)
    return _log_likelihood_and_gradient(np.log([params.p, params.q, params.gamma]), x, m)[0]


def fit(frequency: ArrayLike, monetary_value: ArrayLike) -> GammaGammaFit:
    """Maximum-likelihood fit on the repeat buyers (customers with x = 0 are skipped)."""
    x, m = _repeat_buyers(frequency, monetary_value)
    if x.size < 2:
        raise ValueError(
            "The Gamma-Gamma model needs at least two customers with repeat purchases."
        )
    # Fit in a currency unit where the average purchase is about 1: only gamma
    # depends on the unit, and the optimiser starts next to the answer.
    money_scale = 1.0 / float(np.mean(m))

    def objective_on(money: NDArray) -> Objective:
        def objective(log_params: NDArray) -> tuple[float, NDArray]:
            value, grad = _log_likelihood_and_gradient(log_params, x, money)
            return -float(value.sum()), -grad.sum(axis=1)

        return objective

    result = minimise_log_parameters(
        objective_on(m * money_scale), np.zeros(3), scale=float(x.size)
    )
    log_params = result.log_params.copy()
    log_params[2] -= np.log(money_scale)
    objective = objective_on(m)
    errors = standard_errors(objective, log_params)
    p, q, gamma = np.exp(log_params)
    return GammaGammaFit(
        params=GammaGammaParameters(p=float(p), q=float(q), gamma=float(gamma)),
        standard_errors=GammaGammaParameters(*(float(e) for e in errors)),
        log_likelihood=-objective(log_params)[0],
        customers=int(x.size),
        converged=result.converged,
        iterations=result.iterations,
    )


def conditional_expected_average_value(
    params: GammaGammaParameters, frequency: ArrayLike, monetary_value: ArrayLike
) -> NDArray:
    """E[M | x, m]: the expected value of this customer's future purchases.

        p * (gamma + x * m) / (p * x + q - 1)

    a weighted average of the population mean p * gamma / (q - 1) and the
    customer's own average m, the weight on m growing with x. A customer
    without repeat purchases (x = 0) gets the population mean. Called "expected
    average profit" in the literature: it is profit when the amounts fed to the
    fit were profits, spend when they were sales (see ``transactional`` for the
    margin ratio).
    """
    if params.q <= 1:
        raise ValueError(
            f"The fitted Gamma-Gamma q is {params.q:.3f}; with q <= 1 the expected purchase value "
            "is infinite (a few extreme amounts dominate the data)."
        )
    x, m = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, monetary_value)))
    own = np.where(x > 0, m, 0.0)
    return params.p * (params.gamma + x * own) / (params.p * x + params.q - 1)
