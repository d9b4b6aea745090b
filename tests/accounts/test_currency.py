"""Converting amounts to the reporting currency with dated exchange rates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
import pytest

from accounts.currency import (
    conversion_factors,
    convert_amount,
    currency_code,
    currency_name,
    day_number,
    load_rate_table,
    missing_rates,
)
from accounts.models import ExchangeRate
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld

JAN = datetime.date(2025, 1, 1)
JUL = datetime.date(2025, 7, 1)


@pytest.fixture
def rates(world: WorkspaceWorld) -> WorkspaceWorld:
    with workspace_context(world.a.workspace):
        ExchangeRate.objects.create(currency="USD", valid_from=JAN, rate=Decimal("0.9"))
        ExchangeRate.objects.create(currency="USD", valid_from=JUL, rate=Decimal("0.8"))
    with workspace_context(world.b.workspace):
        ExchangeRate.objects.create(currency="GBP", valid_from=JAN, rate=Decimal("1.2"))
    return world


def test_each_line_uses_the_latest_rate_on_or_before_its_date(rates: WorkspaceWorld) -> None:
    with workspace_context(rates.a.workspace):
        table = load_rate_table(reporting_currency="EUR")
    days = [
        datetime.date(2024, 12, 31),  # before the first USD rate: none
        JAN,
        datetime.date(2025, 6, 30),
        JUL,
        datetime.date(2026, 3, 1),
        datetime.date(2020, 1, 1),  # EUR is the reporting currency: always 1
        JUL,  # GBP has rates only in workspace B
    ]
    currencies = ["USD", "USD", "USD", "USD", "USD", "EUR", "GBP"]
    factors = conversion_factors(
        np.array([day_number(d) for d in days]),
        np.array([currency_code(c) for c in currencies]),
        table,
    )
    np.testing.assert_allclose(factors, [np.nan, 0.9, 0.9, 0.8, 0.8, 1.0, np.nan])


def test_missing_rates_are_reported_with_currencies_and_dates(rates: WorkspaceWorld) -> None:
    with workspace_context(rates.a.workspace):
        table = load_rate_table(reporting_currency="EUR")
    days = np.array([day_number(datetime.date(2024, 5, 1)), day_number(JUL), day_number(JUL)])
    codes = np.array([currency_code("USD"), currency_code("GBP"), currency_code("USD")])
    report = missing_rates(days, codes, conversion_factors(days, codes, table))
    assert report.lines == 2
    assert report.currencies == ("GBP", "USD")
    assert (report.first_day, report.last_day) == (datetime.date(2024, 5, 1), JUL)
    assert "2 sales lines in GBP, USD were left out" in report.sentence("EUR")


def test_single_amounts(rates: WorkspaceWorld) -> None:
    with workspace_context(rates.a.workspace):
        table = load_rate_table(reporting_currency="EUR")
    assert convert_amount(Decimal("100.00"), currency="USD", on=JUL, table=table) == Decimal(
        "80.00"
    )
    assert convert_amount(Decimal("100.00"), currency="EUR", on=JUL, table=table) == Decimal(
        "100.00"
    )
    assert convert_amount(Decimal("100.00"), currency="CHF", on=JUL, table=table) is None


def test_currency_codes_round_trip() -> None:
    assert currency_name(currency_code("usd")) == "USD"
    assert currency_code("EUR") != currency_code("EUX")
