"""Customer lifetime value from transaction histories (BG/NBD x Gamma-Gamma).

For each month i = 1..months:

    expected purchases in month i  = E[X(T, T + i*u)] - E[X(T, T + (i-1)*u)]
    CLV += expected purchases * expected purchase value * margin ratio / (1 + d)**i

with u the model's time units per month (30 for days, 4.345 for weeks) and d
the monthly discount rate - the same calculation as lifetimes'
``customer_lifetime_value``, so the two can be compared number for number.

The margin ratio. Gamma-Gamma models purchase *values*, which must be
positive, so it is fitted on sales amounts, not on margins (a margin can be
negative). The projected sales are turned into contribution margin with the
customer's own contribution margin ratio (contribution margin / net sales over
the history, see ``accounts.figures``), which makes this CLV comparable with
the contractual one. Pass 1.0 to get the expected revenue instead, as
lifetimes does. No acquisition cost is subtracted: these customers are
already acquired.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from accounts.scoring import bgnbd, gamma_gamma

DAYS_PER_MONTH = 30.0
WEEKS_PER_MONTH = 4.345


def transactional_clv(
    purchases: bgnbd.BgNbdParameters,
    spend: gamma_gamma.GammaGammaParameters,
    *,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    margin_ratio: ArrayLike,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
    time_units_per_month: float = DAYS_PER_MONTH,
) -> NDArray:
    """Discounted expected contribution margin of each customer over the next ``months``."""
    if not 1 <= months <= 600:
        raise ValueError(f"The CLV period must be between 1 and 600 months; got {months}.")
    if not (np.isfinite(monthly_discount_rate) and monthly_discount_rate >= 0):
        raise ValueError(
            f"The monthly discount rate must be 0 or more; got {monthly_discount_rate}."
        )
    if not time_units_per_month > 0:
        raise ValueError(f"Time units per month must be positive; got {time_units_per_month}.")
    x, t_x, age = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    value = gamma_gamma.conditional_expected_average_value(spend, x, monetary_value)
    ends = time_units_per_month * np.arange(1, months + 1, dtype=float)
    # One (n, months) matrix: cumulative expected purchases at each month's end.
    cumulative = bgnbd.conditional_expected_purchases(
        purchases, ends[None, :], x[:, None], t_x[:, None], age[:, None]
    )
    per_month = np.diff(cumulative, axis=1, prepend=0.0)
    discount = (1.0 + monthly_discount_rate) ** -np.arange(1, months + 1, dtype=float)
    return (per_month @ discount) * value * np.asarray(margin_ratio, dtype=float)
