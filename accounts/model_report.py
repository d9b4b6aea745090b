"""Reads of the model page (/selection/model/): the purchase-model fit, explained.

The recompute (``accounts.scores``) fits BG/NBD and Gamma-Gamma once per run
and stores the fit on the valuation settings row (``model_fit``); this module
turns it into what an analyst reads: parameters with standard errors and
units, the log-likelihood, convergence, warnings in plain words and what the
app does about them. Two things are computed on demand from the sales lines,
because they depend on the analyst's choice or are too big to store: the
holdout calibration and the per-customer summary for the download.

Time is in days everywhere (``accounts.scoring.diagnostics.TIME_UNIT``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from numpy.typing import NDArray

from accounts.currency import EPOCH, conversion_factors, day_number, load_rate_table
from accounts.data_as_of import DataAsOf, data_as_of_from
from accounts.models import Customer, CustomerScore
from accounts.score_inputs import load_sales_lines
from accounts.scoring.bgnbd import BgNbdParameters
from accounts.scoring.diagnostics import (
    TIME_UNIT,
    HoldoutCalibration,
    customer_predictions,
    holdout_calibration,
)
from accounts.scoring.gamma_gamma import GammaGammaParameters
from accounts.scoring.rfm import purchase_summary
from accounts.valuation_settings import valuation_settings_get
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace

#: Days of the "expected purchases" prediction in the download.
PREDICTION_DAYS = 365
#: The shortest holdout and calibration period the page accepts.
MIN_PERIOD_DAYS = 30
HOLDOUT_CACHE_SECONDS = 60 * 60

#: Parameter -> (unit, meaning in plain words), BG/NBD then Gamma-Gamma.
PARAMETER_WORDS: dict[str, tuple[str, str]] = {
    "r": ("none (a shape)", "Shape of how purchase rates differ between customers."),
    "alpha": (
        TIME_UNIT,
        f"Scale of the purchase rates, in {TIME_UNIT}: an active customer buys on average "
        "r / alpha times a day.",
    ),
    "a": ("none (a shape)", "With b, how likely a customer is to stop after a purchase."),
    "b": (
        "none (a shape)",
        "With a: the average chance of stopping after a purchase is a / (a + b).",
    ),
    "p": ("none (a shape)", "Shape of the value of single purchases."),
    "q": ("none (a shape)", "Shape of how average purchase values differ between customers."),
    "gamma": (
        "currency",
        "Scale of the purchase values; the average purchase is p * gamma / (q - 1).",
    ),
}

STATUS_WORDS: dict[str, str] = {
    "fitted": "Fitted",
    "unreliable": "Unreliable",
    "not_fitted": "Not fitted",
}


@dataclass(frozen=True)
class ParameterRow:
    name: str
    value: float | None
    standard_error: float | None
    unit: str
    meaning: str

    @property
    def value_text(self) -> str:
        """Four significant digits: parameters span 1e-8 to 1e10 (a degenerate fit)."""
        return "unknown" if self.value is None else f"{self.value:.4g}"

    @property
    def error_text(self) -> str:
        return "" if self.standard_error is None else f"{self.standard_error:.4g}"


@dataclass(frozen=True)
class ModelFitView:
    label: str
    parameters: list[ParameterRow]
    log_likelihood: float | None
    customers: int
    converged: bool
    iterations: int
    derived: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ModelReport:
    status: str
    computed_at: datetime.datetime | None
    calibration_end: datetime.date | None
    time_unit: str
    currency: str
    customers: int
    repeat_buyers: int
    bgnbd: ModelFitView | None
    gamma_gamma: ModelFitView | None
    warnings: list[dict[str, Any]]
    note: str
    data_as_of: DataAsOf
    #: The first sales line the fit saw.
    history_start: datetime.date | None = None

    @property
    def status_label(self) -> str:
        return STATUS_WORDS.get(self.status, "Not computed yet")

    @property
    def action(self) -> str:
        """What the app does with this fit, in words (true to ``accounts.score_table``)."""
        unaffected = (
            " The composite score never uses the transactional CLV: it ranks by the "
            "contractual CLV, which is built from each customer's yearly margins, not from "
            "these models."
        )
        if self.status == "fitted":
            return (
                "The “CLV purchases” column and the probability of being alive come from "
                "these fits." + unaffected
            )
        if self.status == "unreliable":
            return (
                "Because of the warnings above, the app shows no transactional CLV (the “CLV "
                "purchases” column stays empty, with the reason in its tooltip) and no "
                "probability of being alive." + unaffected
            )
        if self.status == "not_fitted":
            return (
                "No fit, so the “CLV purchases” column stays empty, with the reason in its "
                "tooltip." + unaffected
            )
        return "The models are fitted by the next scores recompute."

    def parameters_dict(self) -> dict[str, Any]:
        """For the API: every parameter with its standard error and unit."""

        def rows(view: ModelFitView | None) -> dict[str, Any] | None:
            if view is None:
                return None
            return {
                "parameters": {
                    row.name: {
                        "value": row.value,
                        "standard_error": row.standard_error,
                        "unit": self.currency if row.unit == "currency" else row.unit,
                    }
                    for row in view.parameters
                },
                "log_likelihood": view.log_likelihood,
                "customers": view.customers,
                "converged": view.converged,
                "iterations": view.iterations,
            }

        return {"bgnbd": rows(self.bgnbd), "gamma_gamma": rows(self.gamma_gamma)}


def _parameter_rank(name: str) -> tuple[int, str]:
    """Known parameters in :data:`PARAMETER_WORDS` order, any other after them by name."""
    order = list(PARAMETER_WORDS)
    return (order.index(name), "") if name in order else (len(order), name)


def _fit_view(label: str, stored: dict[str, Any] | None) -> ModelFitView | None:
    if not stored:
        return None
    params: dict[str, float | None] = stored.get("params", {})
    errors: dict[str, float | None] = stored.get("standard_errors", {})
    rows = [
        ParameterRow(
            name=name,
            value=value,
            standard_error=errors.get(name),
            unit=PARAMETER_WORDS.get(name, ("", ""))[0],
            meaning=PARAMETER_WORDS.get(name, ("", ""))[1],
        )
        # In the models' own order (r, alpha, a, b; p, q, gamma), not the stored one:
        # PostgreSQL's jsonb keeps an object's keys sorted, not as written.
        for name, value in sorted(params.items(), key=lambda item: _parameter_rank(item[0]))
    ]
    derived: list[tuple[str, str]] = []
    r, alpha, a, b = (params.get(k) for k in ("r", "alpha", "a", "b"))
    if r and alpha:
        derived.append(("Purchases a year of an average active customer", f"{r / alpha * 365:.2f}"))
    if a and b:
        derived.append(("Average chance of stopping after a purchase", f"{a / (a + b):.1%}"))
    p, q, gamma = (params.get(k) for k in ("p", "q", "gamma"))
    if p and q and gamma and q > 1:
        derived.append(
            (
                "Average purchase value of the population, reporting currency",
                f"{p * gamma / (q - 1):,.2f}",
            )
        )
    return ModelFitView(
        label=label,
        parameters=rows,
        log_likelihood=stored.get("log_likelihood"),
        customers=int(stored.get("customers") or 0),
        converged=bool(stored.get("converged")),
        iterations=int(stored.get("iterations") or 0),
        derived=derived,
    )


def _date(text: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if isinstance(text, str) and text else None


def valuation_model_report(*, workspace: Workspace) -> ModelReport:
    """The last recompute's fit of ``workspace`` (one query)."""
    settings = valuation_settings_get(workspace=workspace)
    fit: dict[str, Any] = settings.model_fit or {}
    computed = fit.get("computed_at")
    return ModelReport(
        status=str(fit.get("status") or ""),
        computed_at=datetime.datetime.fromisoformat(computed) if computed else None,
        calibration_end=_date(fit.get("calibration_end")),
        time_unit=str(fit.get("time_unit") or TIME_UNIT),
        currency=str(fit.get("currency") or workspace.reporting_currency),
        customers=int(fit.get("customers") or 0),
        repeat_buyers=int(fit.get("repeat_buyers") or 0),
        bgnbd=_fit_view(
            "BG/NBD: how often customers buy, and whether they are still active",
            fit.get("bgnbd"),
        ),
        gamma_gamma=_fit_view("Gamma-Gamma: how much a purchase is worth", fit.get("gamma_gamma")),
        warnings=list(fit.get("warnings") or []),
        note=str(fit.get("note") or ""),
        data_as_of=data_as_of_from(settings),
        history_start=_date(fit.get("history_start")),
    )


# -- from the sales lines, on demand ----------------------------------------------------


@dataclass(frozen=True)
class PurchaseLines:
    """Sales lines up to the data-as-of day, in the reporting currency, per customer index."""

    ids: NDArray
    customer: NDArray
    day: NDArray  # days since 1970-01-01
    net: NDArray
    as_of: int


def purchase_lines(*, workspace: Workspace, as_of: datetime.date) -> PurchaseLines:
    """The lines the recompute fits on: known customers, converted, dated up to ``as_of``."""
    with workspace_atomic():
        ids = np.array(
            list(Customer.objects.order_by("pk").values_list("pk", flat=True)), dtype=np.int64
        )
        rates = load_rate_table(reporting_currency=workspace.reporting_currency)
        lines = load_sales_lines()
    end = day_number(as_of)
    position = np.minimum(np.searchsorted(ids, lines.customer_id), max(ids.size - 1, 0))
    known = (ids[position] == lines.customer_id) if ids.size else np.zeros(lines.count, bool)
    factors = conversion_factors(lines.day, lines.currency, rates)
    keep = known & ~np.isnan(factors) & (lines.day <= end)
    return PurchaseLines(
        ids=ids,
        customer=position[keep],
        day=lines.day[keep].astype(np.int64),
        net=lines.net_sales[keep] * factors[keep],
        as_of=end,
    )


class HoldoutRefused(ValueError):
    """The chosen holdout cannot be checked; the message says why, for the form field."""


def holdout_default(report: ModelReport) -> datetime.date | None:
    """A year before the data-as-of day, or the middle of the history when it is shorter."""
    end = report.data_as_of.day
    first_day = report.history_start
    if end is None or first_day is None:
        return None
    year_before = end - datetime.timedelta(days=365)
    if (year_before - first_day).days >= 365:
        return year_before
    return first_day + datetime.timedelta(days=(end - first_day).days // 2)


def holdout_check(
    *, workspace: Workspace, report: ModelReport, holdout_start: datetime.date
) -> HoldoutCalibration:
    """Fit on the days before ``holdout_start``; compare with the holdout up to data-as-of.

    Cached for an hour per workspace, holdout start, data-as-of day and
    recompute (any change of the sales lines leads to a new recompute), so
    the lines are read only when the answer is not known yet.
    """
    as_of = report.data_as_of.day
    if as_of is None:
        raise HoldoutRefused("There are no sales lines up to the data-as-of day yet.")
    key = (
        f"valuation-holdout:{workspace.pk}:{holdout_start.isoformat()}:{as_of.isoformat()}:"
        f"{report.computed_at.isoformat() if report.computed_at else ''}"
    )
    found: HoldoutCalibration | None = cache.get(key)
    if found is not None:
        return found
    lines = purchase_lines(workspace=workspace, as_of=as_of)
    if lines.day.size == 0:
        raise HoldoutRefused("There are no sales lines up to the data-as-of day yet.")
    start = int(lines.day.min())
    calibration_end = day_number(holdout_start) - 1
    if calibration_end - start < MIN_PERIOD_DAYS:
        first = EPOCH + datetime.timedelta(days=start)
        raise HoldoutRefused(
            f"Start the holdout at least {MIN_PERIOD_DAYS} days after the first sales line "
            f"({first.isoformat()}): the model needs a calibration period to learn from."
        )
    if lines.as_of - calibration_end < MIN_PERIOD_DAYS:
        raise HoldoutRefused(
            f"Start the holdout at least {MIN_PERIOD_DAYS} days before the data-as-of day "
            f"({(EPOCH + datetime.timedelta(days=lines.as_of)).isoformat()}), so there is "
            "something to compare with."
        )
    try:
        result = holdout_calibration(
            lines.customer,
            lines.day - start,
            lines.net,
            customers=int(lines.ids.size),
            calibration_end=calibration_end - start,
            holdout_end=lines.as_of - start,
        )
    except ValueError as error:
        raise HoldoutRefused(f"The calibration period cannot be fitted: {error}") from None
    cache.set(key, result, HOLDOUT_CACHE_SECONDS)
    return result


def probability_alive_values(*, workspace: Workspace) -> list[float]:
    return [
        float(value)
        for value in CustomerScore.objects.filter(
            workspace=workspace, probability_alive__isnull=False
        ).values_list("probability_alive", flat=True)
    ]


# -- the per-customer summary ------------------------------------------------------------


SUMMARY_HEADERS = (
    "Customer number",
    "Customer",
    "First purchase",
    "Last purchase",
    "Frequency (repeat purchases)",
    f"Recency ({TIME_UNIT})",
    f"T ({TIME_UNIT})",
    "Monetary value (average repeat purchase, {currency})",
    "Probability alive",
    f"Expected purchases, next {PREDICTION_DAYS} {TIME_UNIT}",
    "Expected purchase value ({currency})",
    "CLV, transactional ({currency})",
)


def summary_headers(currency: str) -> list[str]:
    return [header.replace("{currency}", currency) for header in SUMMARY_HEADERS]


def customer_summary_rows(*, workspace: Workspace, report: ModelReport) -> list[list[Any]]:
    """One row per customer with a purchase up to data-as-of, largest frequency first.

    Predictions are empty unless the fit is usable (status "fitted"), as on the pages.
    """
    as_of = report.data_as_of.day or report.calibration_end
    if as_of is None:
        return []
    lines = purchase_lines(workspace=workspace, as_of=as_of)
    if lines.day.size == 0:
        return []
    start = int(lines.day.min())
    summary = purchase_summary(
        lines.customer,
        lines.day - start,
        lines.net,
        customers=int(lines.ids.size),
        observation_end=lines.as_of - start,
    )
    buyers = np.flatnonzero(summary.has_purchases)
    x, t_x, age = summary.frequency[buyers], summary.recency[buyers], summary.T[buyers]
    money = summary.monetary_value[buyers]
    alive = expected = value = np.full(buyers.size, np.nan)
    if report.status == "fitted" and report.bgnbd is not None:
        purchases = BgNbdParameters(**_known_values(report.bgnbd))
        spend = (
            GammaGammaParameters(**_known_values(report.gamma_gamma))
            if report.gamma_gamma is not None
            else None
        )
        predictions = customer_predictions(
            purchases,
            spend,
            frequency=x,
            recency=t_x,
            T=age,
            monetary_value=money,
            horizon_days=PREDICTION_DAYS,
        )
        alive = predictions.probability_alive
        expected = predictions.expected_purchases
        value = predictions.expected_value
    ids = lines.ids[buyers]
    # Every customer in one query each (no IN list of 100,000 ids).
    known = {
        pk: (number, name)
        for pk, number, name in Customer.objects.filter(workspace=workspace).values_list(
            "pk", "external_id", "name"
        )
    }
    clv = dict(
        CustomerScore.objects.filter(workspace=workspace).values_list(
            "customer_id", "clv_transactional"
        )
    )
    end = EPOCH + datetime.timedelta(days=lines.as_of)
    rows = []
    for i, pk in enumerate(ids.tolist()):
        last = end - datetime.timedelta(days=int(age[i] - t_x[i]))
        first = end - datetime.timedelta(days=int(age[i]))
        rows.append(
            [
                *known.get(pk, ("", "")),
                first,
                last,
                int(x[i]),
                int(t_x[i]),
                int(age[i]),
                round(float(money[i]), 2) if x[i] > 0 else None,
                _rounded(alive[i], 4),
                _rounded(expected[i], 3),
                _rounded(value[i], 2),
                clv.get(pk),
            ]
        )
    rows.sort(key=lambda row: (-row[4], str(row[1])))
    return rows


def _known_values(view: ModelFitView) -> dict[str, float]:
    """The parameters of a usable fit (status "fitted": every value is a number)."""
    return {row.name: float(row.value) for row in view.parameters if row.value is not None}


def _rounded(value: float, digits: int) -> float | None:
    return round(float(value), digits) if np.isfinite(value) else None
