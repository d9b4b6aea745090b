"""Is the purchase-model fit to be trusted? Warnings in plain words, and a holdout check.

The BG/NBD and Gamma-Gamma fits (``bgnbd``, ``gamma_gamma``) always return
numbers; whether those numbers mean anything is a separate question this
module answers:

* a parameter running to the edge of what the optimiser allows (a of 6e10,
  say) means the likelihood keeps improving without limit in that direction:
  the data cannot tell that value from infinity, and predictions built on it
  are artefacts of where the optimiser stopped. Except where two parameters
  run off together towards a known limiting case of the model (all customers
  buying at one rate, each customer always spending its own average): the
  predictions of the limit are sensible, so that only warns
  (``LIMITING_CASES``);
* a singular Hessian (no standard error) means the same for a combination of
  parameters;
* an optimiser that did not converge has not found the maximum at all;
* a handful of repeat buyers pins nothing down even when the fit "works".

The first three make the fit *unreliable*: the recompute then shows no
transactional CLV (see ``accounts.score_table``). Rough estimates only warn.

Time is in days throughout (recency, T, alpha, prediction periods): the
recompute summarises sales lines per calendar day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from accounts.scoring import bgnbd, gamma_gamma
from accounts.scoring.rfm import purchase_summary

TIME_UNIT = "days"

#: A parameter (in a unit where the data's scale is 1) beyond this factor of 1
#: in either direction is taken as running to the optimiser's bounds.
BOUND_FACTOR = 1e5
#: A standard error this many times the parameter says the data hardly constrains it.
LOOSE_ERROR_FACTOR = 10.0
#: Below this many repeat buyers the estimates are rough, even when the fit converges.
FEW_REPEAT_BUYERS = 100

BGNBD_NAMES = ("r", "alpha", "a", "b")
GAMMA_GAMMA_NAMES = ("p", "q", "gamma")


@dataclass(frozen=True)
class FitWarning:
    code: str
    text: str
    #: True when the fit must not be used for predictions.
    unreliable: bool


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


#: Parameters that may run off *together* towards a limiting case of the model
#: that still predicts sensibly: (model, first, its direction, second, its
#: direction) -> what the limit means. Anything else at a bound is degenerate.
LIMITING_CASES: dict[tuple[str, str, str, str, str], str] = {
    ("bgnbd", "r", "up", "alpha", "up"): (
        "BG/NBD r and alpha run off together: active customers all buy at about the same "
        "rate. The model then uses one common purchase rate; predictions stay usable."
    ),
    ("bgnbd", "a", "up", "b", "up"): (
        "BG/NBD a and b run off together: every customer has about the same chance of "
        "stopping after a purchase. The model then uses that one chance; predictions stay usable."
    ),
    ("gamma_gamma", "p", "up", "gamma", "down"): (
        "Gamma-Gamma p runs off to infinity: the purchases of one customer hardly vary in "
        "value. The model then expects each customer to keep spending its own average."
    ),
    ("gamma_gamma", "q", "up", "gamma", "up"): (
        "Gamma-Gamma q and gamma run off together: customers hardly differ in their average "
        "purchase value. The model then expects the population's average of everyone."
    ),
}


def _direction(scaled: float) -> str:
    if not math.isfinite(scaled) or scaled > BOUND_FACTOR:
        return "up"
    if scaled < 1 / BOUND_FACTOR:
        return "down"
    return ""


def _parameter_warnings(
    model: str,
    names: tuple[str, ...],
    values: tuple[float, ...],
    errors: tuple[float, ...],
    scales: tuple[float, ...],
) -> list[FitWarning]:
    found = []
    direction = {
        name: _direction(value * scale)
        for name, value, scale in zip(names, values, scales, strict=True)
    }
    explained: set[str] = set()
    for (case_model, first, first_way, second, second_way), text in LIMITING_CASES.items():
        if (
            case_model == model
            and direction.get(first) == first_way
            and direction.get(second) == second_way
        ):
            explained |= {first, second}
            found.append(
                FitWarning(code=f"{model}_{first}_{second}_limit", text=text, unreliable=False)
            )
    for name, value, error in zip(names, values, errors, strict=True):
        if name in explained:
            continue
        if direction[name]:
            found.append(
                FitWarning(
                    code=f"{model}_{name}_at_bound",
                    text=f"{model_label(model)} parameter {name} came out at {value:.3g}, at the "
                    "edge of what the fit allows: the data cannot tell it from "
                    f"{'infinity' if direction[name] == 'up' else 'zero'}, so the model is "
                    "degenerate here.",
                    unreliable=True,
                )
            )
        elif not math.isfinite(error):
            # A flat direction left over once the limiting cases are set aside.
            if explained:
                continue
            found.append(
                FitWarning(
                    code=f"{model}_{name}_unidentified",
                    text=f"{model_label(model)} parameter {name} has no standard error (the "
                    "likelihood is flat around it): the data cannot pin it down.",
                    unreliable=True,
                )
            )
        elif error > LOOSE_ERROR_FACTOR * value:
            found.append(
                FitWarning(
                    code=f"{model}_{name}_loose",
                    text=f"{model_label(model)} parameter {name} is {value:.3g} give or take "
                    f"{error:.3g}: hardly constrained by the data. Treat predictions as rough.",
                    unreliable=False,
                )
            )
    return found


def model_label(model: str) -> str:
    return {"bgnbd": "BG/NBD", "gamma_gamma": "Gamma-Gamma"}.get(model, model)


def purchase_model_warnings(
    purchases: bgnbd.BgNbdFit | None,
    spend: gamma_gamma.GammaGammaFit | None,
    *,
    repeat_buyers: int,
    oldest_age: float,
    mean_value: float,
) -> list[FitWarning]:
    """Every reason to distrust the two fits, most serious first.

    ``oldest_age`` (the largest T, in days) and ``mean_value`` (the mean repeat
    purchase value) give the scale against which alpha and gamma are judged:
    both depend on the unit of the data, the other parameters do not.
    """
    found: list[FitWarning] = []
    if purchases is not None:
        if not purchases.converged:
            found.append(
                FitWarning(
                    code="bgnbd_not_converged",
                    text="The BG/NBD fit did not converge: the optimiser stopped before it "
                    "found the best parameters.",
                    unreliable=True,
                )
            )
        p, e = purchases.params, purchases.standard_errors
        found += _parameter_warnings(
            "bgnbd",
            BGNBD_NAMES,
            (p.r, p.alpha, p.a, p.b),
            (e.r, e.alpha, e.a, e.b),
            (1.0, 10.0 / max(oldest_age, 1.0), 1.0, 1.0),
        )
    if spend is not None:
        if not spend.converged:
            found.append(
                FitWarning(
                    code="gamma_gamma_not_converged",
                    text="The Gamma-Gamma fit did not converge: the optimiser stopped before it "
                    "found the best parameters.",
                    unreliable=True,
                )
            )
        g, s = spend.params, spend.standard_errors
        found += _parameter_warnings(
            "gamma_gamma",
            GAMMA_GAMMA_NAMES,
            (g.p, g.q, g.gamma),
            (s.p, s.q, s.gamma),
            (1.0, 1.0, 1.0 / max(mean_value, 1e-12)),
        )
        if g.q <= 1:
            found.append(
                FitWarning(
                    code="gamma_gamma_q_below_one",
                    text=f"Gamma-Gamma q is {g.q:.3f}; at 1 or below the expected purchase value "
                    "is infinite (a few extreme amounts dominate the data).",
                    unreliable=True,
                )
            )
    if repeat_buyers < FEW_REPEAT_BUYERS:
        found.append(
            FitWarning(
                code="few_repeat_buyers",
                text=f"Only {repeat_buyers:,} customers bought more than once; the models learn "
                f"from repeat buyers, and with fewer than {FEW_REPEAT_BUYERS} the estimates "
                "are rough.",
                unreliable=False,
            )
        )
    found.sort(key=lambda w: not w.unreliable)
    return found


def fit_as_dict(fit: bgnbd.BgNbdFit | gamma_gamma.GammaGammaFit) -> dict[str, object]:
    """A fit as JSON (``None`` where a number is not finite: JSON has no NaN)."""
    return {
        "params": {k: _finite_or_none(v) for k, v in vars(fit.params).items()},
        "standard_errors": {k: _finite_or_none(v) for k, v in vars(fit.standard_errors).items()},
        "log_likelihood": _finite_or_none(fit.log_likelihood),
        "customers": fit.customers,
        "converged": fit.converged,
        "iterations": fit.iterations,
    }


# -- a holdout check -----------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationRow:
    """Customers with the same number of repeat purchases in the calibration period."""

    frequency: int  # the last row collects this many and more
    customers: int
    predicted: float  # mean repeat purchases in the holdout, as the model predicts them
    actual: float  # mean purchases actually made in the holdout


@dataclass(frozen=True)
class HoldoutCalibration:
    fit: bgnbd.BgNbdFit
    holdout_days: int
    customers: int
    predicted_total: float
    actual_total: float
    rows: list[CalibrationRow]


def holdout_calibration(
    customer: ArrayLike,
    day: ArrayLike,
    amount: ArrayLike,
    *,
    customers: int,
    calibration_end: int,
    holdout_end: int,
    max_frequency: int = 7,
) -> HoldoutCalibration:
    """Fit BG/NBD on the days up to ``calibration_end``, then compare with what came after.

    ``day`` counts days from the start of the history (0 = first line);
    lines after ``holdout_end`` are ignored. Only customers who bought in the
    calibration period are compared (the model says nothing of newcomers). A
    holdout purchase is a customer-day whose lines net to more than zero, as in
    the calibration summary.
    """
    customer_index = np.asarray(customer).astype(np.int64)
    day_number = np.asarray(day).astype(np.int64)
    amounts = np.asarray(amount, dtype=float)
    if not 0 <= calibration_end < holdout_end:
        raise ValueError(
            "The holdout must start after the first sales line and end after it starts."
        )
    before = day_number <= calibration_end
    summary = purchase_summary(
        customer_index[before],
        day_number[before],
        amounts[before],
        customers=customers,
        observation_end=calibration_end,
    )
    buyers = summary.has_purchases
    x, t_x, age = summary.frequency[buyers], summary.recency[buyers], summary.T[buyers]
    fit = bgnbd.fit(x, t_x, age)
    horizon = holdout_end - calibration_end
    predicted = bgnbd.conditional_expected_purchases(fit.params, horizon, x, t_x, age)
    after = ~before & (day_number <= holdout_end)
    actual_all = _purchase_days(customer_index[after], day_number[after], amounts[after], customers)
    actual = actual_all[buyers]
    bucket = np.minimum(x, max_frequency).astype(np.int64)
    rows = []
    for value in range(max_frequency + 1):
        members = bucket == value
        count = int(members.sum())
        if count:
            rows.append(
                CalibrationRow(
                    frequency=value,
                    customers=count,
                    predicted=float(predicted[members].mean()),
                    actual=float(actual[members].mean()),
                )
            )
    return HoldoutCalibration(
        fit=fit,
        holdout_days=horizon,
        customers=int(buyers.sum()),
        predicted_total=float(predicted.sum()),
        actual_total=float(actual.sum()),
        rows=rows,
    )


def _purchase_days(customer: NDArray, day: NDArray, amount: NDArray, customers: int) -> NDArray:
    """Purchases (customer-days netting above zero) per customer."""
    if customer.size == 0:
        return np.zeros(customers)
    span = int(day.max()) + 1
    keys, inverse = np.unique(customer * span + day, return_inverse=True)
    totals = np.bincount(inverse, weights=amount, minlength=keys.size)
    bought = keys[totals > 0] // span
    return np.bincount(bought, minlength=customers).astype(float)


# -- per customer --------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerPredictions:
    probability_alive: NDArray
    expected_purchases: NDArray  # in the next ``horizon_days``
    expected_value: NDArray  # per future purchase; NaN without a usable spend model


def customer_predictions(
    purchases: bgnbd.BgNbdParameters,
    spend: gamma_gamma.GammaGammaParameters | None,
    *,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    horizon_days: float = 365.0,
) -> CustomerPredictions:
    """What the two models say about each customer (time in days)."""
    x, t_x, age, m = (np.asarray(v, dtype=float) for v in (frequency, recency, T, monetary_value))
    alive = bgnbd.probability_alive(purchases, x, t_x, age)
    expected = bgnbd.conditional_expected_purchases(purchases, horizon_days, x, t_x, age)
    if spend is not None and spend.q > 1:
        value = gamma_gamma.conditional_expected_average_value(spend, x, np.maximum(m, 0.0))
    else:
        value = np.full(x.shape, np.nan)
    return CustomerPredictions(
        probability_alive=alive, expected_purchases=expected, expected_value=value
    )
