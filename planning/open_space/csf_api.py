"""Critical success factors in the REST API (``/api/v1/``), versioned (ETag/If-Match).

Reads need VIEW, writes EDIT_ACCOUNTS, through ``planning.open_space.services.success_factors``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.permissions import Capability
from planning.models import (
    CriticalSuccessFactor,
)
from planning.open_space.api import _docs
from planning.open_space.serializers import (
    MoveInput,
    SuccessFactorInput,
    SuccessFactorOutput,
)
from planning.open_space.services import success_factors


class SuccessFactorFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")
    owner = django_filters.NumberFilter(field_name="owner_id", help_text="Stakeholder id.")

    class Meta:
        model = CriticalSuccessFactor
        fields = ["customer", "owner"]


@extend_schema_view(**_docs("a critical success factor", "critical success factors"))
class SuccessFactorViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """The customer's critical success factors (CSFs): 2 to 5 per key account.

    Each may name the customer executive who owns it (a stakeholder of the same
    account). Versioned: send the ETag back in `If-Match` to change one.
    """

    model = CriticalSuccessFactor
    input_serializer_class = SuccessFactorInput
    output_serializer_class = SuccessFactorOutput
    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS
    filterset_class = SuccessFactorFilter
    ordering_fields = ["position", "title", "id"]
    ordering = ["customer", "position"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("owner", "customer")

    def create_object(self, data: dict[str, Any]) -> Model:
        return success_factors.success_factor_add(**data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        customer = data.pop("customer", None)
        if customer is not None and customer.pk != instance.customer_id:
            raise ValidationError(
                {"customer": "A success factor cannot move to another account; create a new one."}
            )
        return success_factors.success_factor_update(
            factor=instance,
            expected_version=self.expected_version,
            title=data.get("title"),
            description=data.get("description"),
            owner=data.get("owner", False),
        )

    def delete_object(self, instance: Any) -> None:
        success_factors.success_factor_remove(
            factor=instance, expected_version=self.expected_version
        )

    @extend_schema(
        summary="Move a critical success factor up or down",
        request=MoveInput,
        responses=SuccessFactorOutput,
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: int) -> Response:
        factor = self.get_object()  # 404 for another workspace's id before any 400
        serializer = MoveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        factor = success_factors.success_factor_move(
            factor=factor, direction=serializer.validated_data["direction"]
        )
        return Response(self.render(factor))
