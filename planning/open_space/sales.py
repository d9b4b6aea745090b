"""Last year's sales of each Open Space cell, summed from the account's sales lines.

A cell matches the lines of its column's offering whose segment equals the row's
``sales_key`` once both are trimmed and lower-cased ("  africa " is "Africa").
Amounts are converted to the workspace's reporting currency with the dated
exchange rates of :mod:`accounts.currency` (the one converter of the project);
a line with no rate on its date is left out and counted, never taken at face
value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db.models import Case, CharField, Count, DateField, F, Sum, Value, When
from django.db.models.functions import Lower, Trim, Upper

from accounts.currency import (
    MissingRates,
    conversion_factors,
    currency_code,
    day_number,
    load_rate_table,
    missing_rates,
)
from accounts.models import SalesLine

CENT = Decimal("0.01")


def segment_key(text: str) -> str:
    """How a row's sales key and a line's segment are compared."""
    return text.strip().lower()


@dataclass(frozen=True)
class CellSales:
    """Sales of one (segment key, offering) pair in the reporting currency."""

    amount: Decimal
    line_count: int


@dataclass
class SalesByCell:
    """Result of :func:`sales_by_segment_and_offering`."""

    year: int
    currency: str
    by_key: dict[tuple[str, int], CellSales] = field(default_factory=dict)
    missing: MissingRates = field(default_factory=lambda: MissingRates(lines=0, currencies=()))

    def get(self, sales_key: str, offering_id: int | None) -> CellSales | None:
        if offering_id is None:
            return None
        return self.by_key.get((segment_key(sales_key), offering_id))


def sales_by_segment_and_offering(
    *,
    customer_id: int,
    year: int,
    sales_keys: Iterable[str],
    offering_ids: Iterable[int],
    reporting_currency: str,
) -> SalesByCell:
    """Net sales of ``year`` per (segment key, offering): one grouped query, plus the rates.

    Lines in the reporting currency are summed by the database; lines in other
    currencies are grouped by day too, because the rate depends on the day. The
    rate table is read (one more query) only when such lines exist.
    """
    keys = {segment_key(key) for key in sales_keys if segment_key(key)}
    offerings = set(offering_ids)
    result = SalesByCell(year=year, currency=reporting_currency.upper())
    if not keys or not offerings:
        return result
    reporting = reporting_currency.upper()
    rows = list(
        SalesLine.objects.filter(
            customer_id=customer_id,
            date__gte=datetime.date(year, 1, 1),
            date__lte=datetime.date(year, 12, 31),
            offering_id__in=offerings,
        )
        .annotate(
            segment_key=Lower(Trim("segment")),
            currency_key=Upper("currency"),
        )
        .filter(segment_key__in=keys)
        .annotate(
            # One row per day only for foreign currencies: their rate is dated.
            rate_day=Case(
                When(currency_key=Value(reporting, output_field=CharField()), then=Value(None)),
                default=F("date"),
                output_field=DateField(),
            )
        )
        .order_by()
        .values("segment_key", "offering_id", "currency_key", "rate_day")
        .annotate(total=Sum("net_sales"), lines=Count("id"))
    )
    if not rows:
        return result
    foreign = [row for row in rows if row["currency_key"] != reporting]
    factors: dict[int, float] = {}
    if foreign:
        table = load_rate_table(reporting_currency=reporting)
        days = np.array([day_number(row["rate_day"]) for row in foreign], dtype=np.int64)
        codes = np.array([currency_code(row["currency_key"]) for row in foreign], dtype=np.int64)
        found = conversion_factors(days, codes, table)
        # Counted per line, as accounts reports it elsewhere.
        line_counts = np.array([row["lines"] for row in foreign])
        missing = missing_rates(
            np.repeat(days, line_counts),
            np.repeat(codes, line_counts),
            np.repeat(found, line_counts),
        )
        result.missing = missing
        factors = {id(row): float(factor) for row, factor in zip(foreign, found, strict=True)}
    sums: dict[tuple[str, int], tuple[Decimal, int]] = {}
    for row in rows:
        amount = Decimal(row["total"] or 0)
        if row["currency_key"] != reporting:
            factor = factors[id(row)]
            if np.isnan(factor):
                continue
            amount = (amount * Decimal(repr(factor))).quantize(CENT)
        key = (row["segment_key"], row["offering_id"])
        total, count = sums.get(key, (Decimal("0"), 0))
        sums[key] = (total + amount, count + row["lines"])
    result.by_key = {
        key: CellSales(amount=total.quantize(CENT), line_count=count)
        for key, (total, count) in sums.items()
    }
    return result
