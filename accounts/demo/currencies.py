"""Monthly exchange rates for the demo's dollar and sterling sales."""

from __future__ import annotations

import bisect
import datetime
import math
import random
from decimal import Decimal

RateHistory = dict[str, list[tuple[datetime.date, float]]]


#: Euros per unit at the start of the history; each month moves a little.
STARTING_RATES = {"USD": 0.92, "GBP": 1.16}


def _monthly_rates(rng: random.Random, start: datetime.date, end: datetime.date) -> RateHistory:
    """A rate on the first of every month from the history's first month on."""
    history: RateHistory = {}
    for currency, value in STARTING_RATES.items():
        day = start.replace(day=1)
        rows: list[tuple[datetime.date, float]] = []
        while day <= end:
            rows.append((day, value))
            value *= math.exp(rng.gauss(0, 0.015))
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        history[currency] = rows
    return history


def _rate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _rate_on(rates: RateHistory, currency: str, day: datetime.date) -> float:
    """Euros per unit on ``day``, rounded as stored (the reporting currency is 1)."""
    if currency not in rates:
        return 1.0
    history = rates[currency]
    position = bisect.bisect_right([d for d, _ in history], day) - 1
    return float(_rate(history[max(position, 0)][1]))
