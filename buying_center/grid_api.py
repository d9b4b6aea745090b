"""Analysis grids in the REST API: list, read and change (``If-Match`` required).

The four grids of a key account exist once its grid page was opened, or once the
list is asked for that account (``?customer=<id>``), which creates any missing
empty grid. Grids are never created or deleted one by one.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Customer
from buying_center.grids import GRID_FIELDS, MAX_TEXT_LENGTH, analysis_grid_update
from buying_center.grids import analysis_grids_ensure as grids_ensure
from buying_center.models import AnalysisGrid, RoleGroup
from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin


class AnalysisGridOutput(serializers.ModelSerializer):
    class Meta:
        model = AnalysisGrid
        fields = ["id", "customer", "role_group", *GRID_FIELDS, "version", "updated_at"]
        read_only_fields = fields


class AnalysisGridInput(serializers.Serializer):
    preoccupations_tangible = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH
    )
    preoccupations_intangible = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH
    )
    consequences_tangible = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH
    )
    consequences_intangible = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH
    )
    expectations_current = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH
    )
    expectations_possible = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH
    )
    assessment = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH)
    actions = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT_LENGTH)


class AnalysisGridFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Customer id.")
    role_group = django_filters.ChoiceFilter(choices=RoleGroup.choices)

    class Meta:
        model = AnalysisGrid
        fields = ["customer", "role_group"]


@extend_schema_view(
    list=extend_schema(summary="List analysis grids"),
    retrieve=extend_schema(summary="Get one analysis grid"),
    update=extend_schema(summary="Replace the text of an analysis grid"),
    partial_update=extend_schema(summary="Change some boxes of an analysis grid"),
)
class AnalysisGridViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """What each role group of a key account worries about and expects.

    Every grid carries a `version`, returned as the `ETag` header. To change one,
    send that value back in `If-Match`; if someone else saved the grid in the
    meantime the answer is 412 with the current grid.
    """

    model = AnalysisGrid
    input_serializer_class = AnalysisGridInput
    output_serializer_class = AnalysisGridOutput
    filterset_class = AnalysisGridFilter
    ordering_fields = ["customer", "role_group", "updated_at"]
    ordering = ["customer", "role_group"]
    # One grid per role group and account, so there is nothing to create or delete.
    http_method_names = ["get", "put", "patch", "head", "options"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("customer")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer_id = request.query_params.get("customer", "")
        if customer_id.isdigit():
            customer = Customer.objects.filter(workspace=self.workspace, pk=customer_id).first()
            if customer is not None and request.method == "GET":
                grids_ensure(workspace=self.workspace, customer=customer)
        return super().list(request, *args, **kwargs)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        if self.action == "update":
            # PUT replaces the grid: a box left out is emptied.
            data = {name: data.get(name, "") for name in GRID_FIELDS}
        try:
            return analysis_grid_update(
                workspace=self.workspace,
                analysis_grid=instance,
                expected_version=self.expected_version,
                changes=data,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
