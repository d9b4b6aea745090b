"""All customers' scores from their loaded inputs: numpy in, numpy out.

No database access here: :mod:`accounts.score_inputs` loads the arrays,
:mod:`accounts.scores` stores what :func:`compute_scores` returns. The
calculations themselves are the pure functions of :mod:`accounts.scoring`.

Periods. "Three-year" revenue and margin are summed over the three rolling
years ending on the workspace's data-as-of day (``as_of``: the day its sales
data is complete up to, not the day of the run, so an export whose last
invoice is five months old does not look like five months without sales):
year 0 is the 365 days up to ``as_of``, year 1 the 365 before, and so on.
The purchase models are calibrated to the same day. Rolling years, not calendar
years, so that in January a customer does not look as if it had stopped
buying. Loyalty (share of those years with purchases) and the margin trend of
the contractual CLV use the same three years. Lines dated after ``as_of`` are
not counted yet, anywhere. Yearly customer figures are per calendar year, all
history up to ``as_of``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from accounts.currency import (
    EPOCH,
    MissingRates,
    RateTable,
    conversion_factors,
    day_number,
    missing_rates,
)
from accounts.score_inputs import CustomerInputs, SalesLineArrays
from accounts.scoring import bgnbd, gamma_gamma
from accounts.scoring.clv import contractual_clv_many
from accounts.scoring.diagnostics import TIME_UNIT, fit_as_dict, purchase_model_warnings
from accounts.scoring.fitting import FitFailed
from accounts.scoring.quadrant import (
    RelationshipThresholds,
    classify_many,
    loyalty,
    margin_percentage,
)
from accounts.scoring.rfm import purchase_summary
from accounts.scoring.scorecard import Scorecard, ScoreWeights, percentile_rank, score_customers
from accounts.scoring.transactional import transactional_clv
from accounts.scoring.trend import project_margins_many

WINDOW_YEARS = 3
DAYS_PER_YEAR = 365
#: Customers with repeat purchases the BG/NBD fit needs before its numbers mean anything.
MIN_REPEAT_BUYERS_TO_FIT = 10


@dataclass(frozen=True)
class ScoreSettings:
    """The workspace's valuation settings, as plain floats."""

    discount_rate: float
    retention: float
    horizon_years: int
    acquisition_cost: float
    loyalty_threshold: float
    profitability_threshold: float
    weights: ScoreWeights

    def as_dict(self) -> dict[str, object]:
        return {
            "discount_rate": self.discount_rate,
            "retention": self.retention,
            "horizon_years": self.horizon_years,
            "acquisition_cost": self.acquisition_cost,
            "loyalty_threshold": self.loyalty_threshold,
            "profitability_threshold": self.profitability_threshold,
            "weights": {k: float(v) for k, v in vars(self.weights).items()},
        }


@dataclass
class YearFigures:
    """Per customer index and calendar year with sales lines."""

    customer: NDArray
    year: NDArray
    net_sales: NDArray
    cost_of_goods: NDArray
    cost_to_serve: NDArray
    lines: NDArray


@dataclass
class ScoreTable:
    """One entry per customer of ``CustomerInputs`` (same order)."""

    as_of: datetime.date
    window_start: datetime.date
    revenue_3y: NDArray
    margin_3y: NDArray
    margin_share: NDArray  # NaN: no positive revenue
    has_sales: NDArray  # bool, any counted line at all
    clv_contractual: NDArray  # NaN: no sales history
    clv_transactional: NDArray  # NaN: too little history, or no fit
    probability_alive: NDArray
    upv: NDArray
    upv_source: NDArray  # "open_space", "estimate" or ""
    size_percentile: NDArray
    loyalty: NDArray
    quadrant: NDArray  # codes into scoring.quadrant.RELATIONSHIPS
    scorecard: Scorecard
    revenue_rank: NDArray  # 1 = largest 3-year revenue
    lines_counted: NDArray
    lines_without_rate: NDArray
    clv_settings: dict[str, NDArray]
    year_figures: YearFigures
    missing: MissingRates
    transactional_note: str = ""
    #: The purchase-model fit, as JSON (see ``accounts.scoring.diagnostics``).
    model_fit: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _weighted_counts(cell: NDArray, weights: NDArray, size: int) -> NDArray:
    """Sum of ``weights`` per cell, always as floats.

    ``np.bincount`` answers an empty input with integer zeros even when given
    weights, and NaN cannot be stored in those ("not a customer yet" in the
    trend history): a workspace with customers but no sales lines in the
    window (customers imported first, as the import guide says) hit exactly that.
    """
    return np.bincount(cell, weights=weights, minlength=size).astype(float, copy=False)


def _effective(override: NDArray, default: float) -> NDArray:
    return np.where(np.isnan(override), default, override)


def compute_scores(
    customers: CustomerInputs,
    lines: SalesLineArrays,
    rates: RateTable,
    *,
    settings: ScoreSettings,
    as_of: datetime.date,
) -> ScoreTable:
    """Every customer's scores and yearly figures.

    Consumes ``lines``: its arrays are released (``lines.release()``) as soon
    as the converted amounts exist, and reused for them, so the millions of
    lines are not held twice. Read ``lines.count`` before calling.
    """
    n = customers.count
    today = day_number(as_of)

    # Lines of customers created after the customer list was read are left for
    # the next run (their customers are dirty and not in this one).
    position = np.searchsorted(customers.ids, lines.customer_id)
    position = np.minimum(position, max(n - 1, 0))
    known = (customers.ids[position] == lines.customer_id) if n else np.zeros(lines.count, bool)
    # Lines dated after the data-as-of day are not part of the complete data:
    # left out of every figure (they count once the date moves past them).
    known &= lines.day <= today
    factors = conversion_factors(lines.day, lines.currency, rates)
    missing = missing_rates(lines.day[known], lines.currency[known], factors[known])
    counted = known & ~np.isnan(factors)
    lines_without_rate = np.bincount(position[known & np.isnan(factors)], minlength=n)

    if counted.all():  # the usual case: no copies of the line arrays
        customer, day, factor = position, lines.day, factors
        net = lines.net_sales
        goods = lines.cost_of_goods
        serve = lines.cost_to_serve
    else:
        customer, day, factor = position[counted], lines.day[counted], factors[counted]
        net = lines.net_sales[counted]
        goods = lines.cost_of_goods[counted]
        serve = lines.cost_to_serve[counted]
    del factors, position, known, counted
    # The caller's line arrays are not needed any more: free them now (they are
    # the largest thing the run holds) and convert the amounts in place.
    lines.release()
    net *= factor
    goods *= factor
    serve *= factor
    del factor

    year_figures = _year_figures(customer, day, net, goods, serve, n)
    has_sales = np.bincount(customer, minlength=n) > 0

    # Rolling years, oldest first: column WINDOW_YEARS - 1 ends today.
    age = today - day
    in_window = (age >= 0) & (age < WINDOW_YEARS * DAYS_PER_YEAR)
    column = WINDOW_YEARS - 1 - age[in_window] // DAYS_PER_YEAR
    cell = customer[in_window] * WINDOW_YEARS + column
    revenue = _weighted_counts(cell, net[in_window], n * WINDOW_YEARS).reshape(n, WINDOW_YEARS)
    margin = revenue - _weighted_counts(cell, (goods + serve)[in_window], n * WINDOW_YEARS).reshape(
        n, WINDOW_YEARS
    )
    lines_counted = np.bincount(customer[in_window], minlength=n)
    revenue_3y = revenue.sum(axis=1)
    margin_3y = margin.sum(axis=1)
    share = margin_percentage(revenue_3y, margin_3y)

    # Trend history: years before the customer's first line are not "zero
    # margin", they are "not a customer yet" (NaN, left out of the trend).
    first_day = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_day, customer, day)
    first_age = today - first_day
    first_column = np.where(
        first_age >= WINDOW_YEARS * DAYS_PER_YEAR,
        0,
        WINDOW_YEARS - 1 - np.maximum(first_age, 0) // DAYS_PER_YEAR,
    )
    history = margin.copy()
    history[np.arange(WINDOW_YEARS)[None, :] < first_column[:, None]] = np.nan
    history[~has_sales] = np.nan

    discount_rate = _effective(customers.discount_rate, settings.discount_rate)
    retention = _effective(customers.retention, settings.retention)
    horizon = _effective(customers.horizon_years, settings.horizon_years).astype(np.int64)
    acquisition = _effective(customers.acquisition_cost, settings.acquisition_cost)
    clv_contractual = np.full(n, np.nan)
    if n:
        projected = project_margins_many(history, int(horizon.max()), window=WINDOW_YEARS)
        clv_contractual = contractual_clv_many(
            projected,
            discount_rate=discount_rate,
            retention=retention,
            horizon_years=horizon,
            acquisition_cost=acquisition,
        )
        clv_contractual[~has_sales] = np.nan

    clv_transactional, alive, note, model_fit = _transactional(
        customer, day, net, n=n, today=today, share=share, settings=settings
    )
    model_fit["calibration_end"] = as_of.isoformat()
    del customer, day, net, goods, serve

    upv = np.where(
        np.isnan(customers.upv_open_space), customers.upv_estimate, customers.upv_open_space
    )
    upv_source = np.where(
        ~np.isnan(customers.upv_open_space),
        "open_space",
        np.where(np.isnan(customers.upv_estimate), "", "estimate"),
    )
    size = _size_percentile(revenue_3y, customers.size_measure)
    loyalty_share = loyalty(revenue, last_years=WINDOW_YEARS) if n else np.zeros(0)
    thresholds = RelationshipThresholds(
        loyalty=settings.loyalty_threshold, profitability=settings.profitability_threshold
    )
    quadrant = classify_many(loyalty_share, share, thresholds)
    scorecard = (
        score_customers(
            size=size,
            strategic_importance=customers.strategic_importance,
            clv=_lowest_where_missing(clv_contractual),
            # No UPV entered: no unrealized potential shown yet, ranks lowest.
            upv=np.nan_to_num(upv, nan=0.0),
            account_fit=customers.account_fit,
            relationship=quadrant,
            weights=settings.weights,
        )
        if n
        else None
    )
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-revenue_3y, kind="stable")] = np.arange(1, n + 1)
    return ScoreTable(
        as_of=as_of,
        window_start=as_of - datetime.timedelta(days=WINDOW_YEARS * DAYS_PER_YEAR - 1),
        revenue_3y=revenue_3y,
        margin_3y=margin_3y,
        margin_share=share,
        has_sales=has_sales,
        clv_contractual=clv_contractual,
        clv_transactional=clv_transactional,
        probability_alive=alive,
        upv=upv,
        upv_source=upv_source,
        size_percentile=size,
        loyalty=loyalty_share,
        quadrant=quadrant,
        scorecard=scorecard,  # type: ignore[arg-type]
        revenue_rank=rank,
        lines_counted=lines_counted,
        lines_without_rate=lines_without_rate,
        clv_settings={
            "discount_rate": discount_rate,
            "retention": retention,
            "horizon_years": horizon,
            "acquisition_cost": acquisition,
        },
        year_figures=year_figures,
        missing=missing,
        transactional_note=note,
        model_fit=model_fit,
    )


def _lowest_where_missing(values: NDArray) -> NDArray:
    finite = values[np.isfinite(values)]
    floor = float(finite.min()) - 1.0 if finite.size else 0.0
    return np.where(np.isfinite(values), values, floor)


def _size_percentile(revenue: NDArray, size_measure: NDArray) -> NDArray:
    """Size is "volume and revenue": the mean of both percentiles where a volume is entered."""
    if revenue.size == 0:
        return np.zeros(0)
    by_revenue = percentile_rank(revenue)
    entered = ~np.isnan(size_measure)
    if not entered.any():
        return by_revenue
    by_volume = np.full(revenue.size, np.nan)
    by_volume[entered] = percentile_rank(size_measure[entered])
    return np.where(entered, (by_revenue + by_volume) / 2, by_revenue)


def _transactional(
    customer: NDArray,
    day: NDArray,
    net: NDArray,
    *,
    n: int,
    today: int,
    share: NDArray,
    settings: ScoreSettings,
) -> tuple[NDArray, NDArray, str, dict[str, Any]]:
    """BG/NBD x Gamma-Gamma CLV over the workspace horizon, fitted once on every customer.

    Only customers with at least one repeat purchase get a value: with a single
    purchase day the model has nothing of the customer's own to go on. A fit
    the diagnostics call unreliable (degenerate, unidentified, not converged)
    gives no value at all: the column stays empty with the reason, and the
    composite score, which always uses the contractual CLV, is unaffected.
    Returns the CLV, the probability alive, the note and the fit as JSON.
    """
    clv = np.full(n, np.nan)
    alive = np.full(n, np.nan)
    report: dict[str, Any] = {
        "time_unit": TIME_UNIT,
        "status": "not_fitted",
        "customers": 0,
        "repeat_buyers": 0,
        "bgnbd": None,
        "gamma_gamma": None,
        "warnings": [],
    }

    def not_fitted(note: str) -> tuple[NDArray, NDArray, str, dict[str, Any]]:
        report["note"] = note
        return np.full(n, np.nan), np.full(n, np.nan), note, report

    past = day <= today
    if not past.any():
        return not_fitted("No sales history yet.")
    if not past.all():  # lines dated after today wait; otherwise no copies of 5M lines
        customer, day, net = customer[past], day[past], net[past]
    del past
    start = int(day.min())
    report["history_start"] = (EPOCH + datetime.timedelta(days=start)).isoformat()
    summary = purchase_summary(
        customer, day - start, net, customers=n, observation_end=today - start
    )
    buyers = summary.has_purchases
    x, t_x, age, money = summary.frequency, summary.recency, summary.T, summary.monetary_value
    repeat = buyers & (x > 0) & (money > 0)
    report["customers"] = int(buyers.sum())
    report["repeat_buyers"] = int(repeat.sum())
    if int(repeat.sum()) < MIN_REPEAT_BUYERS_TO_FIT:
        return not_fitted(
            f"Transactional CLV needs at least {MIN_REPEAT_BUYERS_TO_FIT} customers with"
            " repeat purchases; there are fewer."
        )
    try:
        purchases = bgnbd.fit(x[buyers], t_x[buyers], age[buyers])
        spend = gamma_gamma.fit(x[repeat], money[repeat])
    except (ValueError, FitFailed, FloatingPointError) as error:
        return not_fitted(f"Transactional CLV not computed: {error}")
    report["bgnbd"] = fit_as_dict(purchases)
    report["gamma_gamma"] = fit_as_dict(spend)
    warnings = purchase_model_warnings(
        purchases,
        spend,
        repeat_buyers=int(repeat.sum()),
        oldest_age=float(age[buyers].max()),
        mean_value=float(money[repeat].mean()),
    )
    report["warnings"] = [vars(w) for w in warnings]
    if any(w.unreliable for w in warnings):
        report["status"] = "unreliable"
        first = next(w for w in warnings if w.unreliable)
        return not_fitted(
            f"Transactional CLV not shown: the purchase model is unreliable. {first.text}"
        )
    try:
        monthly = (1.0 + settings.discount_rate) ** (1 / 12) - 1
        clv[repeat] = transactional_clv(
            purchases.params,
            spend.params,
            frequency=x[repeat],
            recency=t_x[repeat],
            T=age[repeat],
            monetary_value=money[repeat],
            margin_ratio=np.nan_to_num(np.clip(share[repeat], -1, 1), nan=0.0),
            months=12 * settings.horizon_years,
            monthly_discount_rate=monthly,
        )
        alive[repeat] = bgnbd.probability_alive(
            purchases.params, x[repeat], t_x[repeat], age[repeat]
        )
    except (ValueError, FloatingPointError) as error:
        return not_fitted(f"Transactional CLV not computed: {error}")
    if not (np.all(np.isfinite(clv[repeat])) and np.all(np.isfinite(alive[repeat]))):
        report["status"] = "unreliable"
        return not_fitted(
            "Transactional CLV not shown: the purchase model's predictions are not finite"
            " numbers for some customers (a degenerate fit)."
        )
    report["status"] = "fitted"
    p, g = purchases.params, spend.params
    note = (
        f"BG/NBD r {p.r:.3f} alpha {p.alpha:.2f} days a {p.a:.3f} b {p.b:.3f}; Gamma-Gamma"
        f" p {g.p:.2f} q {g.q:.2f} gamma {g.gamma:.2f}; fitted on {int(buyers.sum()):,}"
        " customers."
    )
    report["note"] = note
    return clv, alive, note, report


def _year_figures(
    customer: NDArray, day: NDArray, net: NDArray, goods: NDArray, serve: NDArray, n: int
) -> YearFigures:
    if customer.size == 0:
        empty = np.zeros(0)
        return YearFigures(
            empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty, empty
        )
    year = day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    first = int(year.min())
    span = int(year.max()) - first + 1
    cell = customer * span + (year - first)
    size = n * span
    counts = np.bincount(cell, minlength=size)
    used = np.flatnonzero(counts)
    return YearFigures(
        customer=used // span,
        year=used % span + first,
        net_sales=_weighted_counts(cell, net, size)[used],
        cost_of_goods=_weighted_counts(cell, goods, size)[used],
        cost_to_serve=_weighted_counts(cell, serve, size)[used],
        lines=counts[used],
    )
