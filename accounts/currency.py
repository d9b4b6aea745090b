"""Converting amounts to the workspace's reporting currency with dated exchange rates.

An ``ExchangeRate`` says how many reporting-currency units one unit of its
currency was worth from ``valid_from`` until the next rate of that currency.
An amount dated before a currency's first rate has *no* rate: it is left out
of every figure and reported, never silently treated as reporting currency.

The bulk path is vectorised: :func:`load_rate_table` reads all rates in one
query, :func:`conversion_factors` gives one factor per line (``NaN`` where no
rate applies) with one ``searchsorted`` per currency. Days are counted from
1970-01-01 (:func:`day_number`), currencies are packed into an int32 of their
three letters (:func:`currency_code`) so millions of lines stay numpy arrays.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from accounts.models import ExchangeRate

EPOCH = datetime.date(1970, 1, 1)


def day_number(day: datetime.date) -> int:
    """Days since 1970-01-01: the date column of the score inputs."""
    return (day - EPOCH).days


def currency_code(currency: str) -> int:
    """Pack a three-letter ISO code into an int (``"EUR"`` -> 0x455552)."""
    text = currency.upper().encode("ascii", "replace")[:3].ljust(3, b" ")
    return (text[0] << 16) | (text[1] << 8) | text[2]


def currency_name(code: int) -> str:
    return bytes([(code >> 16) & 0xFF, (code >> 8) & 0xFF, code & 0xFF]).decode("ascii").strip()


@dataclass(frozen=True)
class RateTable:
    """All rates of a workspace: per currency code, sorted start days and rates."""

    reporting_currency: str
    days: dict[int, NDArray] = field(default_factory=dict)
    rates: dict[int, NDArray] = field(default_factory=dict)

    def rate_on(self, currency: str, on: datetime.date) -> float | None:
        factors = conversion_factors(
            np.array([day_number(on)]), np.array([currency_code(currency)]), self
        )
        return None if np.isnan(factors[0]) else float(factors[0])


def load_rate_table(*, reporting_currency: str) -> RateTable:
    """Every exchange rate of the current workspace, in one query."""
    rows = (
        ExchangeRate.objects.order_by("currency", "valid_from")
        .values_list("currency", "valid_from", "rate")
        .iterator(chunk_size=5000)
    )
    by_code: dict[int, tuple[list[int], list[float]]] = {}
    for currency, valid_from, rate in rows:
        days, rates = by_code.setdefault(currency_code(currency), ([], []))
        days.append(day_number(valid_from))
        rates.append(float(rate))
    return RateTable(
        reporting_currency=reporting_currency.upper(),
        days={code: np.asarray(days, dtype=np.int64) for code, (days, _) in by_code.items()},
        rates={code: np.asarray(rates, dtype=float) for code, (_, rates) in by_code.items()},
    )


def conversion_factors(day: NDArray, currency: NDArray, table: RateTable) -> NDArray:
    """Reporting-currency units per unit of each line's currency on its day; ``NaN``: no rate.

    The reporting currency converts at 1, whatever rates say about it.
    """
    factors = np.full(day.shape, np.nan)
    reporting = currency_code(table.reporting_currency)
    for code in np.unique(currency):
        lines = currency == code
        if code == reporting:
            factors[lines] = 1.0
            continue
        days = table.days.get(int(code))
        if days is None:
            continue
        # The latest rate dated on or before the line; -1: the line is older than any rate.
        position = np.searchsorted(days, day[lines], side="right") - 1
        found = position >= 0
        converted = np.full(position.shape, np.nan)
        converted[found] = table.rates[int(code)][position[found]]
        factors[lines] = converted
    return factors


@dataclass(frozen=True)
class MissingRates:
    """Lines left out because their currency had no rate on their date."""

    lines: int
    currencies: tuple[str, ...]
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "currencies": list(self.currencies),
            "first_date": self.first_day.isoformat() if self.first_day else None,
            "last_date": self.last_day.isoformat() if self.last_day else None,
        }

    def sentence(self, reporting_currency: str) -> str:
        if not self.lines:
            return ""
        return (
            f"{self.lines:,} sales lines in {', '.join(self.currencies)} were left out: there is"
            f" no exchange rate to {reporting_currency} for their dates"
            f" ({self.first_day} to {self.last_day}). Add the rates and the scores are"
            " recomputed."
        )


def missing_rates(day: NDArray, currency: NDArray, factors: NDArray) -> MissingRates:
    missing = np.isnan(factors)
    if not missing.any():
        return MissingRates(lines=0, currencies=())
    days = day[missing]
    return MissingRates(
        lines=int(missing.sum()),
        currencies=tuple(sorted(currency_name(int(c)) for c in np.unique(currency[missing]))),
        first_day=EPOCH + datetime.timedelta(days=int(days.min())),
        last_day=EPOCH + datetime.timedelta(days=int(days.max())),
    )


def convert_amount(
    amount: Decimal, *, currency: str, on: datetime.date, table: RateTable
) -> Decimal | None:
    """One amount in the reporting currency, to the cent; ``None`` without a rate."""
    rate = table.rate_on(currency, on)
    if rate is None:
        return None
    return (amount * Decimal(repr(rate))).quantize(Decimal("0.01"))
