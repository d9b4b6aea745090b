"""API input and output shapes for customers, offerings and sales lines.

Input serializers only validate (types, lengths, choices, same-workspace
references); services write. Output serializers only render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import serializers

from accounts.models import (
    COST_TO_SERVE_KINDS,
    Customer,
    CustomerScore,
    CustomerStatus,
    ExchangeRate,
    Offering,
    SalesLine,
    SelectionDecision,
    SelectionReview,
    ValuationSettings,
)
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

TIER_CHOICES = [(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")]
_ONE_TO_FIVE: dict[str, str | StrPromise] = {
    "min_value": "Use a whole number from 1 to 5.",
    "max_value": "Use a whole number from 1 to 5.",
    "invalid": "Use a whole number from 1 to 5.",
}


class CustomerInput(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64, help_text="The customer's number in your ERP or CRM; unique per workspace."
    )
    name = serializers.CharField(max_length=200)
    parent_group = serializers.CharField(max_length=200, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    size_measure = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=CustomerStatus.choices, required=False)
    tier = serializers.ChoiceField(choices=TIER_CHOICES, required=False)
    owner = WorkspaceMemberField(
        required=False, allow_null=True, help_text="User id of the responsible key account manager."
    )
    # Scorecard inputs (judgement) and per-account CLV overrides; ranges are
    # checked by the service, with the same messages as on the pages.
    strategic_importance = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=5,
        help_text="1 (none) to 5 (trend setter, innovator, reference customer); needs a reason.",
        error_messages=_ONE_TO_FIVE,
    )
    strategic_importance_reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why this customer matters beyond its revenue."
    )
    fit_strategic = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5, error_messages=_ONE_TO_FIVE
    )
    fit_operational = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5, error_messages=_ONE_TO_FIVE
    )
    fit_cultural = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5, error_messages=_ONE_TO_FIVE
    )
    upv_estimate = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Estimated unrealized potential value, used until the account has an Open Space.",
    )
    discount_rate_override = serializers.DecimalField(
        max_digits=6, decimal_places=4, required=False, allow_null=True
    )
    retention_override = serializers.DecimalField(
        max_digits=6, decimal_places=4, required=False, allow_null=True
    )
    horizon_years_override = serializers.IntegerField(required=False, allow_null=True)
    acquisition_cost_override = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )


class CustomerOutput(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "external_id",
            "name",
            "parent_group",
            "industry",
            "region",
            "size_measure",
            "status",
            "tier",
            "owner",
            "strategic_importance",
            "strategic_importance_reason",
            "fit_strategic",
            "fit_operational",
            "fit_cultural",
            "upv_estimate",
            "upv_open_space",
            "discount_rate_override",
            "retention_override",
            "horizon_years_override",
            "acquisition_cost_override",
            "scores_dirty",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OfferingInput(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="Unique per workspace.")
    name = serializers.CharField(max_length=200)
    business_unit = serializers.CharField(max_length=100, required=False, allow_blank=True)


class OfferingOutput(serializers.ModelSerializer):
    class Meta:
        model = Offering
        fields = ["id", "code", "name", "business_unit"]
        read_only_fields = fields


class SalesLineInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of a customer of this workspace.")
    offering = WorkspaceRelatedField(
        Offering, required=False, allow_null=True, help_text="Id of an offering of this workspace."
    )
    date = serializers.DateField()
    segment = serializers.CharField(max_length=100, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, required=False)
    net_sales = serializers.DecimalField(
        max_digits=18, decimal_places=2, help_text="Negative for returns and credits."
    )
    cost_of_goods = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    cost_presale = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    cost_kam = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    cost_relationship = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    cost_admin = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    cost_trade_credit = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    cost_delivery = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    cost_service = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        required=False,
        error_messages={"invalid": "Use a three-letter ISO 4217 code in capitals, e.g. EUR."},
    )
    source_key = serializers.CharField(
        max_length=128,
        required=False,
        help_text="Your own unique key for the line; one is generated when left out.",
    )


class SalesLineOutput(serializers.ModelSerializer):
    class Meta:
        model = SalesLine
        fields = [
            "id",
            "customer",
            "offering",
            "date",
            "segment",
            "quantity",
            "net_sales",
            "cost_of_goods",
            *COST_TO_SERVE_KINDS,
            "cost_to_serve",
            "currency",
            "source_key",
        ]
        read_only_fields = fields


# -- valuation settings and exchange rates -------------------------------------


def _setting_decimal(help_text: str) -> serializers.DecimalField:
    # No digit limits here: the service checks the range and names it in its message.
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, coerce_to_string=True, help_text=help_text
    )


class ValuationSettingsInput(serializers.Serializer):
    discount_rate = _setting_decimal("Yearly discount rate, 0 to 1 (0.10 = 10 %).")
    retention = _setting_decimal("Chance a customer stays another year, 0 to 1.")
    horizon_years = serializers.IntegerField(help_text="Years of future margin in the CLV, 1-50.")
    acquisition_cost = _setting_decimal("Cost of winning a customer, 0 or more.")
    loyalty_threshold = _setting_decimal("Share of recent years with purchases for 'loyal', 0-1.")
    profitability_threshold = _setting_decimal("Margin share of sales for 'profitable', -1 to 1.")
    weight_size = _setting_decimal("Scorecard weight, 0 or more; not all weights 0.")
    weight_strategic_importance = _setting_decimal("Scorecard weight, 0 or more.")
    weight_clv = _setting_decimal("Scorecard weight, 0 or more.")
    weight_upv = _setting_decimal("Scorecard weight, 0 or more.")
    weight_account_fit = _setting_decimal("Scorecard weight, 0 or more.")
    weight_relationship = _setting_decimal("Scorecard weight, 0 or more.")
    max_key_accounts = serializers.IntegerField(help_text="Warn beyond this many key accounts.")
    max_accounts_per_kam = serializers.IntegerField(
        help_text="Warn when a key account manager would hold more accounts."
    )
    reporting_currency = serializers.CharField(
        max_length=3,
        help_text="ISO 4217 code; changing it needs a rate of the new currency and re-bases"
        " every rate on it.",
    )
    data_as_of = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the sales data is complete up to; every figure and the purchase"
        " model end there. null: the day of the latest sales line. Not after today.",
    )


class ValuationSettingsOutput(serializers.ModelSerializer):
    reporting_currency = serializers.CharField(source="workspace.reporting_currency")

    class Meta:
        model = ValuationSettings
        fields = [
            "discount_rate",
            "retention",
            "horizon_years",
            "acquisition_cost",
            "loyalty_threshold",
            "profitability_threshold",
            "weight_size",
            "weight_strategic_importance",
            "weight_clv",
            "weight_upv",
            "weight_account_fit",
            "weight_relationship",
            "max_key_accounts",
            "max_accounts_per_kam",
            "reporting_currency",
            "data_as_of",
            "latest_sales_date",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ExchangeRateInput(serializers.Serializer):
    currency = serializers.CharField(max_length=3, help_text="ISO 4217 code, e.g. USD.")
    valid_from = serializers.DateField(help_text="The rate holds from this day to the next rate.")
    rate = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        coerce_to_string=True,
        help_text="Reporting-currency units for one unit of this currency; above 0.",
    )


class ExchangeRateOutput(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "valid_from", "rate"]
        read_only_fields = fields


class MissingRateOutput(serializers.Serializer):
    currency = serializers.CharField()
    first_rate = serializers.DateField(
        allow_null=True, help_text="The currency's first rate; null when it has none."
    )
    lines = serializers.IntegerField(help_text="Sales lines dated before the first rate.")
    first_line = serializers.DateField()
    last_line = serializers.DateField()
    sentence = serializers.CharField()


# -- scores and selection -----------------------------------------------------------


class CustomerScoreOutput(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name")
    customer_status = serializers.CharField(source="customer.status")
    recomputing = serializers.BooleanField(
        source="customer.scores_dirty",
        help_text="True while the customer's inputs changed and a fresh score is on its way.",
    )

    class Meta:
        model = CustomerScore
        fields = [
            "id",
            "customer",
            "customer_name",
            "customer_status",
            "currency",
            "revenue_3y",
            "margin_3y",
            "margin_share",
            "clv_contractual",
            "clv_transactional",
            "probability_alive",
            "upv",
            "upv_source",
            "size_percentile",
            "loyalty",
            "quadrant",
            "composite",
            "revenue_rank",
            "criteria",
            "inputs",
            "computed_at",
            "recomputing",
        ]
        read_only_fields = fields


class SelectionDecisionOutput(serializers.ModelSerializer):
    class Meta:
        model = SelectionDecision
        fields = [
            "id",
            "customer",
            "from_status",
            "to_status",
            "reason",
            "warnings",
            "score_snapshot",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class SelectionDecisionInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of a customer of this workspace.")
    reason = serializers.CharField(help_text="Why; kept in the selection history.")
    acknowledge_warnings = serializers.BooleanField(
        default=False,
        help_text="Send true to go ahead despite the warnings a first attempt answered with.",
    )


class SelectionReviewOutput(serializers.ModelSerializer):
    class Meta:
        model = SelectionReview
        fields = ["id", "period", "held_at", "held_by", "notes", "snapshot"]
        read_only_fields = fields


class SelectionRefusedOutput(serializers.Serializer):
    detail = serializers.CharField()
    # A declared field named like Serializer.errors: the serializer's metaclass
    # takes it out of the class, so the property stays; only the stubs see a clash.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the decision goes against; send acknowledge_warnings: true to proceed.",
    )
