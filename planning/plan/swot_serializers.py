"""API input and output shapes of SWOT items, suggestions and objectives.

Input serializers check types and same-workspace references only; the services
check the rules (a target for economic objectives, a stakeholder of this
account, progress 0-100), so the API and the pages give the same messages.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField
from planning.analysis.serializers import named_choice
from planning.models import (
    GoalLine,
    Horizon,
    Objective,
    ObjectiveKind,
    ObjectiveStatus,
    SwotItem,
    SwotKind,
)
from planning.plan.objective_measures import SalesWindow, objective_measure, sales_window

_CUSTOMER_HELP = "Id of the account; it cannot change once created."


def _swot_kind(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("SwotKindEnum", SwotKind, **kwargs)


class SwotItemInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text=_CUSTOMER_HELP)
    kind = _swot_kind()
    text = serializers.CharField(max_length=300, allow_blank=True)
    implication = serializers.CharField(required=False, allow_blank=True)


class SwotItemOutput(serializers.ModelSerializer):
    kind = _swot_kind(read_only=True)
    action_count = serializers.SerializerMethodField(help_text="Actions linked to this item.")
    complete = serializers.SerializerMethodField(
        help_text="True when it has an implication and at least one linked action."
    )

    class Meta:
        model = SwotItem
        fields = [
            "id",
            "customer",
            "kind",
            "text",
            "implication",
            "suggestion_key",
            "action_count",
            "complete",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_action_count(self, item: SwotItem) -> int:
        annotated = getattr(item, "action_count", None)
        return int(annotated) if annotated is not None else item.actions.count()

    @extend_schema_field(serializers.BooleanField())
    def get_complete(self, item: SwotItem) -> bool:
        return bool(item.implication.strip()) and self.get_action_count(item) > 0


class SwotSuggestionOutput(serializers.Serializer):
    key = serializers.CharField(help_text="Stable key: accept or dismiss it on the SWOT page.")
    kind = _swot_kind(read_only=True)
    text = serializers.CharField()
    implication = serializers.CharField(help_text="The proposed implication.")
    evidence = serializers.CharField(help_text="The data behind it, in plain words.")
    source_page = serializers.CharField(source="source", help_text="The page that holds that data.")


def _objective_kind(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("ObjectiveKindEnum", ObjectiveKind, **kwargs)


def _horizon(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("ObjectiveHorizonEnum", Horizon, **kwargs)


def _goal_line(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("ObjectiveGoalLineEnum", GoalLine, allow_blank=True, **kwargs)


def _status(**kwargs: Any) -> serializers.ChoiceField:
    return named_choice("ObjectiveStatusEnum", ObjectiveStatus, **kwargs)


class ObjectiveInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text=_CUSTOMER_HELP)
    title = serializers.CharField(max_length=300, allow_blank=True)
    kind = _objective_kind()
    horizon = _horizon(required=False)
    goal_line = _goal_line(required=False)
    target = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Economic objectives: revenue (volume), price, or margin %.",
    )
    measured = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Price objectives: the price reached so far (volume and margin are computed).",
    )
    stakeholder = WorkspaceRelatedField(
        Stakeholder,
        required=False,
        allow_null=True,
        help_text="Win-a-stakeholder objectives: a stakeholder of the same account.",
    )
    owner = WorkspaceMemberField(required=False, allow_null=True)
    status = _status(required=False)
    progress = serializers.IntegerField(
        required=False, allow_null=True, help_text="Per cent, 0 to 100."
    )


class MeasureOutput(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        allow_null=True,
        help_text="What was reached: revenue, margin % or the typed price; null when unknown.",
    )
    progress = serializers.IntegerField(
        allow_null=True, help_text="Per cent of the target, or the typed progress."
    )
    measured_from = serializers.CharField(
        help_text="Where the figure came from, e.g. “from sales lines up to 2026-10-31”."
    )
    computed = serializers.BooleanField(help_text="True when read from the sales lines.")


class ObjectiveOutput(serializers.ModelSerializer):
    kind = _objective_kind(read_only=True)
    horizon = _horizon(read_only=True)
    goal_line = _goal_line(read_only=True)
    status = _status(read_only=True)
    measure = serializers.SerializerMethodField()

    @extend_schema_field(MeasureOutput)
    def get_measure(self, objective: Objective) -> dict[str, Any]:
        # One sales window per account and response, however many objectives it lists.
        windows: dict[int, SalesWindow] = self.__dict__.setdefault("_sales_windows", {})
        window = windows.get(objective.customer_id)
        if window is None:
            currency = objective.workspace.reporting_currency
            window = sales_window(objective.customer, reporting_currency=currency)
            windows[objective.customer_id] = window
        measure = objective_measure(objective, window)
        return {
            "value": None if measure.value is None else str(measure.value),
            "progress": measure.progress,
            "measured_from": measure.source,
            "computed": measure.computed,
        }

    class Meta:
        model = Objective
        fields = [
            "id",
            "customer",
            "title",
            "kind",
            "horizon",
            "goal_line",
            "target",
            "measured",
            "stakeholder",
            "owner",
            "status",
            "progress",
            "measure",
            "version",
            "updated_at",
        ]
        read_only_fields = fields
