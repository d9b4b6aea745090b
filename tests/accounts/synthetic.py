"""Invoice histories drawn from known BG/NBD and Gamma-Gamma parameters (time in days).

Each customer makes its first purchase on a day spread over the first year,
then buys at a Poisson rate lambda ~ Gamma(r, alpha) while active; after each
repeat purchase it leaves for good with probability p ~ Beta(a, b). Purchase
values are Gamma(p_gg, nu) with nu ~ Gamma(q, gamma) per customer. The
history ends on ``last_day``; nothing is drawn after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from accounts.scoring.bgnbd import BgNbdParameters
from accounts.scoring.gamma_gamma import GammaGammaParameters

#: The issue's hidden parameters, alpha converted from 7.70 weeks to days.
TRUE_PURCHASES = BgNbdParameters(r=0.555, alpha=7.70 * 7, a=0.342, b=2.69)
TRUE_SPEND = GammaGammaParameters(p=6.25, q=3.74, gamma=1544.0)


@dataclass(frozen=True)
class InvoiceHistory:
    customer: NDArray  # index 0..n-1
    day: NDArray  # day 0 = the first day of the history
    amount: NDArray
    customers: int
    last_day: int


def draw_history(
    *,
    customers: int = 3000,
    last_day: int = 3 * 365,
    seed: int = 7,
    purchases: BgNbdParameters = TRUE_PURCHASES,
    spend: GammaGammaParameters = TRUE_SPEND,
) -> InvoiceHistory:
    rng = np.random.default_rng(seed)
    rate = rng.gamma(purchases.r, 1 / purchases.alpha, customers)
    drop = rng.beta(purchases.a, purchases.b, customers)
    nu = rng.gamma(spend.q, 1 / spend.gamma, customers)
    first = rng.integers(0, 365, customers)
    who: list[int] = []
    when: list[int] = []
    for i in range(customers):
        day = float(first[i])
        who.append(i)
        when.append(int(day))
        while True:
            day += rng.exponential(1 / rate[i]) if rate[i] > 0 else np.inf
            if day > last_day:
                break
            if int(day) == when[-1]:  # one purchase per customer-day, as the app counts
                continue
            who.append(i)
            when.append(int(day))
            if rng.random() < drop[i]:
                break
    customer = np.array(who, dtype=np.int64)
    amount = rng.gamma(spend.p, 1 / nu[customer])
    return InvoiceHistory(
        customer=customer,
        day=np.array(when, dtype=np.int64),
        amount=np.round(amount, 2),
        customers=customers,
        last_day=last_day,
    )
