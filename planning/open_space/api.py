"""The Open Space in the REST API (``/api/v1/``): matrices and their cells.

Reads need VIEW, writes EDIT_ACCOUNTS. Every write goes through
``planning.open_space.services``, so the API refuses exactly what the pages
refuse, with the same messages. Cells are versioned (ETag/If-Match). Rows and
columns are in :mod:`planning.open_space.layout_api`, CSFs in
:mod:`planning.open_space.csf_api`.
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
    OpenSpace,
    OpenSpaceCell,
)
from planning.open_space.selectors import open_space_matrix
from planning.open_space.serializers import (
    OpenSpaceCellInput,
    OpenSpaceCellOutput,
    OpenSpaceInput,
    OpenSpaceMatrixOutput,
    OpenSpaceNotesInput,
    OpenSpaceOutput,
    OpenSpacePasteInput,
    OpenSpacePasteOutput,
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
