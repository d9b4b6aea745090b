"""Valuation settings: defaults, range checks with specific messages, concurrency, dirty marks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Customer, ExchangeRate, ValuationSettings
from accounts.valuation_settings import (
    valuation_settings_get,
    valuation_settings_update,
)
from kam.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from tests.factories import WorkspaceWorld


def _update(world: WorkspaceWorld, **changes: Any) -> ValuationSettings:
    with workspace_context(world.a.workspace):
        settings = valuation_settings_get(workspace=world.a.workspace)
        return valuation_settings_update(
            workspace=world.a.workspace,
            expected_version=settings.version,
            changes=changes,
            user=world.a.user(),
        )


def _errors(world: WorkspaceWorld, **changes: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        _update(world, **changes)
    return caught.value.message_dict


def test_first_read_creates_the_defaults_once_per_workspace(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        first = valuation_settings_get(workspace=world.a.workspace)
        again = valuation_settings_get(workspace=world.a.workspace)
        assert first.pk == again.pk
        assert first.discount_rate == Decimal("0.10")
        assert first.horizon_years == 5
        assert ValuationSettings.objects.count() == 1
    with workspace_context(world.b.workspace):
        assert valuation_settings_get(workspace=world.b.workspace).pk != first.pk


def test_a_valid_change_is_stored_and_bumps_the_version(world: WorkspaceWorld) -> None:
    saved = _update(world, discount_rate="0.08", retention=Decimal("0.9"), horizon_years=7)
    assert saved.version == 2
    with workspace_context(world.a.workspace):
        stored = ValuationSettings.objects.get()
    assert (stored.discount_rate, stored.retention, stored.horizon_years) == (
        Decimal("0.08"),
        Decimal("0.9"),
        7,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"discount_rate": "-0.05"},
            "discount_rate",
            "Discount rate must be between 0 and 1 (0 % to 100 %); you entered -0.05.",
        ),
        (
            {"retention": "1.2"},
            "retention",
            "Retention must be between 0 and 1 (0 % to 100 % of customers staying each year);"
            " you entered 1.2.",
        ),
        ({"horizon_years": 0}, "horizon_years", "Horizon must be between 1 and 50 years"),
        ({"horizon_years": 51}, "horizon_years", "you entered 51."),
        ({"horizon_years": "2.5"}, "horizon_years", "Horizon must be a whole number"),
        (
            {"acquisition_cost": "-100"},
            "acquisition_cost",
            "Acquisition cost must be 0 or more; you entered -100.",
        ),
        ({"weight_clv": "-1"}, "weight_clv", "Weight of CLV must be between 0 and 999.99"),
        ({"loyalty_threshold": "1.5"}, "loyalty_threshold", "Loyalty threshold must be between"),
        (
            {"profitability_threshold": "-2"},
            "profitability_threshold",
            "Profitability threshold must be between -1 and 1",
        ),
        ({"discount_rate": "ten"}, "discount_rate", "Discount rate must be a number"),
        ({"reporting_currency": "euro"}, "reporting_currency", "three-letter ISO 4217 code"),
    ],
)
def test_out_of_range_values_get_a_message_naming_the_setting_and_its_range(
    world: WorkspaceWorld, changes: dict[str, Any], field: str, message: str
) -> None:
    errors = _errors(world, **changes)
    assert list(errors) == [field]
    assert message in errors[field][0]
    with workspace_context(world.a.workspace):
        assert ValuationSettings.objects.get().version == 1


def test_all_weights_zero_is_refused_but_some_zero_is_fine(world: WorkspaceWorld) -> None:
    zero = {name: 0 for name in ("size", "strategic_importance", "clv", "upv", "account_fit")}
    saved = _update(world, **{f"weight_{name}": value for name, value in zero.items()})
    assert saved.weight_relationship == Decimal(1)
    errors = _errors(world, weight_relationship="0")
    assert "At least one scorecard weight must be above 0" in errors["weight_relationship"][0]


def test_several_mistakes_are_reported_together_and_nothing_is_saved(
    world: WorkspaceWorld,
) -> None:
    errors = _errors(world, discount_rate="2", retention="-1", horizon_years=10)
    assert set(errors) == {"discount_rate", "retention"}
    with workspace_context(world.a.workspace):
        assert ValuationSettings.objects.get().horizon_years == 5


def test_a_stale_version_is_refused(world: WorkspaceWorld) -> None:
    _update(world, discount_rate="0.12")
    with workspace_context(world.a.workspace), pytest.raises(VersionConflict):
        valuation_settings_update(
            workspace=world.a.workspace, expected_version=1, changes={"discount_rate": "0.05"}
        )
    with workspace_context(world.a.workspace):
        assert ValuationSettings.objects.get().discount_rate == Decimal("0.12")


def _dirty_count(world: WorkspaceWorld) -> int:
    with workspace_context(world.a.workspace):
        return Customer.objects.filter(scores_dirty=True).count()


def test_changing_a_score_setting_marks_every_customer_dirty(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        Customer.objects.create(external_id="a-C2", name="Second")
        Customer.objects.update(scores_dirty=False)
    _update(world, retention="0.8")
    assert _dirty_count(world) == 2
    with workspace_context(world.b.workspace):
        Customer.objects.update(scores_dirty=False)
    with workspace_context(world.a.workspace):
        Customer.objects.update(scores_dirty=False)
    # The program limits only drive warnings: no recompute.
    _update(world, max_key_accounts=30)
    assert _dirty_count(world) == 0
    with workspace_context(world.b.workspace):
        assert not Customer.objects.filter(scores_dirty=True).exists()


def test_changing_the_reporting_currency_needs_a_rate_of_the_new_currency(
    world: WorkspaceWorld,
) -> None:
    errors = _errors(world, reporting_currency="USD")
    assert "no exchange rate for USD yet" in errors["reporting_currency"][0]


def test_changing_the_reporting_currency_rebases_every_rate(world: WorkspaceWorld) -> None:
    jan, jul = datetime.date(2024, 1, 1), datetime.date(2024, 7, 1)
    with workspace_context(world.a.workspace):
        ExchangeRate.objects.all().delete()
        ExchangeRate.objects.create(currency="USD", valid_from=jan, rate="0.90000000")
        ExchangeRate.objects.create(currency="USD", valid_from=jul, rate="0.80000000")
        ExchangeRate.objects.create(currency="GBP", valid_from=jan, rate="1.17000000")
    _update(world, reporting_currency="usd")
    world.a.workspace.refresh_from_db()
    assert world.a.workspace.reporting_currency == "USD"
    with workspace_context(world.a.workspace):
        rates = {
            (r.currency, r.valid_from): r.rate
            for r in ExchangeRate.objects.all()  # type: ignore[misc]
        }
    # 1 EUR = 1 / 0.9 USD; 1 GBP = 1.17 EUR = 1.17 / 0.9 USD, then / 0.8 from July.
    assert rates == {
        ("EUR", jan): Decimal("1.11111111"),
        ("EUR", jul): Decimal("1.25000000"),
        ("GBP", jan): Decimal("1.30000000"),
        ("GBP", jul): Decimal("1.46250000"),
    }
    assert Workspace.objects.get(pk=world.b.workspace.pk).reporting_currency == "EUR"


# -- the page --------------------------------------------------------------------


def _client(world: WorkspaceWorld, role: str) -> Client:
    client = Client()
    client.force_login(world.a.user(role))
    return client


def _form(client: Client) -> dict[str, str]:
    """The settings form as the page filled it in."""
    response = client.get(URL)
    form = response.context["form"]
    return {name: str(form[name].value()) for name in form.fields}


URL = "/settings/valuation/"


def test_everyone_reads_the_settings_with_plain_help(world: WorkspaceWorld) -> None:
    response = _client(world, "viewer").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Discount rate" in page
    assert "100 of margin in two years counts as about 83 today" in page
    assert "Save settings" not in page
    assert "Changing them needs the workspace admin role" in page


def test_only_settings_managers_may_save(world: WorkspaceWorld) -> None:
    data = _form(_client(world, "admin"))
    data["discount_rate"] = "0.2"
    assert _client(world, "executive").post(URL, data).status_code == 403
    with workspace_context(world.a.workspace):
        assert ValuationSettings.objects.get().discount_rate == Decimal("0.10")


def test_an_admin_saves_and_customers_are_marked_for_recompute(world: WorkspaceWorld) -> None:
    client = _client(world, "admin")
    data = _form(client)
    with workspace_context(world.a.workspace):
        Customer.objects.update(scores_dirty=False)
    data.update(discount_rate="0.08", horizon_years="8")
    response = client.post(URL, data, follow=True)
    assert "Settings saved" in response.content.decode()
    with workspace_context(world.a.workspace):
        stored = ValuationSettings.objects.get()
        assert (stored.discount_rate, stored.horizon_years, stored.version) == (
            Decimal("0.08"),
            8,
            2,
        )
        assert Customer.objects.filter(scores_dirty=True).count() == 1


def test_an_out_of_range_value_is_shown_beside_its_field(world: WorkspaceWorld) -> None:
    client = _client(world, "admin")
    data = _form(client)
    data["discount_rate"] = "-0.05"
    response = client.post(URL, data)
    assert response.status_code == 400
    assert (
        "Discount rate must be between 0 and 1 (0 % to 100 %); you entered -0.05."
        in response.content.decode()
    )


def test_a_stale_save_is_refused_and_shows_the_other_change(world: WorkspaceWorld) -> None:
    mine, theirs = _client(world, "admin"), _client(world, "admin")
    my_form, their_form = _form(mine), _form(theirs)
    their_form["retention"] = "0.7"
    theirs.post(URL, their_form)
    my_form["discount_rate"] = "0.09"
    response = mine.post(URL, my_form)
    assert response.status_code == 409
    conflict = response.context["conflict"]
    assert {"label": "Retention", "theirs": "0.7", "yours": "0.85"} in conflict
    with workspace_context(world.a.workspace):
        stored = ValuationSettings.objects.get()
        assert (stored.retention, stored.discount_rate) == (Decimal("0.7"), Decimal("0.10"))
    # Saving again from the refreshed form is deliberate and goes through.
    again = {name: str(response.context["form"][name].value()) for name in my_form}
    assert mine.post(URL, again).status_code == 302
