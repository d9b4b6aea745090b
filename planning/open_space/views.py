"""The Open Space page of a key account: the matrix as a spreadsheet, and its layout.

The page renders the whole matrix server-side from
:func:`planning.open_space.selectors.open_space_matrix` (a fixed number of
queries whatever its size); static/js/open_space.js turns it into a
spreadsheet. Cell edits and pasted blocks come back as JSON to
:func:`cell_save` and :func:`cell_paste`, which call the same services as the
API (``cells.cell_save``, ``clipboard.cells_paste``) and answer with the saved cells, the new
totals and the re-rendered UPV summary, so the page never reloads while someone
types. Rows and columns change through ordinary forms guarded by the Open Space
version (a stale layout is refused, the current one shown).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Customer, Offering
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.models import OpenSpace, OpenSpaceColumn, OpenSpaceSegment, Opportunity
from planning.open_space.clipboard import parse_clipboard
from planning.open_space.csf_views import success_factors_context
from planning.open_space.forms import (
    AddColumnsForm,
    CoCreationForm,
    SegmentForm,
    StartForm,
)
from planning.open_space.presenters import cell_data, grid_rows, total_data, totals_data
from planning.open_space.selectors import Matrix, open_space_for, open_space_matrix
from planning.open_space.services import cells, clipboard, layout, open_spaces

VIEWS = ("plain", "enhanced", "priority")
EDIT_FIELDS = {"potential": "Potential", "entered_sales": "Last year's sales"}
#: Stands for the cell id in the "Create opportunity" URL until a cell is selected.
CELL_ID_PLACEHOLDER = 2147483647
STALE_LAYOUT = (
    "Someone else changed the rows or columns of this Open Space since you opened the page,"
    " so your change was not made. The layout below is the current one; make your change"
    " again if it is still needed."
)


# -- lookups ----------------------------------------------------------------------------


def account_of(request: WorkspaceRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(
        request.workspace,
        Customer.objects.select_related("owner", "workspace"),
        pk=customer_id,
    )


def open_space_of(customer: Customer) -> OpenSpace:
    open_space = open_space_for(customer)
    if open_space is None:
        raise Http404("This account has no Open Space yet.")
    return open_space


def segment_of(open_space: OpenSpace, segment_id: int) -> OpenSpaceSegment:
    return workspace_get_object_or_404(
        open_space.workspace, OpenSpaceSegment, pk=segment_id, open_space=open_space
    )


def column_of(open_space: OpenSpace, column_id: int) -> OpenSpaceColumn:
    return workspace_get_object_or_404(
        open_space.workspace,
        OpenSpaceColumn.objects.select_related("offering"),
        pk=column_id,
        open_space=open_space,
    )


def page_url(customer: Customer, anchor: str = "") -> str:
    url = reverse("account-open-space", kwargs={"customer_id": customer.pk})
    return f"{url}#{anchor}" if anchor else url


def _opportunity_url(customer: Customer, opportunity_id: int) -> str:
    return reverse(
        "account-opportunity",
        kwargs={"customer_id": customer.pk, "opportunity_id": opportunity_id},
    )


def _opportunities_by_cell(customer: Customer, open_space: OpenSpace) -> dict[str, list[Any]]:
    """Opportunities linked to this matrix's cells, keyed by cell id (one query)."""
    found: dict[str, list[Any]] = {}
    for row in (
        Opportunity.objects.filter(customer_id=customer.pk, open_space_cell__open_space=open_space)
        .order_by("title")
        .values("id", "title", "state", "open_space_cell_id")
    ):
        found.setdefault(str(row["open_space_cell_id"]), []).append(
            {
                "title": row["title"],
                "state": row["state"].replace("_", " "),
                "url": _opportunity_url(customer, row["id"]),
            }
        )
    return found


# -- the page ---------------------------------------------------------------------------


def catalog_left(open_space: OpenSpace | None) -> Any:
    offerings = Offering.objects.order_by("business_unit", "name")
    if open_space is not None:
        offerings = offerings.exclude(open_space_columns__open_space=open_space)
    return offerings


def _layout_forms(open_space: OpenSpace, bound: dict[str, Form] | None = None) -> dict[str, Form]:
    version = {"layout_version": open_space.version}
    forms: dict[str, Form] = {
        "segment_form": SegmentForm(initial=version, prefix="row"),
        "columns_form": AddColumnsForm(
            initial=version, prefix="columns", offerings=catalog_left(open_space)
        ),
        "co_creation_form": CoCreationForm(initial=version, prefix="idea"),
    }
    forms.update(bound or {})
    return forms


def _layout_items(
    matrix: Matrix, failed: tuple[str, int, dict[str, str], str] | None
) -> dict[str, Any]:
    """Rows and columns for the layout section; the failed edit keeps what was typed."""
    segments = []
    for segment in matrix.segments:
        values = {"name": segment.name, "group": segment.group, "sales_segment": ""}
        values["sales_segment"] = "" if segment.sales_key == segment.name else segment.sales_key
        error = ""
        if failed and failed[0] == "segment" and failed[1] == segment.id:
            values.update(failed[2])
            error = failed[3]
        segments.append({"head": segment, "values": values, "error": error})
    columns = []
    for column in matrix.columns:
        values = {"name": column.label, "group": column.group}
        error = ""
        if failed and failed[0] == "column" and failed[1] == column.id:
            values.update(failed[2])
            error = failed[3]
        columns.append({"head": column, "values": values, "error": error})
    return {"layout_segments": segments, "layout_columns": columns}


def render_page(
    request: WorkspaceRequest,
    customer: Customer,
    *,
    bound: dict[str, Form] | None = None,
    failed: tuple[str, int, dict[str, str], str] | None = None,
    status: int = 200,
) -> HttpResponse:
    open_space = open_space_for(customer)
    view = request.GET.get("view", "")
    context: dict[str, Any] = {
        "customer": customer,
        "active_tab": "open-space",
        "view": view if view in VIEWS else "",
        "views": [
            ("plain", "Plain", "1"),
            ("enhanced", "Enhanced", "2"),
            ("priority", "Priority", "3"),
        ],
        **success_factors_context(customer),
    }
    if open_space is None:
        context["start_form"] = (bound or {}).get("start_form") or StartForm(
            segments=layout.segments_suggest(customer=customer),
            offerings=catalog_left(None),
        )
        return render(request, "planning/open_space/page.html", context, status=status)
    matrix = open_space_matrix(open_space)
    present = {s.sales_key.strip().lower() for s in matrix.segments}
    context.update(
        {
            "open_space": open_space,
            "matrix": matrix,
            "grid": grid_rows(matrix),
            "totals": {
                "columns": [
                    (c.id, total_data(matrix.column_totals[c.id], matrix.currency))
                    for c in matrix.columns
                ],
                "grand": total_data(matrix.grand_total, matrix.currency),
            },
            "upv": matrix.upv,
            "currency": matrix.currency,
            "year": matrix.year,
            "missing_rate_sentence": matrix.missing_rate_sentence,
            "opportunities_by_cell": _opportunities_by_cell(customer, open_space),
            "edit_fields": EDIT_FIELDS,
            "cell_id_placeholder": CELL_ID_PLACEHOLDER,
            "suggested_segments": [
                name
                for name in layout.segments_suggest(customer=customer)
                if name.strip().lower() not in present
            ],
            **_layout_forms(open_space, bound),
            **_layout_items(matrix, failed),
        }
    )
    return render(request, "planning/open_space/page.html", context, status=status)


@require_http_methods(["GET"])
@workspace_view(Capability.VIEW)
def open_space_page(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    return render_page(request, account_of(request, customer_id))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def open_space_start(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """Create the matrix with the chosen sales segments as rows and offerings as columns."""
    customer = account_of(request, customer_id)
    form = StartForm(
        request.POST,
        segments=layout.segments_suggest(customer=customer),
        offerings=catalog_left(None),
    )
    if not form.is_valid():
        return render_page(request, customer, bound={"start_form": form}, status=400)
    open_space = open_spaces.open_space_get_or_create(customer=customer)
    try:
        for name in form.cleaned_data["segments"]:
            layout.segment_add(
                open_space=open_space,
                name=name,
                sales_segment=name,
                expected_open_space_version=open_space.version,
            )
        offerings = [o.pk for o in form.cleaned_data["offerings"]]
        if offerings:
            layout.catalog_columns_add(
                open_space=open_space,
                offering_ids=offerings,
                expected_open_space_version=open_space.version,
            )
    except (ValidationError, VersionConflict) as error:
        # Someone started the same matrix at the same moment: theirs stands, ours is shown.
        text = " ".join(error.messages) if isinstance(error, ValidationError) else STALE_LAYOUT
        messages.error(request, text)
    else:
        messages.success(request, "Open Space started. Select a cell and type a potential.")
    return redirect(page_url(customer))


# -- JSON: cells and pasted blocks --------------------------------------------------------


def _json_body(request: WorkspaceRequest) -> dict[str, Any]:
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("The request was not valid JSON.") from None
    if not isinstance(payload, dict):
        raise ValidationError("The request must be a JSON object.")
    return payload


def _int(payload: dict[str, Any], key: str, default: int | None = None) -> int:
    value = payload.get(key, default)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(f"'{key}' must be a whole number.") from None


def _bad_request(error: ValidationError) -> JsonResponse:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return JsonResponse({"message": " ".join(error.messages), "errors": errors}, status=400)


def _cells_payload(matrix: Matrix, keys: list[tuple[int, int]]) -> list[dict[str, Any]]:
    return [
        cell_data(matrix.cells[key], matrix.segment(key[0]), matrix.column(key[1]), matrix.currency)
        for key in keys
        if key in matrix.cells
    ]


def _upv_html(matrix: Matrix) -> str:
    return render_to_string(
        "planning/open_space/_upv_summary.html",
        {
            "upv": matrix.upv,
            "currency": matrix.currency,
            "year": matrix.year,
            "missing_rate_sentence": matrix.missing_rate_sentence,
        },
    )


def _answer(matrix: Matrix, keys: list[tuple[int, int]], **extra: Any) -> dict[str, Any]:
    return {
        "cells": _cells_payload(matrix, keys),
        "totals": totals_data(matrix),
        "upv_html": _upv_html(matrix),
        **extra,
    }


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def cell_save(request: WorkspaceRequest, customer_id: int) -> JsonResponse:
    """Save one cell: {segment, column, version, changes: {field: text}}.

    200 with the cell, totals and UPV; 400 with the message (the page keeps the
    typed text); 409 with the cell as someone else saved it.
    """
    customer = account_of(request, customer_id)
    open_space = open_space_of(customer)
    try:
        payload = _json_body(request)
        segment_id = _int(payload, "segment")
        column_id = _int(payload, "column")
        version = _int(payload, "version", 0)
        changes = payload.get("changes")
        if not isinstance(changes, dict):
            raise ValidationError("Send the changed values as 'changes'.")
        changes = {str(k): None if v is None else str(v) for k, v in changes.items()}
        _cell, matrix = cells.cell_save_for_page(
            open_space=open_space,
            segment_id=segment_id,
            column_id=column_id,
            changes=changes,
            expected_version=version,
            user=request.user,
        )
    except VersionConflict:
        matrix = open_space_matrix(open_space)
        key = (segment_id, column_id)
        name = _cells_payload(matrix, [key])
        where = name[0]["name"] if name else "this cell"
        return JsonResponse(
            _answer(
                matrix,
                [key],
                conflict=True,
                message=f"Someone else changed {where} since you opened the page;"
                " your value was not saved.",
            ),
            status=409,
        )
    except ValidationError as error:
        return _bad_request(error)
    extra: dict[str, Any] = {}
    if "success_factor" in changes:
        # The factors' aligned-cell counts move with the alignment: re-render them too.
        extra["csf_html"] = render_to_string(
            "planning/open_space/_success_factors.html",
            {"customer": customer, **success_factors_context(customer)},
            request=request,
        )
    return JsonResponse(_answer(matrix, [(segment_id, column_id)], **extra))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def cell_paste(request: WorkspaceRequest, customer_id: int) -> JsonResponse:
    """Paste a block: {top_segment, left_column, field, text | rows, expected_versions}.

    All or nothing: 400 lists every bad value, 409 returns the cells someone
    else changed meanwhile; nothing is saved in either case.
    """
    customer = account_of(request, customer_id)
    open_space = open_space_of(customer)
    try:
        payload = _json_body(request)
        top = _int(payload, "top_segment")
        left = _int(payload, "left_column")
        field = str(payload.get("field", ""))
        if isinstance(payload.get("rows"), list):
            rows = [[str(v) for v in row] for row in payload["rows"]]
        else:
            rows = parse_clipboard(str(payload.get("text", "")))
        versions = payload.get("expected_versions") or {}
        if not isinstance(versions, dict):
            raise ValidationError("'expected_versions' must map \"segment:column\" to versions.")
        saved = clipboard.cells_paste(
            open_space=open_space,
            top_segment_id=top,
            left_column_id=left,
            field=field,
            rows=rows,
            expected_versions={str(k): int(v or 0) for k, v in versions.items()},
            user=request.user,
        )
    except clipboard.PasteConflict as conflict:
        matrix = open_space_matrix(open_space)
        keys = [(c.segment_id, c.column_id) for c in conflict.cells]
        names = ", ".join(cell["name"] for cell in _cells_payload(matrix, keys))
        return JsonResponse(
            _answer(
                matrix,
                keys,
                conflict=True,
                message=f"Nothing was pasted: someone else changed {names} since you opened"
                " the page. Their values are shown; paste again to replace them.",
            ),
            status=409,
        )
    except ValidationError as error:
        return JsonResponse(
            {
                "message": "Nothing was pasted: fix these values and paste again.",
                "errors": error.messages,
            },
            status=400,
        )
    matrix = open_space_matrix(open_space)
    return JsonResponse(_answer(matrix, [(c.segment_id, c.column_id) for c in saved]))
