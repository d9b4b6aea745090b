"""Exchange rates: checked writes, dated lookups, bulk conversion and the missing-rate list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.currency import convert_amount, load_rate_table
from accounts.exchange_rates import (
    exchange_rate_delete,
    exchange_rate_set,
    exchange_rate_update,
    missing_rate_gaps,
    rate_for,
)
from accounts.models import Customer, ExchangeRate, SalesLine
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld

JAN = datetime.date(2024, 1, 1)
MAR = datetime.date(2024, 3, 1)


@pytest.fixture
def usd(world: WorkspaceWorld) -> WorkspaceWorld:
    with workspace_context(world.a.workspace):
        exchange_rate_set(workspace=world.a.workspace, currency="USD", valid_from=MAR, rate="0.9")
        exchange_rate_set(
            workspace=world.a.workspace, currency="usd", valid_from="2024-06-01", rate="0.8"
        )
    return world


def test_a_rate_holds_from_its_date_until_the_next(usd: WorkspaceWorld) -> None:
    ws = usd.a.workspace
    with workspace_context(ws):
        assert rate_for(workspace=ws, currency="USD", on=datetime.date(2024, 2, 29)) is None
        assert rate_for(workspace=ws, currency="USD", on=MAR) == Decimal("0.9")
        assert rate_for(workspace=ws, currency="USD", on=datetime.date(2024, 5, 31)) == Decimal(
            "0.9"
        )
        assert rate_for(workspace=ws, currency="usd", on=datetime.date(2030, 1, 1)) == Decimal(
            "0.8"
        )
        assert rate_for(workspace=ws, currency="EUR", on=JAN) == Decimal(1)
    with workspace_context(usd.b.workspace):
        assert rate_for(workspace=usd.b.workspace, currency="USD", on=MAR) is None


def test_setting_the_same_day_again_replaces_the_rate(usd: WorkspaceWorld) -> None:
    with workspace_context(usd.a.workspace):
        exchange_rate_set(workspace=usd.a.workspace, currency="USD", valid_from=MAR, rate="0.95")
        assert ExchangeRate.objects.filter(currency="USD").count() == 2
        assert ExchangeRate.objects.get(currency="USD", valid_from=MAR).rate == Decimal("0.95")


@pytest.mark.parametrize(
    ("currency", "valid_from", "rate", "field", "message"),
    [
        ("US", MAR, "1", "currency", "three-letter ISO 4217 code"),
        ("EUR", MAR, "1", "currency", "EUR is the reporting currency"),
        ("USD", "01.03.2024", "1", "valid_from", "Enter the date as YYYY-MM-DD"),
        ("USD", MAR, "0", "rate", "The rate must be a number above 0; you entered 0."),
        ("USD", MAR, "-1.5", "rate", "you entered -1.5."),
        ("USD", MAR, "abc", "rate", "The rate must be a number above 0"),
    ],
)
def test_bad_rates_get_specific_messages(
    world: WorkspaceWorld, currency: str, valid_from: object, rate: str, field: str, message: str
) -> None:
    with workspace_context(world.a.workspace), pytest.raises(ValidationError) as caught:
        exchange_rate_set(
            workspace=world.a.workspace,
            currency=currency,
            valid_from=valid_from,  # type: ignore[arg-type]
            rate=rate,
        )
    assert message in caught.value.message_dict[field][0]


def test_editing_onto_an_existing_day_is_refused(usd: WorkspaceWorld) -> None:
    with workspace_context(usd.a.workspace):
        june = ExchangeRate.objects.get(currency="USD", valid_from=datetime.date(2024, 6, 1))
        with pytest.raises(ValidationError, match="already a USD rate from 2024-03-01"):
            exchange_rate_update(
                workspace=usd.a.workspace,
                exchange_rate=june,
                currency="USD",
                valid_from=MAR,
                rate="1",
            )
        exchange_rate_update(
            workspace=usd.a.workspace,
            exchange_rate=june,
            currency="USD",
            valid_from="2024-07-01",
            rate="0.85",
        )
        june.refresh_from_db()
        assert (june.valid_from, june.rate) == (datetime.date(2024, 7, 1), Decimal("0.85"))


def _lines(world: WorkspaceWorld) -> Customer:
    customer = world.a.customer
    assert customer is not None
    for day, currency in [
        (datetime.date(2024, 1, 15), "USD"),
        (datetime.date(2024, 2, 15), "USD"),
        (datetime.date(2024, 4, 15), "USD"),
        (datetime.date(2024, 4, 15), "GBP"),
        (datetime.date(2024, 4, 15), "EUR"),
    ]:
        SalesLine.objects.create(
            customer=customer,
            date=day,
            net_sales=Decimal("100"),
            currency=currency,
            source_key=f"{currency}-{day}",
        )
    return customer


def test_missing_rates_list_each_currency_and_the_lines_affected(usd: WorkspaceWorld) -> None:
    with workspace_context(usd.a.workspace):
        _lines(usd)
        gaps = missing_rate_gaps(workspace=usd.a.workspace)
    assert [gap.sentence for gap in gaps] == [
        "GBP: no rate at all, 1 line affected",
        "USD: no rate before 2024-03-01, 2 lines affected",
    ]


def test_a_new_rate_marks_only_customers_with_lines_in_that_currency_dirty(
    usd: WorkspaceWorld,
) -> None:
    with workspace_context(usd.a.workspace):
        buyer = _lines(usd)
        other = Customer.objects.create(external_id="a-C2", name="Euro only")
        Customer.objects.update(scores_dirty=False)
        exchange_rate_set(workspace=usd.a.workspace, currency="GBP", valid_from=JAN, rate="1.17")
        assert set(Customer.objects.filter(scores_dirty=True)) == {buyer}
        Customer.objects.update(scores_dirty=False)
        exchange_rate_delete(
            workspace=usd.a.workspace, exchange_rate=ExchangeRate.objects.get(currency="GBP")
        )
        assert set(Customer.objects.filter(scores_dirty=True)) == {buyer}
        assert other.pk


def test_the_converter_converts_many_amounts_with_dated_rates(usd: WorkspaceWorld) -> None:
    """The rates entered here feed the one shared converter (accounts.currency)."""
    with workspace_context(usd.a.workspace):
        table = load_rate_table(reporting_currency=usd.a.workspace.reporting_currency)

    def convert(amount: Decimal, currency: str, on: datetime.date) -> Decimal | None:
        return convert_amount(amount, currency=currency, on=on, table=table)

    assert convert(Decimal("100"), "USD", datetime.date(2024, 3, 31)) == Decimal("90.00")
    assert convert(Decimal("100"), "USD", datetime.date(2024, 6, 1)) == Decimal("80.00")
    assert convert(Decimal("-10.01"), "EUR", JAN) == Decimal("-10.01")
    assert convert(Decimal("100"), "USD", JAN) is None
    assert convert(Decimal("100"), "GBP", MAR) is None


# -- the page --------------------------------------------------------------------

RATES = "/settings/valuation/rates/"


def _client(world: WorkspaceWorld, role: str) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def test_the_page_lists_rates_by_currency_and_the_missing_ones(usd: WorkspaceWorld) -> None:
    with workspace_context(usd.a.workspace):
        _lines(usd)
    response = _client(usd, "viewer").get(RATES)
    page = response.content.decode()
    assert response.status_code == 200
    assert "USD: no rate before 2024-03-01, 2 lines affected" in page
    assert "GBP: no rate at all, 1 line affected" in page
    assert "2024-06-01" in page and "0.8" in page
    assert "Add rate" not in page


def test_an_admin_adds_edits_and_deletes_a_rate(usd: WorkspaceWorld) -> None:
    client = _client(usd, "admin")
    response = client.post(
        RATES + "add/", {"currency": "gbp", "valid_from": "2024-01-01", "rate": "1,17"}
    )
    assert response.status_code == 302
    with workspace_context(usd.a.workspace):
        gbp = ExchangeRate.objects.get(currency="GBP")
    assert gbp.rate == Decimal("1.17")
    response = client.post(
        f"{RATES}{gbp.pk}/", {"currency": "GBP", "valid_from": "2024-01-01", "rate": "1.2"}
    )
    assert response.status_code == 302
    with workspace_context(usd.a.workspace):
        gbp.refresh_from_db()
    assert gbp.rate == Decimal("1.2")
    assert client.post(f"{RATES}{gbp.pk}/delete/").status_code == 302
    with workspace_context(usd.a.workspace):
        assert not ExchangeRate.objects.filter(currency="GBP").exists()


def test_a_bad_rate_is_refused_with_its_reason(usd: WorkspaceWorld) -> None:
    response = _client(usd, "admin").post(
        RATES + "add/", {"currency": "EUR", "valid_from": "2024-01-01", "rate": "1"}
    )
    assert response.status_code == 400
    assert "EUR is the reporting currency" in response.content.decode()


def test_rates_of_another_workspace_answer_404_and_non_admins_change_nothing(
    usd: WorkspaceWorld,
) -> None:
    with workspace_context(usd.a.workspace):
        rate = ExchangeRate.objects.get(currency="USD", valid_from=MAR)
    other = Client()
    other.force_login(usd.b.user("admin"))
    assert other.get(f"{RATES}{rate.pk}/").status_code == 404
    assert other.post(f"{RATES}{rate.pk}/delete/").status_code == 404
    assert _client(usd, "executive").post(f"{RATES}{rate.pk}/delete/").status_code == 403
    with workspace_context(usd.a.workspace):
        assert ExchangeRate.objects.filter(pk=rate.pk).exists()
