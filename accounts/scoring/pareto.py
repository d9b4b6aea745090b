"""The Pareto check: how concentrated is the customers' value?

Sort customers by value (3-year revenue, margin or CLV), largest first, and
accumulate: at which rank is 40 %, 50 %, 80 % of the total reached, and what
share do the N accounts the supplier can staff represent. Plus the Lorenz
curve and the Gini coefficient for a chart and a single number.

Negative values (customers whose returns exceed their sales, loss-making
customers when ranking by margin, negative CLVs) do not take part in the
concentration figures: shares are of the *positive* total and negative values
count as 0. Otherwise a few loss-makers would push the cumulative share above
100 % before bringing it back down (the "whale curve"), and "50 % of revenue"
would no longer mean what readers expect; the Gini coefficient would also
leave the 0..1 range. How many customers are negative, and by how much, is
reported beside the figures so the loss is not hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: A chart needs no more points than this to draw a smooth curve.
MAX_CURVE_POINTS = 200
DEFAULT_SHARES = (0.4, 0.5, 0.8)
# Cumulative sums of floats can miss an exact share by a rounding error.
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class ParetoSummary:
    #: Customer indexes by value, largest first (ties keep the input order).
    order: NDArray
    #: Cumulative share of the positive total after each rank (length n).
    cumulative_share: NDArray
    positive_total: float
    #: share -> the 1-based rank at which the cumulative share reaches it.
    rank_reaching: dict[float, int]
    negative_count: int
    negative_total: float
    gini: float
    #: (share of customers, share of value), smallest customers first, from (0, 0) to (1, 1).
    lorenz_points: list[tuple[float, float]]

    @property
    def customers(self) -> int:
        return int(self.order.size)

    def share_of_top(self, n: int) -> float:
        """Share of the positive total held by the ``n`` largest customers."""
        if n <= 0 or self.customers == 0:
            return 0.0
        return float(self.cumulative_share[min(n, self.customers) - 1])

    def rank_at(self, share: float) -> int:
        """Rank (1-based) at which the cumulative share first reaches ``share``."""
        return _rank_at(self.cumulative_share, share)


def pareto_summary(values: ArrayLike, *, shares: Sequence[float] = DEFAULT_SHARES) -> ParetoSummary:
    """Concentration figures of ``values`` (one per customer)."""
    value = np.asarray(values, dtype=float)
    if value.ndim != 1:
        raise ValueError("Expected one value per customer (a 1-D array).")
    if not np.all(np.isfinite(value)):
        raise ValueError("Every customer's value must be a number.")
    for share in shares:
        if not 0 < share <= 1:
            raise ValueError(f"Shares must be between 0 and 1 (0.5 means 50 %); got {share}.")
    negative = value < 0
    positive_part = np.where(negative, 0.0, value)
    # Stable sort of the negated values: largest first, ties in input order.
    order = np.argsort(-positive_part, kind="stable")
    positive_total = float(positive_part.sum())
    running = np.cumsum(positive_part[order])
    cumulative_share = running / positive_total if positive_total > 0 else np.zeros(value.size)
    return ParetoSummary(
        order=order,
        cumulative_share=cumulative_share,
        positive_total=positive_total,
        rank_reaching={share: _rank_at(cumulative_share, share) for share in shares},
        negative_count=int(negative.sum()),
        negative_total=float(value[negative].sum()),
        gini=gini(positive_part),
        lorenz_points=lorenz_points(positive_part),
    )


def _rank_at(cumulative_share: NDArray, share: float) -> int:
    """0 when the share is never reached (no positive value at all)."""
    reached = np.flatnonzero(cumulative_share >= share - _TOLERANCE)
    return int(reached[0]) + 1 if reached.size else 0


def gini(values: ArrayLike) -> float:
    """Gini coefficient of non-negative values: 0 all equal, (n-1)/n one customer holds all.

    G = 2 * sum(i * v_(i)) / (n * sum(v)) - (n + 1) / n with v sorted ascending
    and i = 1..n, which is 1 - 2 * (area under the Lorenz curve) exactly.
    """
    ascending = np.sort(np.asarray(values, dtype=float))
    if ascending.size and ascending[0] < 0:
        raise ValueError("The Gini coefficient needs values of 0 or more.")
    n = ascending.size
    total = ascending.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=float)
    return float(2.0 * (ranks @ ascending) / (n * total) - (n + 1) / n)


def lorenz_points(
    values: ArrayLike, *, max_points: int = MAX_CURVE_POINTS
) -> list[tuple[float, float]]:
    """Points of the Lorenz curve, at most ``max_points`` of them, ends included.

    The points are taken at evenly spaced ranks of the full curve; the curve is
    convex, so linear interpolation between them never crosses it.
    """
    ascending = np.sort(np.asarray(values, dtype=float))
    n = ascending.size
    total = ascending.sum()
    if n == 0 or total <= 0:
        return [(0.0, 0.0), (1.0, 1.0)]
    cumulative = np.concatenate([[0.0], np.cumsum(ascending) / total])
    cumulative[-1] = 1.0  # not 0.9999999999 after rounding
    ranks = np.unique(np.linspace(0, n, num=min(n + 1, max(max_points, 2))).round().astype(int))
    return [(float(k / n), float(cumulative[k])) for k in ranks]
