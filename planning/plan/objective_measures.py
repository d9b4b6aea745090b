"""What an economic objective has reached, read from the account's sales lines.

Volume and margin objectives measure themselves: the window is the twelve
months up to the latest sales line of the customer (not up to today, so an
import that is a month late does not make the account look a month smaller),
and every figure says up to which date it was read. Amounts are converted to
the workspace's reporting currency with the dated rates of
:mod:`accounts.currency`; a line without a rate is left out and counted, as
everywhere else. A price cannot be read from sales lines (they carry no list
price per unit the team agreed on), so price objectives use the figure typed
in ``Objective.measured``.

Margin is the contribution margin (net sales minus cost of goods minus cost to
serve) as a share of net sales, as in ``accounts.figures``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db.models import Case, CharField, Count, DateField, F, Max, Sum, Value, When
from django.db.models.functions import Upper

from accounts.currency import (
    MissingRates,
    conversion_factors,
    currency_code,
    day_number,
    load_rate_table,
    missing_rates,
)
from accounts.models import Customer, SalesLine
from planning.models import ECONOMIC_KINDS, Objective, ObjectiveKind

CENT = Decimal("0.01")
ZERO = Decimal("0")
WINDOW_DAYS = 365


@dataclass(frozen=True)
class SalesWindow:
    """Revenue and margin of one customer over the twelve months up to its latest line."""

    #: ``None``: the customer has no sales lines at all (unknown, not zero).
    up_to: datetime.date | None
    since: datetime.date | None = None
    net_sales: Decimal | None = None
    contribution_margin: Decimal | None = None
    line_count: int = 0
    currency: str = ""
    missing: MissingRates = field(default_factory=lambda: MissingRates(lines=0, currencies=()))

    @property
    def margin_percent(self) -> Decimal | None:
        if self.net_sales is None or self.contribution_margin is None or self.net_sales <= 0:
            return None
        return (self.contribution_margin / self.net_sales * 100).quantize(CENT)

    @property
    def source(self) -> str:
        """ "from sales lines up to 2026-10-31" (or why there is no figure)."""
        if self.up_to is None:
            return "no sales lines yet"
        return f"from sales lines up to {self.up_to.isoformat()}"


def sales_window(customer: Customer, *, reporting_currency: str) -> SalesWindow:
    """One query for the latest date, one grouped query for the sums (plus the rates if needed)."""
    latest = SalesLine.objects.filter(customer_id=customer.pk).aggregate(latest=Max("date"))[
        "latest"
    ]
    if latest is None:
        return SalesWindow(up_to=None, currency=reporting_currency.upper())
    since = latest - datetime.timedelta(days=WINDOW_DAYS - 1)
    reporting = reporting_currency.upper()
    rows = list(
        SalesLine.objects.filter(customer_id=customer.pk, date__gte=since, date__lte=latest)
        .annotate(currency_key=Upper("currency"))
        .annotate(
            # Foreign currencies are summed per day: their rate is dated.
            rate_day=Case(
                When(currency_key=Value(reporting, output_field=CharField()), then=Value(None)),
                default=F("date"),
                output_field=DateField(),
            )
        )
        .order_by()
        .values("currency_key", "rate_day")
        .annotate(
            sales=Sum("net_sales"),
            goods=Sum("cost_of_goods"),
            serve=Sum("cost_to_serve"),
            lines=Count("id"),
        )
    )
    foreign = [row for row in rows if row["currency_key"] != reporting]
    factors: dict[int, float] = {}
    missing = MissingRates(lines=0, currencies=())
    if foreign:
        table = load_rate_table(reporting_currency=reporting)
        days = np.array([day_number(row["rate_day"]) for row in foreign], dtype=np.int64)
        codes = np.array([currency_code(row["currency_key"]) for row in foreign], dtype=np.int64)
        found = conversion_factors(days, codes, table)
        counts = np.array([row["lines"] for row in foreign])
        missing = missing_rates(
            np.repeat(days, counts), np.repeat(codes, counts), np.repeat(found, counts)
        )
        factors = {id(row): float(factor) for row, factor in zip(foreign, found, strict=True)}
    sales = margin = ZERO
    lines = 0
    for row in rows:
        factor = Decimal(1)
        if row["currency_key"] != reporting:
            raw = factors[id(row)]
            if np.isnan(raw):
                continue
            factor = Decimal(repr(raw))
        row_sales = Decimal(row["sales"] or 0)
        row_margin = row_sales - Decimal(row["goods"] or 0) - Decimal(row["serve"] or 0)
        sales += row_sales * factor
        margin += row_margin * factor
        lines += row["lines"]
    return SalesWindow(
        up_to=latest,
        since=since,
        net_sales=sales.quantize(CENT),
        contribution_margin=margin.quantize(CENT),
        line_count=lines,
        currency=reporting,
        missing=missing,
    )


@dataclass(frozen=True)
class Measure:
    """What one objective reached so far, and where that figure came from."""

    value: Decimal | None
    #: "from sales lines up to ...", "typed by the team", or why it is unknown.
    source: str
    #: Per cent of the target (or the typed progress); ``None`` when unknown.
    progress: int | None
    computed: bool = False
    unit: str = ""


def _share(value: Decimal | None, target: Decimal | None) -> int | None:
    if value is None or target is None or target <= 0:
        return None
    return int((value / target * 100).to_integral_value())


def _typed(objective: Objective) -> str:
    """ "typed by the team, as of 2026-11-03": a hand-typed figure shows its age."""
    changed = objective.updated_at
    return (
        f"typed by the team, as of {changed.date().isoformat()}" if changed else "typed by the team"
    )


def objective_measure(objective: Objective, window: SalesWindow) -> Measure:
    """The measure of ``objective``: computed from ``window`` where it can be, else typed."""
    kind = objective.kind
    if kind not in ECONOMIC_KINDS:
        source = _typed(objective) if objective.progress is not None else "not given yet"
        return Measure(value=None, source=source, progress=objective.progress)
    if kind == ObjectiveKind.VOLUME:
        value = window.net_sales
        unit = window.currency
    elif kind == ObjectiveKind.MARGIN:
        value = window.margin_percent
        unit = "%"
    else:
        typed = objective.measured
        return Measure(
            value=typed,
            source=_typed(objective) if typed is not None else "not measured yet",
            progress=_share(typed, objective.target),
            unit="",
        )
    if value is None:
        return Measure(value=None, source=window.source, progress=None, computed=True, unit=unit)
    return Measure(
        value=value,
        source=window.source,
        progress=_share(value, objective.target),
        computed=True,
        unit=unit,
    )
