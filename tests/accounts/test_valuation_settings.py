"""Valuation settings: defaults, range checks with specific messages, concurrency, dirty marks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

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
