"""The workspace's valuation settings: reads, checked writes, a customer's own inputs.

Everything a score is computed from must be trustworthy, so every value is
checked here (where the pages, the API and the demo all pass) and a mistake
names the setting, its allowed range and what was entered. A change marks every
affected customer's scores stale in the same transaction
(:func:`accounts.dirty.mark_customers_dirty`; for the reporting currency
:func:`accounts.dirty.sales_inputs_changed`, which also refreshes the Open Space
UPV), so no page shows a number computed from the old settings as if it were
fresh. Exchange rates are in :mod:`accounts.exchange_rates`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.dirty import mark_customers_dirty, sales_inputs_changed
from accounts.exchange_rates import _check_currency, _plain, _rebase_rates
from accounts.models import ExchangeRate, ValuationSettings
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import update_if_version
from kam.workspaces.models import Workspace

REPORTING_CURRENCY = "reporting_currency"
#: The day the sales data is complete up to (see accounts.data_as_of); empty: the latest line.
DATA_AS_OF = "data_as_of"


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
    values[DATA_AS_OF] = settings.data_as_of
    return values


# -- checking ------------------------------------------------------------------


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


def _check_data_as_of(raw: Any) -> datetime.date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None  # follow the latest sales line again
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if isinstance(raw, datetime.date):
        day = raw
    else:
        try:
            day = datetime.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValidationError(
                f"Enter the data-as-of day as a date, for example 2026-06-30; you entered {raw!r}."
            ) from None
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            f"The data-as-of day cannot be after today ({today.isoformat()}): sales data cannot"
            f" be complete up to a day that has not come; you entered {day.isoformat()}."
        )
    return day


def check_settings(changes: Mapping[str, Any], *, current: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values of ``changes``; ``ValidationError({field: message})`` naming every mistake.

    ``current`` supplies the values not being changed, for the checks across
    fields (at least one weight above zero).
    """
    unknown = set(changes) - set(SETTINGS) - {REPORTING_CURRENCY, DATA_AS_OF}
    if unknown:
        raise TypeError(f"not a valuation setting: {', '.join(sorted(unknown))}")
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, raw in changes.items():
        try:
            if name == REPORTING_CURRENCY:
                cleaned[name] = _check_currency(raw, label="Reporting currency")
            elif name == DATA_AS_OF:
                cleaned[name] = _check_data_as_of(raw)
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
    elif SCORE_SETTINGS.intersection(cleaned) or DATA_AS_OF in cleaned:
        # A new data-as-of day moves every window and the purchase-model calibration.
        mark_customers_dirty(workspace=workspace, requested_by=user)
    return settings


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
