"""The workspace's valuation settings and exchange rates: reads, checked writes, conversion.

Everything a score is computed from must be trustworthy, so every value is
checked here (where the pages, the API and the demo all pass) and a mistake
names the setting, its allowed range and what was entered. A change marks every
affected customer's scores stale in the same transaction
(:func:`accounts.dirty.mark_customers_dirty`; for rates and the reporting
currency :func:`accounts.dirty.sales_inputs_changed`, which also refreshes the
Open Space UPV), so no page shows a number computed from the old settings as if
it were fresh.

Exchange rates say how many reporting-currency units one unit of a currency was
worth from ``valid_from`` until the currency's next rate (see
:mod:`accounts.currency` for the vectorised conversion the recompute uses).
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min

from accounts.dirty import mark_customers_dirty, sales_inputs_changed
from accounts.models import ExchangeRate, SalesLine, ValuationSettings
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import update_if_version
from kam.workspaces.models import Workspace

RATE_PLACES = Decimal("0.00000001")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
REPORTING_CURRENCY = "reporting_currency"


@dataclass(frozen=True)
class Setting:
    """One valuation setting: its label and allowed range, for checks and help text."""

    name: str
    label: str
    minimum: Decimal | None
    maximum: Decimal | None
    whole: bool = False
    # How the range reads to a person ("0 and 1 (0 % to 100 %)").
    range_words: str = ""


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "discount_rate",
            "Discount rate",
            Decimal(0),
            Decimal(1),
            False,
            "0 and 1 (0 % to 100 %)",
        ),
        Setting(
            "retention",
            "Retention",
            Decimal(0),
            Decimal(1),
            False,
            "0 and 1 (0 % to 100 % of customers staying each year)",
        ),
        Setting("horizon_years", "Horizon", Decimal(1), Decimal(50), True, "1 and 50 years"),
        Setting("acquisition_cost", "Acquisition cost", Decimal(0), None),
        Setting(
            "loyalty_threshold",
            "Loyalty threshold",
            Decimal(0),
            Decimal(1),
            False,
            "0 and 1 (0 % to 100 % of recent periods with purchases)",
        ),
        Setting(
            "profitability_threshold",
            "Profitability threshold",
            Decimal(-1),
            Decimal(1),
            False,
            "-1 and 1 (-100 % to 100 % margin on sales)",
        ),
        Setting("weight_size", "Weight of size", Decimal(0), Decimal("999.99")),
        Setting(
            "weight_strategic_importance",
            "Weight of strategic importance",
            Decimal(0),
            Decimal("999.99"),
        ),
        Setting("weight_clv", "Weight of CLV", Decimal(0), Decimal("999.99")),
        Setting("weight_upv", "Weight of UPV", Decimal(0), Decimal("999.99")),
        Setting("weight_account_fit", "Weight of account fit", Decimal(0), Decimal("999.99")),
        Setting(
            "weight_relationship", "Weight of relationship method", Decimal(0), Decimal("999.99")
        ),
        Setting(
            "max_key_accounts", "Most key accounts", Decimal(1), Decimal(1000), True, "1 and 1,000"
        ),
        Setting(
            "max_accounts_per_kam",
            "Most accounts per key account manager",
            Decimal(1),
            Decimal(100),
            True,
            "1 and 100",
        ),
    )
}
WEIGHT_FIELDS: tuple[str, ...] = tuple(name for name in SETTINGS if name.startswith("weight_"))
#: Settings whose change leaves every score stale (the program limits only drive warnings).
SCORE_SETTINGS: frozenset[str] = frozenset(SETTINGS) - {"max_key_accounts", "max_accounts_per_kam"}


# -- reading -------------------------------------------------------------------


def valuation_settings_get(*, workspace: Workspace) -> ValuationSettings:
    """The workspace's settings, creating the default row on first use."""
    found = ValuationSettings.objects.filter(workspace=workspace).first()
    if found is not None:
        return found
    try:
        # A savepoint: two first requests at once must not break the caller's
        # transaction; the loser reads the winner's row.
        with transaction.atomic():
            return ValuationSettings.objects.create(workspace=workspace)
    except IntegrityError:
        return ValuationSettings.objects.get(workspace=workspace)


def settings_values(settings: ValuationSettings, workspace: Workspace) -> dict[str, Any]:
    """Every setting by name, the reporting currency included (for forms and conflicts)."""
    values: dict[str, Any] = {name: getattr(settings, name) for name in SETTINGS}
    values[REPORTING_CURRENCY] = workspace.reporting_currency
    return values


# -- checking ------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _check_setting(setting: Setting, raw: Any) -> Decimal | int:
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(f"{setting.label} is required.")
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"{setting.label} must be a number; you entered {raw!r}.") from None
    if not value.is_finite():
        raise ValidationError(f"{setting.label} must be a number; you entered {raw!r}.")
    entered = _plain(value)
    if setting.maximum is None:
        if setting.minimum is not None and value < setting.minimum:
            raise ValidationError(
                f"{setting.label} must be {_plain(setting.minimum)} or more; you entered {entered}."
            )
    elif not setting.minimum <= value <= setting.maximum:  # type: ignore[operator]
        words = setting.range_words or f"{_plain(setting.minimum)} and {_plain(setting.maximum)}"  # type: ignore[arg-type]
        raise ValidationError(f"{setting.label} must be between {words}; you entered {entered}.")
    if setting.whole:
        if value != value.to_integral_value():
            raise ValidationError(f"{setting.label} must be a whole number; you entered {entered}.")
        return int(value)
    return value


def check_settings(changes: Mapping[str, Any], *, current: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values of ``changes``; ``ValidationError({field: message})`` naming every mistake.

    ``current`` supplies the values not being changed, for the checks across
    fields (at least one weight above zero).
    """
    unknown = set(changes) - set(SETTINGS) - {REPORTING_CURRENCY}
    if unknown:
        raise TypeError(f"not a valuation setting: {', '.join(sorted(unknown))}")
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, raw in changes.items():
        try:
            if name == REPORTING_CURRENCY:
                cleaned[name] = _check_currency(raw, label="Reporting currency")
            else:
                cleaned[name] = _check_setting(SETTINGS[name], raw)
        except ValidationError as error:
            errors[name] = error.messages[0]
    if not errors and WEIGHT_FIELDS and any(name in cleaned for name in WEIGHT_FIELDS):
        weights = {name: cleaned.get(name, current.get(name)) for name in WEIGHT_FIELDS}
        if all(Decimal(str(value)) == 0 for value in weights.values()):
            errors[next(name for name in WEIGHT_FIELDS if name in cleaned)] = (
                "At least one scorecard weight must be above 0; with every weight at 0 no"
                " customer could be ranked."
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_currency(raw: Any, *, label: str = "Currency") -> str:
    text = str(raw or "").strip().upper()
    if not CURRENCY_PATTERN.match(text):
        raise ValidationError(
            f"{label} must be a three-letter ISO 4217 code such as EUR or USD; you entered {raw!r}."
        )
    return text


# -- writing -------------------------------------------------------------------


@transaction.atomic
def valuation_settings_update(
    *,
    workspace: Workspace,
    expected_version: int,
    changes: Mapping[str, Any],
    user: User | None = None,
) -> ValuationSettings:
    """Change settings if nobody changed them since ``expected_version``.

    Raises ``ValidationError`` (field -> message) for a value out of range and
    :class:`kam.concurrency.VersionConflict` for a stale version. A changed
    reporting currency re-bases every exchange rate on the new currency (which
    therefore needs rates of its own first), so existing rates stay true.
    """
    settings = valuation_settings_get(workspace=workspace)
    cleaned = check_settings(changes, current=settings_values(settings, workspace))
    new_currency = cleaned.pop(REPORTING_CURRENCY, workspace.reporting_currency)
    currency_changed = new_currency != workspace.reporting_currency
    if currency_changed:
        _check_rebase_possible(workspace=workspace, new_currency=new_currency)
    # The version bumps even for a currency-only change: the settings' version
    # guards the reporting currency too (a workspace row has no version).
    before = change_log_values(settings, cleaned)
    update_if_version(settings, expected_version=expected_version, changes=cleaned)
    logged = change_log_diff(settings, before)
    if currency_changed:
        logged.append(
            {
                "field": REPORTING_CURRENCY,
                "label": "reporting currency",
                "from": workspace.reporting_currency,
                "to": new_currency,
            }
        )
    change_log_record(
        workspace=workspace,
        obj=settings,
        action=ChangeAction.CHANGED,
        changes=logged,
        label="the valuation settings",
    )
    if currency_changed:
        _rebase_rates(workspace=workspace, new_currency=new_currency)
        workspace.reporting_currency = new_currency
        Workspace.objects.filter(pk=workspace.pk).update(reporting_currency=new_currency)
    if currency_changed:
        # Every rate was rebased: every converted amount (scores, Open Space sales) moves.
        sales_inputs_changed(workspace=workspace, customer_ids=None, requested_by=user)
    elif SCORE_SETTINGS.intersection(cleaned):
        mark_customers_dirty(workspace=workspace, requested_by=user)
    return settings


def _rates_by_currency(workspace: Workspace) -> dict[str, list[tuple[datetime.date, Decimal]]]:
    by_currency: dict[str, list[tuple[datetime.date, Decimal]]] = {}
    rows = ExchangeRate.objects.filter(workspace=workspace).order_by("currency", "valid_from")
    for currency, valid_from, rate in rows.values_list("currency", "valid_from", "rate"):
        by_currency.setdefault(currency, []).append((valid_from, rate))
    return by_currency


def _check_rebase_possible(*, workspace: Workspace, new_currency: str) -> None:
    if not ExchangeRate.objects.filter(workspace=workspace, currency=new_currency).exists():
        raise ValidationError(
            {
                REPORTING_CURRENCY: (
                    f"There is no exchange rate for {new_currency} yet. Add at least one"
                    f" {new_currency} rate (in {workspace.reporting_currency}) first: every"
                    f" other rate is converted through it to {new_currency}."
                )
            }
        )


def _rate_on(history: list[tuple[datetime.date, Decimal]], day: datetime.date) -> Decimal | None:
    position = bisect.bisect_right([d for d, _ in history], day) - 1
    return history[position][1] if position >= 0 else None


def _rebase_rates(*, workspace: Workspace, new_currency: str) -> None:
    """Express every rate in ``new_currency`` instead of the old reporting currency.

    With X the new currency: C in X on day d = (C in old) / (X in old), on every
    day either rate changed; the old reporting currency gets 1 / (X in old).
    Days before X's first rate get no rate, and the missing-rate list says so.
    """
    old_currency = workspace.reporting_currency
    history = _rates_by_currency(workspace)
    pivot = history.pop(new_currency)
    history.pop(old_currency, None)  # a stray rate of the reporting currency means nothing
    rebased: list[ExchangeRate] = [
        ExchangeRate(
            workspace=workspace,
            currency=old_currency,
            valid_from=day,
            rate=(Decimal(1) / rate).quantize(RATE_PLACES, ROUND_HALF_UP),
        )
        for day, rate in pivot
    ]
    for currency, rates in history.items():
        days = sorted({d for d, _ in rates} | {d for d, _ in pivot})
        for day in days:
            own, through = _rate_on(rates, day), _rate_on(pivot, day)
            if own is None or through is None:
                continue
            rebased.append(
                ExchangeRate(
                    workspace=workspace,
                    currency=currency,
                    valid_from=day,
                    rate=max((own / through).quantize(RATE_PLACES, ROUND_HALF_UP), RATE_PLACES),
                )
            )
    ExchangeRate.objects.filter(workspace=workspace).delete()
    ExchangeRate.objects.bulk_create(rebased, batch_size=1000)


def _check_rate_values(
    *, workspace: Workspace, currency: Any, valid_from: Any, rate: Any
) -> tuple[str, datetime.date, Decimal]:
    errors: dict[str, str] = {}
    code = ""
    try:
        code = _check_currency(currency)
        if code == workspace.reporting_currency:
            errors["currency"] = (
                f"{code} is the reporting currency: it always converts at 1 and needs no rate."
            )
    except ValidationError as error:
        errors["currency"] = error.messages[0]
    day = valid_from
    if isinstance(valid_from, str):
        try:
            day = datetime.date.fromisoformat(valid_from)
        except ValueError:
            errors["valid_from"] = f"Enter the date as YYYY-MM-DD; you entered {valid_from!r}."
    elif not isinstance(valid_from, datetime.date):
        errors["valid_from"] = "Enter the date from which the rate holds."
    value = Decimal(0)
    try:
        value = Decimal(str(rate).strip().replace(",", "."))
        if not value.is_finite() or value <= 0:
            errors["rate"] = f"The rate must be a number above 0; you entered {_plain_raw(rate)}."
        elif value.quantize(RATE_PLACES, ROUND_HALF_UP) == 0:
            errors["rate"] = (
                f"The rate is too small to store (8 decimal places); you entered {rate}."
            )
        elif value >= Decimal("1e10"):
            errors["rate"] = f"The rate must be below 10,000,000,000; you entered {rate}."
    except InvalidOperation:
        errors["rate"] = f"The rate must be a number above 0; you entered {rate!r}."
    if errors:
        raise ValidationError(errors)
    return code, day, value.quantize(RATE_PLACES, ROUND_HALF_UP)


def _plain_raw(raw: Any) -> str:
    try:
        return _plain(Decimal(str(raw)))
    except InvalidOperation:
        return repr(raw)


def _currency_rates_changed(
    *, workspace: Workspace, currencies: Iterable[str], user: User | None
) -> None:
    """Rates of ``currencies`` changed: the customers with sales in them have new figures."""
    customer_ids = (
        SalesLine.objects.filter(workspace=workspace, currency__in=list(currencies))
        .values_list("customer_id", flat=True)
        .distinct()
    )
    sales_inputs_changed(workspace=workspace, customer_ids=list(customer_ids), requested_by=user)


@transaction.atomic
def exchange_rate_set(
    *,
    workspace: Workspace,
    currency: str,
    valid_from: datetime.date | str,
    rate: Decimal | str | float,
    user: User | None = None,
) -> ExchangeRate:
    """Add the rate of ``currency`` from ``valid_from``, or replace that day's rate."""
    code, day, value = _check_rate_values(
        workspace=workspace, currency=currency, valid_from=valid_from, rate=rate
    )
    exchange_rate, _ = ExchangeRate.objects.update_or_create(
        workspace=workspace, currency=code, valid_from=day, defaults={"rate": value}
    )
    change_log_record(
        workspace=workspace,
        obj=exchange_rate,
        action=ChangeAction.CHANGED,
        summary=f"set the exchange rate {exchange_rate}",
    )
    _currency_rates_changed(workspace=workspace, currencies=[code], user=user)
    return exchange_rate


@transaction.atomic
def exchange_rate_update(
    *,
    workspace: Workspace,
    exchange_rate: ExchangeRate,
    currency: str,
    valid_from: datetime.date | str,
    rate: Decimal | str | float,
    user: User | None = None,
) -> ExchangeRate:
    """Change one stored rate (its currency, date or value)."""
    if exchange_rate.workspace_id != workspace.pk:
        raise ValueError(f"{exchange_rate!r} belongs to another workspace")
    code, day, value = _check_rate_values(
        workspace=workspace, currency=currency, valid_from=valid_from, rate=rate
    )
    clash = ExchangeRate.objects.filter(workspace=workspace, currency=code, valid_from=day)
    if clash.exclude(pk=exchange_rate.pk).exists():
        raise ValidationError(
            {"valid_from": f"There is already a {code} rate from {day}; change that one instead."}
        )
    previous = exchange_rate.currency
    before = change_log_values(exchange_rate, ["currency", "valid_from", "rate"])
    exchange_rate.currency, exchange_rate.valid_from, exchange_rate.rate = code, day, value
    exchange_rate.save()
    change_log_record(
        workspace=workspace,
        obj=exchange_rate,
        action=ChangeAction.CHANGED,
        changes=change_log_diff(exchange_rate, before),
        label=f"the exchange rate of {code}",
    )
    _currency_rates_changed(workspace=workspace, currencies={previous, code}, user=user)
    return exchange_rate


@transaction.atomic
def exchange_rate_delete(
    *, workspace: Workspace, exchange_rate: ExchangeRate, user: User | None = None
) -> None:
    if exchange_rate.workspace_id != workspace.pk:
        raise ValueError(f"{exchange_rate!r} belongs to another workspace")
    currency = exchange_rate.currency
    change_log_record(
        workspace=workspace,
        obj=exchange_rate,
        action=ChangeAction.DELETED,
        label=f"the exchange rate {exchange_rate}",
    )
    exchange_rate.delete()
    _currency_rates_changed(workspace=workspace, currencies=[currency], user=user)


# -- conversion ----------------------------------------------------------------


def rate_for(*, workspace: Workspace, currency: str, on: datetime.date) -> Decimal | None:
    """Reporting-currency units for one unit of ``currency`` on ``on``; ``None``: no rate yet."""
    code = currency.upper()
    if code == workspace.reporting_currency:
        return Decimal(1)
    found = (
        ExchangeRate.objects.filter(workspace=workspace, currency=code, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    return found


# -- selectors for the exchange-rate page -------------------------------------


@dataclass(frozen=True)
class MissingRateGap:
    """Sales lines of one currency dated before its first rate (or with no rate at all)."""

    currency: str
    first_rate: datetime.date | None
    lines: int
    first_line: datetime.date
    last_line: datetime.date

    @property
    def sentence(self) -> str:
        lines = f"{self.lines:,} line{'s' if self.lines != 1 else ''} affected"
        if self.first_rate is None:
            return f"{self.currency}: no rate at all, {lines}"
        return f"{self.currency}: no rate before {self.first_rate.isoformat()}, {lines}"


def exchange_rates_by_currency(*, workspace: Workspace) -> dict[str, list[ExchangeRate]]:
    """Every rate, grouped by currency, newest first within a currency."""
    grouped: dict[str, list[ExchangeRate]] = {}
    for rate in ExchangeRate.objects.filter(workspace=workspace).order_by(
        "currency", "-valid_from"
    ):
        grouped.setdefault(rate.currency, []).append(rate)
    return grouped


def missing_rate_gaps(*, workspace: Workspace) -> list[MissingRateGap]:
    """Currencies of sales lines that lack a rate for some of their dates.

    A rate holds until the next one, so the only uncovered days of a currency
    are those before its first rate: one count per currency, a few queries.
    """
    first_rates = dict(
        ExchangeRate.objects.filter(workspace=workspace)
        .values("currency")
        .annotate(first=Min("valid_from"))
        .values_list("currency", "first")
    )
    lines = SalesLine.objects.filter(workspace=workspace).exclude(
        currency=workspace.reporting_currency
    )
    gaps: list[MissingRateGap] = []
    for row in (
        lines.values("currency")
        .annotate(count=Count("pk"), first=Min("date"), last=Max("date"))
        .order_by("currency")
    ):
        currency = row["currency"]
        first_rate = first_rates.get(currency)
        if first_rate is None:
            gaps.append(MissingRateGap(currency, None, row["count"], row["first"], row["last"]))
            continue
        if row["first"] >= first_rate:
            continue
        uncovered = lines.filter(currency=currency, date__lt=first_rate).aggregate(
            count=Count("pk"), first=Min("date"), last=Max("date")
        )
        gaps.append(
            MissingRateGap(
                currency, first_rate, uncovered["count"], uncovered["first"], uncovered["last"]
            )
        )
    return gaps


def sales_currencies(*, workspace: Workspace) -> list[str]:
    """Currencies the sales lines are in, besides the reporting currency."""
    return list(
        SalesLine.objects.filter(workspace=workspace)
        .exclude(currency=workspace.reporting_currency)
        .order_by("currency")
        .values_list("currency", flat=True)
        .distinct()
    )


# -- a customer's own inputs -----------------------------------------------------

#: Per-account overrides and the workspace setting whose range they share.
OVERRIDES: dict[str, str] = {
    "discount_rate_override": "discount_rate",
    "retention_override": "retention",
    "horizon_years_override": "horizon_years",
    "acquisition_cost_override": "acquisition_cost",
}


def check_customer_inputs(changes: Mapping[str, Any], *, current: Any | None = None) -> None:
    """Check a customer's scorecard inputs and CLV overrides; ``ValidationError`` per field.

    ``current`` is the customer as stored (``None`` for a new one), so a
    strategic importance kept from before still needs its reason.
    """
    errors: dict[str, str] = {}
    for name, setting_name in OVERRIDES.items():
        value = changes.get(name)
        if value is None:
            continue
        try:
            _check_setting(SETTINGS[setting_name], value)
        except ValidationError as error:
            errors[name] = f"Override: {error.messages[0]}"
    for name in ("strategic_importance", "fit_strategic", "fit_operational", "fit_cultural"):
        value = changes.get(name)
        if value is not None and (isinstance(value, bool) or value not in range(1, 6)):
            errors[name] = f"Use a whole number from 1 to 5; you entered {value}."
    upv = changes.get("upv_estimate")
    if upv is not None and Decimal(str(upv)) < 0:
        errors["upv_estimate"] = f"The UPV estimate must be 0 or more; you entered {upv}."

    def merged(name: str) -> Any:
        if name in changes:
            return changes[name]
        return getattr(current, name, None) if current is not None else None

    if (
        merged("strategic_importance") is not None
        and not str(merged("strategic_importance_reason") or "").strip()
    ):
        errors.setdefault(
            "strategic_importance_reason",
            "Say why this customer has this strategic importance (for example: trend setter,"
            " innovator, reference customer); the judgement needs a written reason.",
        )
    if errors:
        raise ValidationError(errors)
