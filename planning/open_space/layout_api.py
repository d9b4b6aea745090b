"""Rows and columns of the Open Space in the REST API (``/api/v1/``).

Reads need VIEW, writes EDIT_ACCOUNTS, through ``planning.open_space.services.layout``.
Rows and columns are guarded by the Open Space's version, which clients may send
as ``open_space_version`` (a stale one is answered 412). They carry no version of
their own (one change to the layout moves every cell's place), so these are not
:class:`kam.api.rows.VersionedRowViewSet` resources: no ETag or If-Match per row.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kam.api.base import WorkspaceResourceViewSet
from kam.api.schema import resource_docs
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from planning.models import (
    OpenSpace,
    OpenSpaceColumn,
    OpenSpaceSegment,
)
from planning.open_space.serializers import (
    MoveInput,
    OpenSpaceColumnInput,
    OpenSpaceColumnOutput,
    OpenSpaceOutput,
    OpenSpaceRemovalOutput,
    OpenSpaceSegmentInput,
    OpenSpaceSegmentOutput,
)
from planning.open_space.services import layout


def _stale_layout(open_space: OpenSpace, sent: int) -> Response:
    current = OpenSpace.objects.select_related("customer").get(pk=open_space.pk)
    return Response(
        {
            "detail": (
                "The rows or columns of this Open Space were changed by someone else since you"
                f" read it (you sent version {sent}, it is now at {current.version})."
                " Read it again and repeat your change."
            ),
            "current": OpenSpaceOutput(current).data,
        },
        status=status.HTTP_412_PRECONDITION_FAILED,
    )


def _layout_version(open_space: OpenSpace, data: dict[str, Any]) -> int:
    """The version the client read, or the current one when it sent none."""
    sent = data.pop("open_space_version", None)
    return open_space.version if sent is None else int(sent)


_CONFLICT_412 = OpenApiResponse(description="Changed by someone else since you read it.")


class _LayoutViewSet(WorkspaceResourceViewSet):
    """Rows and columns: each write is guarded by the Open Space's version."""

    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS

    def _guarded(self, call: Any, open_space: OpenSpace, sent: int) -> Response | Any:
        try:
            return call()
        except VersionConflict:
            return _stale_layout(open_space, sent)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated_input(request)
        open_space = data.pop("open_space")
        version = _layout_version(open_space, data)
        result = self._guarded(lambda: self.add(open_space, version, data), open_space, version)
        if isinstance(result, Response):
            return result
        return Response(self.render(result), status=status.HTTP_201_CREATED)

    def update(
        self, request: Request, *args: Any, partial: bool = False, **kwargs: Any
    ) -> Response:
        instance = self.get_object()
        data = self.validated_input(request, partial=partial)
        moved_to = data.pop("open_space", None)
        if moved_to is not None and moved_to.pk != instance.open_space_id:
            raise ValidationError(
                {"open_space": "A row or column cannot move to another Open Space."}
            )
        open_space = instance.open_space
        version = _layout_version(open_space, data)
        result = self._guarded(
            lambda: self.change(open_space, instance, version, data), open_space, version
        )
        if isinstance(result, Response):
            return result
        result.refresh_from_db()
        return Response(self.render(result))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        open_space = instance.open_space
        sent = request.query_params.get("open_space_version", "")
        version = int(sent) if sent.isdigit() else open_space.version
        result = self._guarded(
            lambda: self.remove(open_space, instance, version), open_space, version
        )
        if isinstance(result, Response):
            return result
        return Response(OpenSpaceRemovalOutput({"warnings": result}).data)

    def _move(self, request: Request) -> Response:
        instance = self.get_object()
        serializer = MoveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        open_space = instance.open_space
        version = _layout_version(open_space, data)
        result = self._guarded(
            lambda: self.move_one(open_space, instance, version, data["direction"]),
            open_space,
            version,
        )
        if isinstance(result, Response):
            return result
        result.refresh_from_db()
        return Response(self.render(result))

    def add(self, open_space: OpenSpace, version: int, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def change(self, open_space: OpenSpace, instance: Any, version: int, data: Any) -> Model:
        raise NotImplementedError

    def remove(self, open_space: OpenSpace, instance: Any, version: int) -> list[str]:
        raise NotImplementedError

    def move_one(
        self, open_space: OpenSpace, instance: Any, version: int, direction: layout.Direction
    ) -> Any:
        raise NotImplementedError


class OpenSpaceSegmentFilter(django_filters.FilterSet):
    open_space = django_filters.NumberFilter(field_name="open_space_id")
    customer = django_filters.NumberFilter(
        field_name="open_space__customer_id", help_text="Account id."
    )

    class Meta:
        model = OpenSpaceSegment
        fields = ["open_space", "customer"]


_REMOVAL = extend_schema(
    summary="Delete, with its cells",
    responses={200: OpenSpaceRemovalOutput, 412: _CONFLICT_412},
)


_ROW_DOCS = resource_docs("an Open Space row (customer segment)", "Open Space rows")
_COLUMN_DOCS = resource_docs("an Open Space column (offering)", "Open Space columns")


@extend_schema_view(**{**_ROW_DOCS, "destroy": _REMOVAL})
class OpenSpaceSegmentViewSet(_LayoutViewSet):
    """Rows of Open Spaces: the customer's segments (region, business unit, site), grouped.

    Last year's sales of a row's cells come from sales lines whose segment is
    `sales_segment` (or the name), compared trimmed and case-insensitively.
    Deleting a row deletes its cells; the answer warns about opportunities
    that came from them (they are kept, unlinked).
    """

    model = OpenSpaceSegment
    input_serializer_class = OpenSpaceSegmentInput
    output_serializer_class = OpenSpaceSegmentOutput
    filterset_class = OpenSpaceSegmentFilter
    ordering_fields = ["position", "id"]
    ordering = ["open_space", "position", "id"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("open_space__customer", "open_space__workspace")

    def add(self, open_space: OpenSpace, version: int, data: dict[str, Any]) -> Model:
        return layout.segment_add(
            open_space=open_space, expected_open_space_version=version, **data
        )

    def change(self, open_space: OpenSpace, instance: Any, version: int, data: Any) -> Model:
        return layout.segment_update(
            open_space=open_space,
            segment_id=instance.pk,
            expected_open_space_version=version,
            **data,
        )

    def remove(self, open_space: OpenSpace, instance: Any, version: int) -> list[str]:
        return layout.segment_remove(
            open_space=open_space, segment_id=instance.pk, expected_open_space_version=version
        )

    def move_one(
        self, open_space: OpenSpace, instance: Any, version: int, direction: layout.Direction
    ) -> Any:
        return layout.segment_move(
            open_space=open_space,
            segment_id=instance.pk,
            direction=direction,
            expected_open_space_version=version,
        )

    @extend_schema(
        summary="Move a row up or down within its group",
        request=MoveInput,
        responses={200: OpenSpaceSegmentOutput, 412: _CONFLICT_412},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: int) -> Response:
        return self._move(request)


class OpenSpaceColumnFilter(OpenSpaceSegmentFilter):
    class Meta:
        model = OpenSpaceColumn
        fields = ["open_space", "customer"]


@extend_schema_view(**{**_COLUMN_DOCS, "destroy": _REMOVAL})
class OpenSpaceColumnViewSet(_LayoutViewSet):
    """Columns of Open Spaces: our catalog offerings, or co-creation ideas (no offering).

    A catalog column is grouped by its offering's business unit unless `group`
    says otherwise; co-creation columns come last, marked as not in the catalog.
    """

    model = OpenSpaceColumn
    input_serializer_class = OpenSpaceColumnInput
    output_serializer_class = OpenSpaceColumnOutput
    filterset_class = OpenSpaceColumnFilter
    ordering_fields = ["position", "id"]
    ordering = ["open_space", "position", "id"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("offering", "open_space__customer", "open_space__workspace")

    def add(self, open_space: OpenSpace, version: int, data: dict[str, Any]) -> Model:
        offering = data.get("offering")
        if offering is None:
            return layout.co_creation_column_add(
                open_space=open_space,
                name=data.get("name", ""),
                group=data.get("group", ""),
                expected_open_space_version=version,
            )
        if OpenSpaceColumn.objects.filter(open_space=open_space, offering=offering).exists():
            raise ValidationError(
                {"offering": f"{offering.name} already has a column in this Open Space."}
            )
        (column,) = layout.catalog_columns_add(
            open_space=open_space, offering_ids=[offering.pk], expected_open_space_version=version
        )
        if data.get("name") or data.get("group"):
            column = layout.column_update(
                open_space=open_space,
                column_id=column.pk,
                name=data.get("name"),
                group=data.get("group"),
                expected_open_space_version=open_space.version,
            )
        return column

    def change(self, open_space: OpenSpace, instance: Any, version: int, data: Any) -> Model:
        offering = data.pop("offering", instance.offering)
        if offering != instance.offering:
            raise ValidationError(
                {"offering": "A column's offering cannot change; add another column instead."}
            )
        return layout.column_update(
            open_space=open_space,
            column_id=instance.pk,
            name=data.get("name"),
            group=data.get("group"),
            expected_open_space_version=version,
        )

    def remove(self, open_space: OpenSpace, instance: Any, version: int) -> list[str]:
        return layout.column_remove(
            open_space=open_space, column_id=instance.pk, expected_open_space_version=version
        )

    def move_one(
        self, open_space: OpenSpace, instance: Any, version: int, direction: layout.Direction
    ) -> Any:
        return layout.column_move(
            open_space=open_space,
            column_id=instance.pk,
            direction=direction,
            expected_open_space_version=version,
        )

    @extend_schema(
        summary="Move a column left (up) or right (down) within its group",
        request=MoveInput,
        responses={200: OpenSpaceColumnOutput, 412: _CONFLICT_412},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: int) -> Response:
        return self._move(request)
