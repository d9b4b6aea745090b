"""The Open Space in the REST API (``/api/v1/``): CSFs, matrices, rows, columns, cells.

Reads need VIEW, writes EDIT_ACCOUNTS. Every write goes through
``planning.open_space.services``, so the API refuses exactly what the pages
refuse, with the same messages. Cells and CSFs are versioned (ETag/If-Match);
rows and columns are guarded by the Open Space's version, which clients may
send as ``open_space_version`` (a stale one is answered 412).
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from planning.models import (
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
)
from planning.open_space.selectors import open_space_matrix
from planning.open_space.serializers import (
    MoveInput,
    OpenSpaceCellInput,
    OpenSpaceCellOutput,
    OpenSpaceColumnInput,
    OpenSpaceColumnOutput,
    OpenSpaceInput,
    OpenSpaceMatrixOutput,
    OpenSpaceNotesInput,
    OpenSpaceOutput,
    OpenSpacePasteInput,
    OpenSpacePasteOutput,
    OpenSpaceRemovalOutput,
    OpenSpaceSegmentInput,
    OpenSpaceSegmentOutput,
    SuccessFactorInput,
    SuccessFactorOutput,
    matrix_data,
)
from planning.open_space.services import cells, clipboard, layout, open_spaces, success_factors


def _docs(noun: str, plural: str) -> dict[str, Any]:
    return {
        "list": extend_schema(summary=f"List {plural}"),
        "retrieve": extend_schema(summary=f"Get one {noun}"),
        "create": extend_schema(summary=f"Create {noun}"),
        "update": extend_schema(summary=f"Replace {noun}"),
        "partial_update": extend_schema(summary=f"Change some fields of {noun}"),
        "destroy": extend_schema(summary=f"Delete {noun}"),
    }


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


# -- critical success factors ------------------------------------------------------------


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


# -- open spaces -------------------------------------------------------------------------


class OpenSpaceFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", help_text="Account id.")

    class Meta:
        model = OpenSpace
        fields = ["customer"]


@extend_schema_view(
    list=extend_schema(summary="List Open Spaces"),
    retrieve=extend_schema(
        summary="Get an Open Space: the whole matrix with totals and UPV",
        responses=OpenSpaceMatrixOutput,
    ),
    create=extend_schema(
        summary="Start the Open Space of an account (or get the existing one)",
        responses=OpenSpaceMatrixOutput,
    ),
    update=extend_schema(summary="Replace the notes of an Open Space", request=OpenSpaceNotesInput),
    partial_update=extend_schema(
        summary="Change the notes of an Open Space", request=OpenSpaceNotesInput
    ),
    destroy=extend_schema(summary="Delete an Open Space with all its rows, columns and cells"),
)
class OpenSpaceViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """The Open Space matrix of a key account: segments x offerings.

    Reading one returns every cell (also the empty ones, `version` 0) with last
    year's sales (from sales lines, or entered), potential, CSF alignment and
    competitor, plus row, column and grand totals and the UPV breakdown
    (up-sell, cross-sell, co-creation). `version` counts changes of its rows
    and columns; cells have their own.
    """

    model = OpenSpace
    input_serializer_class = OpenSpaceInput
    output_serializer_class = OpenSpaceOutput
    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS
    filterset_class = OpenSpaceFilter
    ordering_fields = ["id", "updated_at"]
    ordering = ["id"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("customer", "workspace")

    def _matrix(self, open_space: OpenSpace) -> dict[str, Any]:
        matrix = open_space_matrix(open_space)
        warning = success_factors.success_factor_warning(len(matrix.success_factors))
        return OpenSpaceMatrixOutput(matrix_data(matrix, warning=warning)).data

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._matrix(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated_input(request)
        open_space = open_spaces.open_space_get_or_create(customer=data["customer"])
        if data.get("notes") and not open_space.notes:
            layout.open_space_notes_update(
                open_space=open_space, notes=data["notes"], expected_version=open_space.version
            )
        return Response(self._matrix(open_space), status=status.HTTP_201_CREATED)

    def validated_input(self, request: Request, *, partial: bool = False) -> dict[str, Any]:
        serializer_class = OpenSpaceInput if self.action == "create" else OpenSpaceNotesInput
        serializer = serializer_class(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        return layout.open_space_notes_update(
            open_space=instance,
            notes=data.get("notes", instance.notes),
            expected_version=self.expected_version,
        )

    def delete_object(self, instance: Any) -> None:
        open_spaces.open_space_delete(open_space=instance, expected_version=self.expected_version)

    @extend_schema(
        summary="Paste a block of values, all or nothing",
        request=OpenSpacePasteInput,
        responses={
            200: OpenSpacePasteOutput,
            400: OpenApiResponse(description="Every bad cell, listed under errors.rows."),
            412: OpenApiResponse(description="Some cells changed since you read them."),
        },
    )
    @action(detail=True, methods=["post"])
    def paste(self, request: Request, pk: int) -> Response:
        """Write a block copied from a spreadsheet, starting at (top_segment, left_column).

        Either every value is valid and saved, or nothing is and the answer (400)
        lists each bad cell ("Row 3 of the paste (Europe > Production), column 2
        (Drilling): 'n/a' is not a number."). Cells changed since you read them
        (`expected_versions`) make it 412 with their current values.
        """
        open_space = self.get_object()
        serializer = OpenSpacePasteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            cells = clipboard.cells_paste(
                open_space=open_space,
                top_segment_id=data["top_segment"],
                left_column_id=data["left_column"],
                field=data["field"],
                rows=data["rows"],
                expected_versions=data.get("expected_versions", {}),
                user=request.user,
            )
        except clipboard.PasteConflict as conflict:
            return Response(
                {
                    "detail": (
                        f"{len(conflict.cells)} of the pasted cells were changed by someone else"
                        " since you read them; nothing was pasted. Their current values are"
                        " below."
                    ),
                    "current": [
                        {
                            "segment": c.segment_id,
                            "column": c.column_id,
                            "version": c.version,
                            "potential": c.potential,
                            "entered_sales": c.entered_sales,
                            "competitor": c.competitor,
                        }
                        for c in conflict.cells
                    ],
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
        upv = open_space_matrix(open_space).upv
        return Response(
            OpenSpacePasteOutput({"cells": cells, "upv": upv}).data, status=status.HTTP_200_OK
        )


# -- rows and columns --------------------------------------------------------------------


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


@extend_schema_view(
    **{**_docs("an Open Space row (customer segment)", "Open Space rows"), "destroy": _REMOVAL}
)
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


@extend_schema_view(
    **{**_docs("an Open Space column (offering)", "Open Space columns"), "destroy": _REMOVAL}
)
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


# -- cells -------------------------------------------------------------------------------


class OpenSpaceCellFilter(django_filters.FilterSet):
    open_space = django_filters.NumberFilter(field_name="open_space_id")
    customer = django_filters.NumberFilter(
        field_name="open_space__customer_id", help_text="Account id."
    )
    segment = django_filters.NumberFilter(field_name="segment_id")
    column = django_filters.NumberFilter(field_name="column_id")

    class Meta:
        model = OpenSpaceCell
        fields = ["open_space", "customer", "segment", "column"]


def _cell_changes(data: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in ("potential", "entered_sales", "competitor", "note"):
        if field in data:
            changes[field] = "" if data[field] is None else str(data[field])
    if "success_factor" in data:
        changes["success_factor"] = data["success_factor"] or ""
    return changes


@extend_schema_view(**_docs("an Open Space cell", "Open Space cells"))
class OpenSpaceCellViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """The values of Open Space cells (a segment x column pair).

    Only cells with values exist as rows here; the matrix (`open-spaces/{id}/`)
    shows every pair with its sales. Create a cell with its segment and column;
    if someone created it meanwhile the answer is 412 with theirs. Change one
    with `If-Match`. Amounts may be sent as typed ("1,200.50").
    """

    model = OpenSpaceCell
    input_serializer_class = OpenSpaceCellInput
    output_serializer_class = OpenSpaceCellOutput
    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS
    filterset_class = OpenSpaceCellFilter
    ordering_fields = ["id", "updated_at"]
    ordering = ["open_space", "segment", "column"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("open_space__customer", "open_space__workspace")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated_input(request)
        segment, column = data.pop("segment"), data.pop("column")
        open_space = OpenSpace.objects.select_related("customer", "workspace").get(
            pk=segment.open_space_id
        )
        try:
            cell = cells.cell_save(
                open_space=open_space,
                segment_id=segment.pk,
                column_id=column.pk,
                changes=_cell_changes(data),
                expected_version=0,
                user=request.user,
            )
        except VersionConflict as conflict:
            current = cast(OpenSpaceCell, conflict.instance)
            return Response(
                {
                    "detail": "This cell was created by someone else meanwhile; change it with"
                    f' If-Match: "{current.version}" after reviewing their values below.',
                    "current": self.render(current),
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
                headers={"ETag": f'"{current.version}"'},
            )
        return Response(self.render(cell), status=status.HTTP_201_CREATED)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        for field in ("segment", "column"):
            given = data.pop(field, None)
            if given is not None and given.pk != getattr(instance, f"{field}_id"):
                raise ValidationError(
                    {field: "A cell cannot move; change the cell at the other place instead."}
                )
        return cells.cell_save(
            open_space=instance.open_space,
            segment_id=instance.segment_id,
            column_id=instance.column_id,
            changes=_cell_changes(data),
            expected_version=self.expected_version,
            user=self.request.user,
        )

    def delete_object(self, instance: Any) -> None:
        cells.cell_clear(
            open_space=instance.open_space, cell=instance, expected_version=self.expected_version
        )
