"""Input and output shapes of the plan's API (no logic: services validate and write)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Customer
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField
from planning.models import AccountPlan, PlanText, PlanTopic, SatisfactionEntry
from planning.plan.selectors import is_stale
from planning.plan.services.texts import MAX_TEXT_LENGTH

_CUSTOMER_HELP = "Id of the key account."


class AccountPlanInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text=_CUSTOMER_HELP)
    owner = WorkspaceMemberField(
        required=False, allow_null=True, help_text="User id of who keeps the plan."
    )


class AccountPlanOutput(serializers.ModelSerializer):
    class Meta:
        model = AccountPlan
        fields = ["id", "customer", "owner", "started_on", "baseline", "version", "updated_at"]
        read_only_fields = fields


class PlanTextInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text=_CUSTOMER_HELP)
    topic = serializers.ChoiceField(choices=PlanTopic.choices)
    text = serializers.CharField(
        allow_blank=True, max_length=MAX_TEXT_LENGTH, required=False, trim_whitespace=True
    )


class PlanTextOutput(serializers.ModelSerializer):
    stale = serializers.SerializerMethodField(
        help_text="Written but not changed or confirmed for 90 days."
    )

    class Meta:
        model = PlanText
        fields = [
            "id",
            "customer",
            "topic",
            "text",
            "confirmed_on",
            "confirmed_by",
            "stale",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_stale(self, row: PlanText) -> bool:
        from django.utils import timezone

        return bool(row.text) and is_stale(row.confirmed_on, today=timezone.localdate())


class SatisfactionEntryInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text=_CUSTOMER_HELP)
    measured_on = serializers.DateField()
    score = serializers.IntegerField(help_text="0 (very dissatisfied) to 10 (very satisfied).")
    # A declared field named like the Field attribute "source": DRF collects it as a field.
    source = serializers.CharField(  # type: ignore[assignment]
        allow_blank=True, required=False, max_length=200
    )


class SatisfactionEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = SatisfactionEntry
        fields = ["id", "customer", "measured_on", "score", "source", "version"]
        read_only_fields = fields
