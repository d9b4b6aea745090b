"""SWOT items, SWOT suggestions and objectives in the REST API (``/api/v1/``).

Reads need VIEW, writes EDIT_ACCOUNTS. Items and objectives are versioned
(ETag / If-Match) and written through :mod:`planning.plan.services`, so the
API refuses what the pages refuse, with the same messages. Suggestions are
read-only: accepting or dismissing one is a click on the plan.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Customer
from kam.api.base import WorkspaceViewSet
from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
from planning.models import GoalLine, Horizon, Objective, ObjectiveKind, SwotItem, SwotKind
from planning.plan.services import objectives, swot
from planning.plan.swot_serializers import (
    ObjectiveInput,
    ObjectiveOutput,
    SwotItemInput,
    SwotItemOutput,
    SwotSuggestionOutput,
)
from planning.plan.swot_suggestions import swot_suggestions


class SwotItemFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    kind = django_filters.ChoiceFilter(choices=SwotKind.choices)

    class Meta:
        model = SwotItem
        fields = ["customer", "kind"]


@extend_schema_view(**resource_docs("a SWOT item", "SWOT items"))
class SwotItemViewSet(VersionedRowViewSet):
    """Strengths, weaknesses, opportunities and threats of a key account's plan.

    Each carries an implication (what it means for us); `complete` is true once
    it has one and at least one action is linked to it.
    """

    model = SwotItem
    input_serializer_class = SwotItemInput
    output_serializer_class = SwotItemOutput
    filterset_class = SwotItemFilter
    ordering_fields = ["id", "kind"]
    ordering = ["id"]

    writes = RowServices(
        create=swot.swot_item_create,
        update=swot.swot_item_update,
        delete=swot.swot_item_delete,
        row="swot_item",
        parent="customer",
        moved="A SWOT item cannot move to another account; create a new one.",
    )

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.annotate(action_count=Count("actions"))


class ObjectiveFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    kind = django_filters.ChoiceFilter(choices=ObjectiveKind.choices)
    horizon = django_filters.ChoiceFilter(choices=Horizon.choices)
    goal_line = django_filters.ChoiceFilter(choices=GoalLine.choices)

    class Meta:
        model = Objective
        fields = ["customer", "kind", "horizon", "goal_line"]


@extend_schema_view(**resource_docs("an objective", "objectives"))
class ObjectiveViewSet(VersionedRowViewSet):
    """Objectives of a key account's plan, by horizon, kind and goal line.

    Economic kinds (volume, price, margin) need a `target`; a win-a-stakeholder
    objective names a stakeholder of the same account; `progress` is 0-100.
    Deleting keeps the objective's actions, no longer linked to it.
    """

    model = Objective
    input_serializer_class = ObjectiveInput
    output_serializer_class = ObjectiveOutput
    filterset_class = ObjectiveFilter
    ordering_fields = ["id", "horizon"]
    ordering = ["id"]

    writes = RowServices(
        create=objectives.objective_create,
        update=objectives.objective_update,
        delete=objectives.objective_delete,
        row="objective",
        parent="customer",
        moved="An objective cannot move to another account; create a new one.",
    )

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("customer", "workspace")


class SwotSuggestionViewSet(WorkspaceViewSet):
    """What the account's data suggests for its SWOT, not yet accepted or dismissed."""

    model = Customer
    serializer_class = SwotSuggestionOutput
    pagination_class = None

    @extend_schema(
        summary="List SWOT suggestions of an account",
        parameters=[
            OpenApiParameter("customer", OpenApiTypes.INT, required=True, description="Account id.")
        ],
        responses=SwotSuggestionOutput(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = request.query_params.get("customer", "")
        if not raw.isdigit():
            raise serializers.ValidationError(
                {"customer": ["Give the account's id, e.g. ?customer=12."]}
            )
        customer = self.get_queryset().filter(pk=int(raw)).first()
        if customer is None:
            raise serializers.ValidationError({"customer": [f"Account {raw} does not exist."]})
        found = swot_suggestions(customer, today=timezone.localdate())
        return Response(SwotSuggestionOutput(found, many=True).data)
