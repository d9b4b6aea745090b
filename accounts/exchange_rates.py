"""The workspace's exchange rates: checked writes, conversion, the gaps the page lists.

Exchange rates say how many reporting-currency units one unit of a currency was
worth from ``valid_from`` until the currency's next rate (see
:mod:`accounts.currency` for the vectorised conversion the recompute uses). A
change marks the customers with sales in that currency stale in the same
transaction (:func:`accounts.dirty.sales_inputs_changed`, which also refreshes
the Open Space UPV).
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min

from accounts.dirty import sales_inputs_changed
from accounts.models import ExchangeRate, SalesLine
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.workspaces.models import Workspace

RATE_PLACES = Decimal("0.00000001")


CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _check_currency(raw: Any, *, label: str = "Currency") -> str:
    text = str(raw or "").strip().upper()
    if not CURRENCY_PATTERN.match(text):
        raise ValidationError(
            f"{label} must be a three-letter ISO 4217 code such as EUR or USD; you entered {raw!r}."
        )
    return text


# -- writing -------------------------------------------------------------------


def _rates_by_currency(workspace: Workspace) -> dict[str, list[tuple[datetime.date, Decimal]]]:
    by_currency: dict[str, list[tuple[datetime.date, Decimal]]] = {}
    rows = ExchangeRate.objects.filter(workspace=workspace).order_by("currency", "valid_from")
    for currency, valid_from, rate in rows.values_list("currency", "valid_from", "rate"):
        by_currency.setdefault(currency, []).append((valid_from, rate))
    return by_currency


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
