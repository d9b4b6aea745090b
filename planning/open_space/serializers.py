"""API shapes of the Open Space: CSFs, the matrix, its rows, columns and cells, pastes.

Input serializers check types and same-workspace references only; the
services check the rest (same account, numbers as typed, stale versions).
Names carry "OpenSpace"/"SuccessFactor" so that no schema component clashes
with another area's.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import Customer, Offering
from buying_center.models import Stakeholder
from kam.api.fields import WorkspaceRelatedField
from planning.models import (
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
)
from planning.open_space.services.cells import PASTE_FIELDS

_AMOUNT_HELP = (
    'A number, or text as typed in a spreadsheet ("1,200.50", "1 200"); empty or null'
    " clears it. Negative amounts and text are refused with a message naming the cell."
)


# -- critical success factors ------------------------------------------------------------


class SuccessFactorInput(serializers.Serializer):
    customer = WorkspaceRelatedField(Customer, help_text="Id of the key account.")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    owner = WorkspaceRelatedField(
        Stakeholder,
        required=False,
        allow_null=True,
        help_text="Id of the customer executive (a stakeholder of the same account) who owns it.",
    )


class SuccessFactorOutput(serializers.ModelSerializer):
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = CriticalSuccessFactor
        fields = [
            "id",
            "customer",
            "title",
            "description",
            "owner",
            "owner_name",
            "position",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_owner_name(self, factor: CriticalSuccessFactor) -> str:
        return factor.owner.name if factor.owner is not None else ""


class MoveInput(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=[("up", "up"), ("down", "down")],
        help_text="up: before its neighbour (left for a column); down: after it.",
    )
    open_space_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The Open Space version you read; a stale one is refused (412). Optional.",
    )


# -- open spaces -------------------------------------------------------------------------


class OpenSpaceInput(serializers.Serializer):
    customer = WorkspaceRelatedField(
        Customer, help_text="Id of the key account; its Open Space is returned if one exists."
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class OpenSpaceNotesInput(serializers.Serializer):
    notes = serializers.CharField(allow_blank=True)


class OpenSpaceOutput(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = OpenSpace
        fields = ["id", "customer", "customer_name", "notes", "version", "created_at", "updated_at"]
        read_only_fields = fields


class OpenSpaceColumnHeadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.CharField()
    # Declared fields leave the class (DRF's metaclass); the stubs see Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    is_co_creation = serializers.BooleanField()
    offering = serializers.IntegerField(source="offering_id", allow_null=True)


class OpenSpaceSegmentHeadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.CharField()
    name = serializers.CharField()
    sales_key = serializers.CharField()


class OpenSpaceCellViewOutput(serializers.Serializer):
    cell = serializers.IntegerField(source="cell_id", allow_null=True)
    segment = serializers.IntegerField(source="segment_id")
    column = serializers.IntegerField(source="column_id")
    sales = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    sales_source = serializers.ChoiceField(
        choices=[("lines", "lines"), ("entered", "entered")],
        allow_null=True,
        help_text="lines: summed from last year's sales lines; entered: typed in.",
    )
    sales_line_count = serializers.IntegerField()
    entered_sales = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    potential = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    success_factor = serializers.IntegerField(source="success_factor_id", allow_null=True)
    success_factor_title = serializers.CharField()
    competitor = serializers.CharField()
    note = serializers.CharField()
    version = serializers.IntegerField(help_text="0 when the cell has no values yet.")
    is_open = serializers.BooleanField()
    is_priority = serializers.BooleanField()
    is_co_creation = serializers.BooleanField()


class OpenSpaceTotalsOutput(serializers.Serializer):
    sales = serializers.DecimalField(max_digits=20, decimal_places=2)
    potential = serializers.DecimalField(max_digits=20, decimal_places=2)


class OpenSpaceRowTotalOutput(OpenSpaceTotalsOutput):
    segment = serializers.IntegerField()


class OpenSpaceColumnTotalOutput(OpenSpaceTotalsOutput):
    column = serializers.IntegerField()


class OpenSpaceUpvOutput(serializers.Serializer):
    up_sell = serializers.DecimalField(max_digits=20, decimal_places=2)
    cross_sell = serializers.DecimalField(max_digits=20, decimal_places=2)
    co_creation = serializers.DecimalField(max_digits=20, decimal_places=2)
    total = serializers.DecimalField(max_digits=20, decimal_places=2)


class OpenSpaceMatrixOutput(serializers.Serializer):
    """The whole matrix (``selectors.Matrix``) as JSON."""

    id = serializers.IntegerField()
    customer = serializers.IntegerField()
    customer_name = serializers.CharField()
    notes = serializers.CharField()
    version = serializers.IntegerField()
    year = serializers.IntegerField(help_text="The calendar year of the sales figures.")
    currency = serializers.CharField(help_text="The workspace's reporting currency.")
    segments = OpenSpaceSegmentHeadOutput(many=True)
    columns = OpenSpaceColumnHeadOutput(many=True)
    cells = OpenSpaceCellViewOutput(many=True, help_text="Every segment x column pair.")
    row_totals = OpenSpaceRowTotalOutput(many=True)
    column_totals = OpenSpaceColumnTotalOutput(many=True)
    grand_total = OpenSpaceTotalsOutput()
    upv = OpenSpaceUpvOutput()
    priority_count = serializers.IntegerField()
    success_factors = SuccessFactorOutput(many=True)
    success_factor_warning = serializers.CharField(allow_null=True)
    missing_rate_lines = serializers.IntegerField(
        help_text="Sales lines left out because no exchange rate covers their date."
    )


def matrix_data(matrix: Any, *, warning: str | None) -> dict[str, Any]:
    """The plain structure :class:`OpenSpaceMatrixOutput` renders."""
    open_space = matrix.open_space
    return {
        "id": open_space.pk,
        "customer": open_space.customer_id,
        "customer_name": matrix.customer.name,
        "notes": open_space.notes,
        "version": open_space.version,
        "year": matrix.year,
        "currency": matrix.currency,
        "segments": matrix.segments,
        "columns": matrix.columns,
        "cells": [matrix.cells[(s.id, c.id)] for s in matrix.segments for c in matrix.columns],
        "row_totals": [
            {"segment": s.id, "sales": t.sales, "potential": t.potential}
            for s in matrix.segments
            for t in [matrix.row_totals[s.id]]
        ],
        "column_totals": [
            {"column": c.id, "sales": t.sales, "potential": t.potential}
            for c in matrix.columns
            for t in [matrix.column_totals[c.id]]
        ],
        "grand_total": matrix.grand_total,
        "upv": matrix.upv,
        "priority_count": matrix.priority_count,
        "success_factors": matrix.success_factors,
        "success_factor_warning": warning,
        "missing_rate_lines": matrix.missing_rate_lines,
    }


class OpenSpacePasteInput(serializers.Serializer):
    top_segment = serializers.IntegerField(help_text="Row id of the block's top-left cell.")
    left_column = serializers.IntegerField(help_text="Column id of the block's top-left cell.")
    field = serializers.ChoiceField(choices=sorted((f, f) for f in PASTE_FIELDS))
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        allow_empty=False,
        help_text="The block, row by row, as copied from a spreadsheet.",
    )
    expected_versions = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text='Version of each cell you read, keyed "segmentId:columnId" (0: no values).',
    )


# -- rows, columns, cells ----------------------------------------------------------------


class OpenSpaceSegmentInput(serializers.Serializer):
    open_space = WorkspaceRelatedField(OpenSpace, help_text="Id of the Open Space.")
    name = serializers.CharField(max_length=120)
    group = serializers.CharField(max_length=120, required=False, allow_blank=True)
    sales_segment = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The segment as written on sales lines (empty: the name).",
    )
    open_space_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The Open Space version you read; a stale one is refused (412). Optional.",
    )


class OpenSpaceSegmentOutput(serializers.ModelSerializer):
    class Meta:
        model = OpenSpaceSegment
        fields = ["id", "open_space", "name", "group", "sales_segment", "position"]
        read_only_fields = fields


class OpenSpaceColumnInput(serializers.Serializer):
    open_space = WorkspaceRelatedField(OpenSpace, help_text="Id of the Open Space.")
    offering = WorkspaceRelatedField(
        Offering,
        required=False,
        allow_null=True,
        help_text="A catalog offering; leave out for a co-creation column (then give a name).",
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    group = serializers.CharField(max_length=120, required=False, allow_blank=True)
    open_space_version = serializers.IntegerField(required=False, min_value=1)


class OpenSpaceColumnOutput(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    is_co_creation = serializers.BooleanField(read_only=True)

    class Meta:
        model = OpenSpaceColumn
        fields = [
            "id",
            "open_space",
            "offering",
            "name",
            "label",
            "group",
            "is_co_creation",
            "position",
        ]
        read_only_fields = fields


class OpenSpaceCellInput(serializers.Serializer):
    segment = WorkspaceRelatedField(OpenSpaceSegment, help_text="Row id.")
    column = WorkspaceRelatedField(OpenSpaceColumn, help_text="Column id.")
    potential = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_AMOUNT_HELP
    )
    entered_sales = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Last year's sales typed in; used only when no sales line matches. "
        + _AMOUNT_HELP,
    )
    success_factor = WorkspaceRelatedField(
        CriticalSuccessFactor,
        required=False,
        allow_null=True,
        help_text="A critical success factor of the same account (CSF alignment).",
    )
    competitor = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class OpenSpaceCellOutput(serializers.ModelSerializer):
    class Meta:
        model = OpenSpaceCell
        fields = [
            "id",
            "open_space",
            "segment",
            "column",
            "entered_sales",
            "potential",
            "success_factor",
            "competitor",
            "note",
            "version",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = fields


class OpenSpacePasteOutput(serializers.Serializer):
    cells = OpenSpaceCellOutput(many=True)
    upv = OpenSpaceUpvOutput()


class OpenSpaceRemovalOutput(serializers.Serializer):
    warnings = serializers.ListField(child=serializers.CharField())
