"""API input and output shapes for customers, offerings and sales lines.

Input serializers only validate (types, lengths, choices, same-workspace
references); services write. Output serializers only render.
"""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import COST_TO_SERVE_KINDS, Customer, CustomerStatus, Offering, SalesLine
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField

TIER_CHOICES = [(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")]


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
