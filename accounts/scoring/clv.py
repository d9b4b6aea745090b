"""Contractual customer lifetime value.

    CLV = sum over t = 1..T of m_t * r**t / (1 + d)**t  -  AC

with projected annual contribution margin m_t (see ``trend``), retention
probability r (the chance the customer still buys in year t is r**t), annual
discount rate d, horizon T in years and acquisition cost AC. Year 1 is the
first year *after* the history, so it is already discounted once: margins are
booked at the end of each year.

The settings come from the workspace with per-account overrides, so they are
validated here, where every caller passes through, and a mistake names the
setting and the range it must be in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

MAX_HORIZON_YEARS = 50


class InvalidValuationSettings(ValueError):
    """A valuation setting outside its allowed range; ``setting`` names it."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


@dataclass(frozen=True)
class ValuationSettings:
    """Workspace (or per-account) settings of the contractual CLV.

    ``discount_rate`` and ``retention`` are fractions per year (0.08 for 8 %).
    Constructing one validates it.
    """

    discount_rate: float
    retention: float
    horizon_years: int
    acquisition_cost: float = 0.0

    def __post_init__(self) -> None:
        validate_settings(
            discount_rate=self.discount_rate,
            retention=self.retention,
            horizon_years=self.horizon_years,
            acquisition_cost=self.acquisition_cost,
        )


def _finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise InvalidValuationSettings(name, f"The {name.replace('_', ' ')} must be a number.")


def validate_settings(
    *, discount_rate: float, retention: float, horizon_years: int, acquisition_cost: float
) -> None:
    """Raise ``InvalidValuationSettings`` naming the first setting out of range."""
    _finite("discount_rate", discount_rate)
    if discount_rate < 0:
        raise InvalidValuationSettings(
            "discount_rate",
            f"The discount rate must be 0 or more (0.08 means 8 % a year); got {discount_rate}.",
        )
    _finite("retention", retention)
    if not 0 <= retention <= 1:
        raise InvalidValuationSettings(
            "retention",
            f"The retention must be between 0 and 1 (0.9 means 90 % of customers stay "
            f"each year); got {retention}.",
        )
    if (
        isinstance(horizon_years, bool)
        or not math.isfinite(horizon_years)
        or int(horizon_years) != horizon_years
    ):
        raise InvalidValuationSettings(
            "horizon_years", f"The horizon must be a whole number of years; got {horizon_years}."
        )
    if not 1 <= horizon_years <= MAX_HORIZON_YEARS:
        raise InvalidValuationSettings(
            "horizon_years",
            f"The horizon must be between 1 and {MAX_HORIZON_YEARS} years; got {horizon_years}.",
        )
    _finite("acquisition_cost", acquisition_cost)
    if acquisition_cost < 0:
        raise InvalidValuationSettings(
            "acquisition_cost",
            f"The acquisition cost must be 0 or more; got {acquisition_cost}.",
        )


def discount_factors(*, discount_rate: float, retention: float, horizon_years: int) -> NDArray:
    """``r**t / (1 + d)**t`` for t = 1..T: what one unit of margin in year t is worth today."""
    t = np.arange(1, horizon_years + 1, dtype=float)
    return retention**t / (1.0 + discount_rate) ** t


def contractual_clv(margins: ArrayLike, settings: ValuationSettings) -> float:
    """CLV of one customer from projected margins m_1..m_T (``len(margins)`` must be T)."""
    projected = np.asarray(margins, dtype=float)
    if projected.shape != (settings.horizon_years,):
        raise ValueError(
            f"Expected {settings.horizon_years} projected margins, one per year of the "
            f"horizon; got shape {projected.shape}."
        )
    factors = discount_factors(
        discount_rate=settings.discount_rate,
        retention=settings.retention,
        horizon_years=settings.horizon_years,
    )
    return float(projected @ factors - settings.acquisition_cost)


def contractual_clv_many(
    margins: ArrayLike,
    *,
    discount_rate: ArrayLike,
    retention: ArrayLike,
    horizon_years: ArrayLike,
    acquisition_cost: ArrayLike = 0.0,
) -> NDArray:
    """CLV of many customers at once.

    ``margins`` is an (n, T_max) matrix of projected margins, row i for customer
    i, column t-1 for year t. Each setting is a scalar (the workspace setting)
    or an array of n values (per-account overrides); years beyond a customer's
    own horizon are ignored, so T_max only needs to cover the largest horizon.
    """
    projected = np.asarray(margins, dtype=float)
    if projected.ndim != 2:
        raise ValueError(
            f"Expected a 2-D margin matrix (customers x years); got {projected.ndim}-D."
        )
    n, width = projected.shape
    d = np.broadcast_to(np.asarray(discount_rate, dtype=float), (n,))
    r = np.broadcast_to(np.asarray(retention, dtype=float), (n,))
    horizon = np.broadcast_to(np.asarray(horizon_years), (n,))
    cost = np.broadcast_to(np.asarray(acquisition_cost, dtype=float), (n,))
    _validate_arrays(d, r, horizon, cost)
    if n and horizon.max() > width:
        raise ValueError(
            f"The margin matrix has {width} years but a horizon of {horizon.max()} years was asked."
        )
    t = np.arange(1, width + 1, dtype=float)
    # (r / (1 + d)) ** t in one power: one (n, T) array, no per-customer loop.
    factors = (r / (1.0 + d))[:, None] ** t[None, :]
    factors[t[None, :] > horizon[:, None]] = 0.0
    return np.einsum("ij,ij->i", projected, factors) - cost


def _validate_arrays(d: NDArray, r: NDArray, horizon: NDArray, cost: NDArray) -> None:
    """Vectorised ``validate_settings``; reports the first bad value of each setting."""
    for name, values, ok in (
        ("discount_rate", d, np.isfinite(d) & (d >= 0)),
        ("retention", r, np.isfinite(r) & (r >= 0) & (r <= 1)),
        ("acquisition_cost", cost, np.isfinite(cost) & (cost >= 0)),
    ):
        if not ok.all():
            bad = float(values[np.argmin(ok)])
            validate_settings(
                discount_rate=bad if name == "discount_rate" else 0.0,
                retention=bad if name == "retention" else 0.0,
                horizon_years=1,
                acquisition_cost=bad if name == "acquisition_cost" else 0.0,
            )
    horizon_float = horizon.astype(float)
    ok = (horizon_float == np.round(horizon_float)) & (horizon_float >= 1)
    ok &= horizon_float <= MAX_HORIZON_YEARS
    if not ok.all():
        bad_horizon = horizon[np.argmin(ok)]
        validate_settings(
            discount_rate=0.0,
            retention=0.0,
            horizon_years=bad_horizon.item(),
            acquisition_cost=0.0,
        )
