"""API input and output shapes of opportunities, value drivers, contributors and tasks.

Input serializers check types and same-workspace references only; the
services check ranges, the CABS evidence rule, formulas and the same account,
so the API and the pages give the same messages. Enums get names of their own
(``Opportunity...Enum``) so the schema has no clashing enum names.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField
from planning.analysis.serializers import named_choice
from planning.models import (
    GrowthType,
    OpenSpaceCell,
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    OpportunityTask,
    Origin,
    ProjectPhase,
    TaskStatus,
    ValueDriver,
)
from planning.opportunities import selectors
from planning.opportunities.services import opportunities
from selling_center.models import BuyingStage, SellingCenterMember

_OPPORTUNITY_HELP = "Id of the opportunity; it cannot change once created."


def _origin(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("OpportunityOriginEnum", Origin, **kwargs)


def _state(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("OpportunityStateEnum", OpportunityState, **kwargs)


def _stage(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("OpportunityBuyingStageEnum", BuyingStage, allow_blank=True, **kwargs)


def _growth(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("OpportunityGrowthTypeEnum", GrowthType, allow_blank=True, **kwargs)


def _phase(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("OpportunityPhaseEnum", ProjectPhase, **kwargs)


def _task_status(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("OpportunityTaskStatusEnum", TaskStatus, **kwargs)


class OpportunityInput(serializers.Serializer):
    customer = WorkspaceRelatedField(
        Customer, help_text="Id of the account; it cannot change once created."
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    origin = _origin(required=False)
    state = _state(required=False)
    value = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, help_text="Expected sales value, >= 0."
    )
    margin_percent = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Gross margin, percent of value, -100 to 100.",
    )
    probability = serializers.IntegerField(required=False, help_text="Percent, 0 to 100.")
    expected_close = serializers.DateField(required=False, allow_null=True)
    buying_stage = _stage(required=False)
    growth_type = _growth(required=False)
    phase = _phase(required=False)
    economic_objectives = serializers.CharField(required=False, allow_blank=True)
    sociopolitical_objectives = serializers.CharField(required=False, allow_blank=True)
    open_space_cell = WorkspaceRelatedField(
        OpenSpaceCell,
        required=False,
        allow_null=True,
        help_text="Id of a cell of the same account's Open Space.",
    )
    owner = WorkspaceMemberField(
        required=False, allow_null=True, help_text="User id of the workspace member who drives it."
    )
    compelling_reason = serializers.BooleanField(required=False)
    compelling_reason_evidence = serializers.CharField(required=False, allow_blank=True)
    authority_leverage = serializers.BooleanField(required=False)
    authority_leverage_evidence = serializers.CharField(required=False, allow_blank=True)
    budget_availability = serializers.BooleanField(required=False)
    budget_availability_evidence = serializers.CharField(required=False, allow_blank=True)
    supporting_allies = serializers.BooleanField(required=False)
    supporting_allies_evidence = serializers.CharField(required=False, allow_blank=True)
    vp_needs_justify_price = serializers.BooleanField(required=False, allow_null=True)
    vp_strengths_ahead = serializers.BooleanField(required=False, allow_null=True)
    vp_benefits_demonstrated = serializers.BooleanField(required=False, allow_null=True)
    vp_more_expensive = serializers.BooleanField(required=False, allow_null=True)


class OpportunityOutput(serializers.ModelSerializer):
    origin = _origin(read_only=True)
    state = _state(read_only=True)
    buying_stage = _stage(read_only=True)
    growth_type = _growth(read_only=True)
    phase = _phase(read_only=True)
    is_qualified = serializers.BooleanField(
        read_only=True, help_text="CABS: all four checkpoints hold, each with evidence."
    )
    value_proposition_alarm = serializers.BooleanField(
        read_only=True, help_text="Questions 1-3 answered no and question 4 yes."
    )
    priority_quadrant = serializers.SerializerMethodField(
        help_text="I in progress, II early stage, III delayed, IV long-term; null when closed."
    )
    weighted_value = serializers.SerializerMethodField(help_text="Value x probability / 100.")
    warnings = serializers.SerializerMethodField(
        help_text="Things worth a second look that did not stop the save."
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "customer",
            "title",
            "description",
            "origin",
            "state",
            "value",
            "margin_percent",
            "probability",
            "expected_close",
            "buying_stage",
            "growth_type",
            "phase",
            "economic_objectives",
            "sociopolitical_objectives",
            "open_space_cell",
            "owner",
            "compelling_reason",
            "compelling_reason_evidence",
            "authority_leverage",
            "authority_leverage_evidence",
            "budget_availability",
            "budget_availability_evidence",
            "supporting_allies",
            "supporting_allies_evidence",
            "vp_needs_justify_price",
            "vp_strengths_ahead",
            "vp_benefits_demonstrated",
            "vp_more_expensive",
            "is_qualified",
            "value_proposition_alarm",
            "priority_quadrant",
            "weighted_value",
            "warnings",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_priority_quadrant(self, opportunity: Opportunity) -> str | None:
        return opportunity.priority_quadrant

    @extend_schema_field(serializers.DecimalField(max_digits=20, decimal_places=2))
    def get_weighted_value(self, opportunity: Opportunity) -> Decimal:
        return selectors.weighted_value(opportunity)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, opportunity: Opportunity) -> list[str]:
        return opportunities.opportunity_warnings(opportunity)


# -- value drivers ------------------------------------------------------------------


class ValueDriverInput(serializers.Serializer):
    opportunity = WorkspaceRelatedField(Opportunity, help_text=_OPPORTUNITY_HELP)
    driver = serializers.CharField(max_length=200)
    metric_owner = WorkspaceRelatedField(
        Stakeholder,
        required=False,
        allow_null=True,
        help_text="Id of a stakeholder of the opportunity's own account.",
    )
    formula = serializers.CharField(
        max_length=500,
        help_text="Numbers, input names, + - * / **, parentheses, min, max, round, abs.",
    )
    inputs = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='Named inputs: {"wafers_per_month": 2000, "yield_gain": "3%"}.'
        ' Names are identifiers; values numbers ("4,000" and "3%" are read too).',
    )
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)


class ValueDriverOutput(serializers.ModelSerializer):
    class Meta:
        model = ValueDriver
        fields = [
            "id",
            "opportunity",
            "driver",
            "metric_owner",
            "formula",
            "inputs",
            "result",
            "unit",
            "version",
        ]
        read_only_fields = fields


# -- contributors ---------------------------------------------------------------------


class OpportunityContributorInput(serializers.Serializer):
    opportunity = WorkspaceRelatedField(Opportunity, help_text=_OPPORTUNITY_HELP)
    member = WorkspaceRelatedField(
        SellingCenterMember, help_text="Id of a selling-center member of the same account."
    )
    contribution = serializers.CharField(max_length=200, required=False, allow_blank=True)
    until = serializers.DateField(required=False, allow_null=True)


class OpportunityContributorOutput(serializers.ModelSerializer):
    class Meta:
        model = OpportunityContributor
        fields = ["id", "opportunity", "member", "contribution", "until", "version"]
        read_only_fields = fields


# -- tasks --------------------------------------------------------------------------------


class OpportunityTaskInput(serializers.Serializer):
    opportunity = WorkspaceRelatedField(Opportunity, help_text=_OPPORTUNITY_HELP)
    title = serializers.CharField(max_length=300)
    owner = WorkspaceMemberField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = _task_status(required=False)


class OpportunityTaskOutput(serializers.ModelSerializer):
    status = _task_status(read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text="Still to do (open or in progress) and past its due date."
    )

    class Meta:
        model = OpportunityTask
        fields = ["id", "opportunity", "title", "owner", "due_date", "status", "overdue", "version"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, task: OpportunityTask) -> bool:
        from django.utils import timezone

        from planning.plan.action_selectors import action_is_overdue

        return action_is_overdue(task, timezone.localdate())
