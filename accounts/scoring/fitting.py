"""Maximum-likelihood fitting shared by the BG/NBD and Gamma-Gamma models.

Both models have a handful of positive parameters. We optimise their
logarithms (so every step of the optimiser stays in the valid region) with
L-BFGS-B and the analytic gradient each model provides, then take standard
errors from the inverse Hessian of the negative log-likelihood. The Hessian is
the central-difference derivative of the analytic gradient, which is far more
accurate than second differences of the likelihood itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

#: Returns the *total* negative log-likelihood and its gradient with respect to
#: the log-parameters.
Objective = Callable[[NDArray], tuple[float, NDArray]]

#: exp(+-30) is far outside any sensible parameter; the bound only keeps a bad
#: first step of the optimiser from overflowing.
LOG_BOUND = 30.0


#: Largest gradient component of the *mean* negative log-likelihood (per customer,
#: in log-parameters) accepted as an optimum.
GRADIENT_TOLERANCE = 1e-5


class FitFailed(RuntimeError):
    """The optimiser did not find a maximum of the likelihood."""


@dataclass(frozen=True)
class LogParameterFit:
    log_params: NDArray
    negative_log_likelihood: float
    converged: bool
    iterations: int
    message: str


def minimise_log_parameters(
    objective: Objective, initial_log_params: NDArray, *, scale: float
) -> LogParameterFit:
    """Minimise ``objective`` (divided by ``scale``, usually the number of customers).

    Dividing by the number of customers keeps the gradient of order one whatever
    the size of the data, so the same tolerances work for 2,000 and 2,000,000
    customers.
    """

    def scaled(log_params: NDArray) -> tuple[float, NDArray]:
        value, gradient = objective(log_params)
        return value / scale, gradient / scale

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(initial_log_params)
    result = minimize(
        scaled,
        np.asarray(initial_log_params, dtype=float),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-8},
    )
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
        raise FitFailed(f"The likelihood could not be maximised: {result.message}")
    return LogParameterFit(
        log_params=result.x,
        negative_log_likelihood=float(result.fun * scale),
        # "ABNORMAL" line-search ends happen at the optimum too, when the next
        # step is below rounding noise; a vanishing gradient is what counts.
        converged=bool(result.success) or bool(np.max(np.abs(result.jac)) < GRADIENT_TOLERANCE),
        iterations=int(result.nit),
        message=str(result.message),
    )


def standard_errors(objective: Objective, log_params: NDArray) -> NDArray:
    """Standard errors of exp(log_params) from the inverse Hessian at the optimum.

    The Hessian is taken in log-parameters (better conditioned) and carried to
    the natural parameters by the delta method: se(theta) = theta * se(log theta),
    valid at the optimum where the gradient vanishes. ``NaN`` when the Hessian
    is singular (a flat likelihood: the data cannot pin the parameter down).
    """
    k = len(log_params)
    hessian = np.empty((k, k))
    for j in range(k):
        step = 1e-5 * max(1.0, abs(log_params[j]))
        up = log_params.copy()
        down = log_params.copy()
        up[j] += step
        down[j] -= step
        hessian[:, j] = (objective(up)[1] - objective(down)[1]) / (2 * step)
    hessian = (hessian + hessian.T) / 2
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan)
    variances = np.diag(covariance)
    with np.errstate(invalid="ignore"):
        log_errors = np.where(variances > 0, np.sqrt(variances), np.nan)
    return np.exp(log_params) * log_errors
