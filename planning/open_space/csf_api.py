"""Critical success factors in the REST API (``/api/v1/``), versioned (ETag/If-Match).

Reads need VIEW, writes EDIT_ACCOUNTS, through ``planning.open_space.services.success_factors``.
Those services predate the row grammar of :class:`kam.api.rows.RowServices` (no
``workspace`` argument: the factor's customer names it); the three adapters below
give them that grammar, so the viewset is an ordinary versioned row resource.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
from kam.permissions import Capability
from kam.workspaces.models import Workspace
from planning.models import (
    CriticalSuccessFactor,
)
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


def _add(*, workspace: Workspace, **data: Any) -> CriticalSuccessFactor:
    # The customer field is looked up in the request's workspace already.
    return success_factors.success_factor_add(**data)


def _update(
    *,
    workspace: Workspace,
    factor: CriticalSuccessFactor,
    expected_version: int | None,
    title: str | None = None,
    description: str | None = None,
    owner: Any = False,
) -> CriticalSuccessFactor:
    assert expected_version is not None
    # ``owner`` left out of a PATCH is False ("keep"); None clears it.
    return success_factors.success_factor_update(
        factor=factor,
        expected_version=expected_version,
        title=title,
        description=description,
        owner=owner,
    )


def _remove(
    *, workspace: Workspace, factor: CriticalSuccessFactor, expected_version: int | None
) -> None:
    success_factors.success_factor_remove(factor=factor, expected_version=expected_version)


@extend_schema_view(**resource_docs("a critical success factor", "critical success factors"))
class SuccessFactorViewSet(VersionedRowViewSet):
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

    writes = RowServices(
        create=_add,
        update=_update,
        delete=_remove,
        row="factor",
        parent="customer",
        moved="A success factor cannot move to another account; create a new one.",
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
