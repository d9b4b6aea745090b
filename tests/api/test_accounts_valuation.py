"""Valuation settings and exchange rates through the API."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Customer, ExchangeRate, SalesLine, ValuationSettings
from kam.tenancy.context import workspace_context
from tests.api.conftest import TokenClient
from tests.factories import WorkspaceWorld

SETTINGS = "/api/v1/valuation-settings/"
RATES = "/api/v1/exchange-rates/"


def test_everyone_reads_the_settings_with_an_etag(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    response = token_client(world.a, "viewer").get(SETTINGS)
    assert response.status_code == 200
    body = response.json()
    assert (body["discount_rate"], body["horizon_years"], body["reporting_currency"]) == (
        "0.1000",
        5,
        "EUR",
    )
    assert response["ETag"] == '"1"'


def test_patch_needs_if_match_and_the_settings_role(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    admin = token_client(world.a, "admin")
    assert admin.patch(SETTINGS, {"retention": "0.8"}, format="json").status_code == 428
    executive = token_client(world.a, "executive")
    refused = executive.patch(SETTINGS, {"retention": "0.8"}, format="json", HTTP_IF_MATCH='"1"')
    assert refused.status_code == 403
    response = admin.patch(SETTINGS, {"retention": "0.8"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert (response.json()["retention"], response["ETag"]) == ("0.8000", '"2"')
    with workspace_context(world.b.workspace):
        assert not ValuationSettings.objects.exists()


def test_out_of_range_values_are_refused_with_their_range(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    admin = token_client(world.a, "admin")
    admin.get(SETTINGS)
    response = admin.patch(
        SETTINGS,
        {"discount_rate": "-0.05", "retention": "1.2"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["discount_rate"] == [
        "Discount rate must be between 0 and 1 (0 % to 100 %); you entered -0.05."
    ]
    assert "you entered 1.2." in errors["retention"][0]


def test_a_stale_if_match_gets_412_with_the_current_settings(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    admin = token_client(world.a, "admin")
    admin.patch(SETTINGS, {"horizon_years": 8}, format="json", HTTP_IF_MATCH='"1"')
    response = admin.patch(SETTINGS, {"horizon_years": 3}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response.json()["current"]["horizon_years"] == 8


def test_put_replaces_every_setting_and_marks_scores_for_recompute(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    admin = token_client(world.a, "admin")
    body = admin.get(SETTINGS).json()
    with workspace_context(world.a.workspace):
        Customer.objects.update(scores_dirty=False)
    body.update(weight_clv="3", discount_rate="0.07")
    response = admin.put(SETTINGS, body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    assert response.json()["weight_clv"] == "3.00"
    with workspace_context(world.a.workspace):
        assert Customer.objects.filter(scores_dirty=True).count() == 1


def test_exchange_rates_crud_and_missing_rates(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    admin = token_client(world.a, "admin")
    created = admin.post(
        RATES, {"currency": "usd", "valid_from": "2024-03-01", "rate": "0.9"}, format="json"
    )
    assert created.status_code == 201, created.json()
    rate = created.json()
    assert (rate["currency"], rate["rate"]) == ("USD", "0.90000000")
    changed = admin.patch(f"{RATES}{rate['id']}/", {"rate": "0.92"}, format="json")
    assert changed.json()["rate"] == "0.92000000"
    with workspace_context(world.a.workspace):
        assert world.a.customer
        SalesLine.objects.create(
            customer=world.a.customer,
            date="2024-01-10",
            net_sales=Decimal(5),
            currency="USD",
            source_key="early-usd",
        )
    missing = token_client(world.a, "viewer").get(RATES + "missing/").json()
    assert [gap["sentence"] for gap in missing] == [
        "USD: no rate before 2024-03-01, 1 line affected"
    ]
    listed = token_client(world.a, "viewer").get(RATES, {"currency": "USD"}).json()
    assert [row["rate"] for row in listed["results"]] == ["0.92000000"]
    assert admin.delete(f"{RATES}{rate['id']}/").status_code == 204
    with workspace_context(world.a.workspace):
        assert not ExchangeRate.objects.filter(currency="USD").exists()


def test_the_rate_holding_on_a_day(world: WorkspaceWorld, token_client: TokenClient) -> None:
    admin = token_client(world.a, "admin")
    for day, value in (("2024-01-01", "0.9"), ("2024-06-01", "0.8")):
        admin.post(RATES, {"currency": "USD", "valid_from": day, "rate": value}, format="json")
    on = token_client(world.a, "viewer").get(RATES, {"on": "2024-05-31"}).json()["results"]
    # Workspace A's fixture also holds a NOK rate from 2024-01-01.
    assert {(row["currency"], row["rate"]) for row in on} == {
        ("USD", "0.90000000"),
        ("NOK", "0.08600000"),
    }


def test_bad_rates_and_rights(world: WorkspaceWorld, token_client: TokenClient) -> None:
    admin = token_client(world.a, "admin")
    response = admin.post(
        RATES, {"currency": "EUR", "valid_from": "2024-01-01", "rate": "0"}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "EUR is the reporting currency" in errors["currency"][0]
    assert "above 0" in errors["rate"][0]
    executive = token_client(world.a, "executive")
    refused = executive.post(
        RATES, {"currency": "USD", "valid_from": "2024-01-01", "rate": "1"}, format="json"
    )
    assert refused.status_code == 403
    with workspace_context(world.b.workspace):
        nok = ExchangeRate.objects.get(currency="NOK")
    assert admin.delete(f"{RATES}{nok.pk}/").status_code == 404
