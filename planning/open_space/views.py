"""The Open Space page of a key account: the matrix as a spreadsheet, and its layout.

The page renders the whole matrix server-side from
:func:`planning.open_space.selectors.open_space_matrix` (a fixed number of
queries whatever its size); static/js/open_space.js turns it into a
spreadsheet. Cell edits and pasted blocks come back as JSON to
:func:`cell_save` and :func:`cell_paste`, which call the same services as the
API (``save_cell``, ``paste_block``) and answer with the saved cells, the new
totals and the re-rendered UPV summary, so the page never reloads while someone
types. Rows and columns change through ordinary forms guarded by the Open Space
version (a stale layout is refused, the current one shown).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Customer, Offering
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.models import OpenSpace, OpenSpaceCell, OpenSpaceColumn, OpenSpaceSegment, Opportunity
from planning.open_space import services
from planning.open_space.csf_views import success_factors_context
from planning.open_space.forms import (
    AddColumnsForm,
    CoCreationForm,
    MoveForm,
    SegmentForm,
    StartForm,
)
from planning.open_space.selectors import (
    CellView,
    ColumnHead,
    Matrix,
    SegmentHead,
    Totals,
    open_space_for,
    open_space_matrix,
)

VIEWS = ("plain", "enhanced", "priority")
EDIT_FIELDS = {"potential": "Potential", "entered_sales": "Last year's sales"}
#: Stands for the cell id in the "Create opportunity" URL until a cell is selected.
CELL_ID_PLACEHOLDER = 2147483647
STALE_LAYOUT = (
    "Someone else changed the rows or columns of this Open Space since you opened the page,"
    " so your change was not made. The layout below is the current one; make your change"
    " again if it is still needed."
)
_UNITS = ((Decimal("1e9"), "B"), (Decimal("1e6"), "M"), (Decimal("1e3"), "k"))


# -- formatting -------------------------------------------------------------------------


def compact(amount: Decimal | None) -> str:
    """1234567 -> "1.2M", 12500 -> "12.5k", 950 -> "950": short enough for a dense cell."""
    if amount is None:
        return ""
    for limit, unit in _UNITS:
        if abs(amount) >= limit:
            scaled = amount / limit
            text = f"{scaled:.1f}" if abs(scaled) < 100 else f"{scaled:.0f}"
            return text.removesuffix(".0") + unit
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def full(amount: Decimal | None, currency: str) -> str:
    """The exact amount for a title: "1,234,567.00 EUR"."""
    return "" if amount is None else f"{amount:,.2f} {currency}"


def raw(amount: Decimal | None) -> str:
    """The amount as the editor shows it: "1200", "1200.5"; "" when empty."""
    if amount is None:
        return ""
    text = format(amount.normalize(), "f")
    return text


def _sales_source(view: CellView) -> str:
    if view.sales_source == "lines":
        count = view.sales_line_count
        return f"from {count} sales line{'s' if count != 1 else ''}"
    if view.sales_source == "entered":
        return "entered"
    return "no sales"


def cell_data(
    view: CellView, segment: SegmentHead, column: ColumnHead, currency: str
) -> dict[str, Any]:
    """One cell as the template renders it and the JSON returns it (same keys)."""
    classes = ["os-cell", "is-open" if view.is_open else "is-incumbent"]
    if view.is_priority:
        classes.append("is-priority")
    if view.is_csf_aligned:
        classes.append("is-aligned")
    if view.has_competitor:
        classes.append("has-competitor")
    if column.is_co_creation:
        classes.append("is-co-creation")
    title = [f"{segment.label} \u00d7 {column.label}"]
    if view.sales is not None:
        title.append(f"Last year's sales: {full(view.sales, currency)} ({_sales_source(view)})")
    else:
        title.append("Open: no sales last year")
    if view.potential is not None:
        title.append(f"Potential: {full(view.potential, currency)}")
    if view.success_factor_title:
        title.append(f"CSF: {view.success_factor_title}")
    if view.competitor:
        title.append(f"Competitor: {view.competitor}")
    return {
        "seg": view.segment_id,
        "col": view.column_id,
        "id": view.cell_id,
        "version": view.version,
        "name": f"{segment.label} x {column.label}",
        "classes": " ".join(classes),
        "title": "\n".join(title),
        "sales": compact(view.sales),
        "sales_raw": raw(view.sales),
        "entered_sales": raw(view.entered_sales),
        "source": view.sales_source or "",
        "source_text": _sales_source(view),
        "potential": compact(view.potential),
        "potential_raw": raw(view.potential),
        "potential_full": full(view.potential, currency),
        "sales_full": full(view.sales, currency),
        "csf": view.success_factor_id or "",
        "csf_title": view.success_factor_title,
        "competitor": view.competitor,
        "note": view.note,
        "is_open": view.is_open,
        "is_priority": view.is_priority,
        "is_co_creation": view.is_co_creation,
    }


def _total_data(totals: Totals, currency: str) -> dict[str, str]:
    return {
        "sales": compact(totals.sales) if totals.sales else "",
        "sales_full": full(totals.sales, currency),
        "potential": compact(totals.potential) if totals.potential else "",
        "potential_full": full(totals.potential, currency),
    }


def totals_data(matrix: Matrix) -> dict[str, Any]:
    currency = matrix.currency
    return {
        "rows": {str(k): _total_data(v, currency) for k, v in matrix.row_totals.items()},
        "columns": {str(k): _total_data(v, currency) for k, v in matrix.column_totals.items()},
        "grand": _total_data(matrix.grand_total, currency),
        "priority_count": matrix.priority_count,
    }


def grid_rows(matrix: Matrix) -> list[dict[str, Any]]:
    """Rows grouped for the template, every cell pre-formatted (no per-cell template logic)."""
    currency = matrix.currency
    groups = []
    for group, segments in matrix.rows_grouped():
        rows = []
        for segment in segments:
            rows.append(
                {
                    "head": segment,
                    "cells": [
                        cell_data(matrix.cells[(segment.id, column.id)], segment, column, currency)
                        for column in matrix.columns
                    ],
                    "total": _total_data(matrix.row_totals[segment.id], currency),
                }
            )
        groups.append({"group": group, "rows": rows})
    return groups


# -- lookups ----------------------------------------------------------------------------


def _account(request: HttpRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(
        request.workspace,  # type: ignore[attr-defined]
        Customer.objects.select_related("owner", "workspace"),
        pk=customer_id,
    )


def _open_space(customer: Customer) -> OpenSpace:
    open_space = open_space_for(customer)
    if open_space is None:
        raise Http404("This account has no Open Space yet.")
    return open_space


def _segment(open_space: OpenSpace, segment_id: int) -> OpenSpaceSegment:
    return workspace_get_object_or_404(
        open_space.workspace, OpenSpaceSegment, pk=segment_id, open_space=open_space
    )


def _column(open_space: OpenSpace, column_id: int) -> OpenSpaceColumn:
    return workspace_get_object_or_404(
        open_space.workspace,
        OpenSpaceColumn.objects.select_related("offering"),
        pk=column_id,
        open_space=open_space,
    )


def _page_url(customer: Customer, anchor: str = "") -> str:
    url = reverse("account-open-space", kwargs={"customer_id": customer.pk})
    return f"{url}#{anchor}" if anchor else url


def _opportunity_url(customer: Customer, opportunity_id: int) -> str:
    """The opportunity's page once helper H2's URLs exist; "" until then."""
    try:
        return reverse(
            "account-opportunity",
            kwargs={"customer_id": customer.pk, "opportunity_id": opportunity_id},
        )
    except NoReverseMatch:
        return ""


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


def _catalog_left(open_space: OpenSpace | None) -> Any:
    offerings = Offering.objects.order_by("business_unit", "name")
    if open_space is not None:
        offerings = offerings.exclude(open_space_columns__open_space=open_space)
    return offerings


def _layout_forms(open_space: OpenSpace, bound: dict[str, Form] | None = None) -> dict[str, Form]:
    version = {"layout_version": open_space.version}
    forms: dict[str, Form] = {
        "segment_form": SegmentForm(initial=version, prefix="row"),
        "columns_form": AddColumnsForm(
            initial=version, prefix="columns", offerings=_catalog_left(open_space)
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


def _render_page(
    request: HttpRequest,
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
            segments=services.suggest_segments(customer),
            offerings=_catalog_left(None),
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
                    (c.id, _total_data(matrix.column_totals[c.id], matrix.currency))
                    for c in matrix.columns
                ],
                "grand": _total_data(matrix.grand_total, matrix.currency),
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
                for name in services.suggest_segments(customer)
                if name.strip().lower() not in present
            ],
            **_layout_forms(open_space, bound),
            **_layout_items(matrix, failed),
        }
    )
    return render(request, "planning/open_space/page.html", context, status=status)


@require_http_methods(["GET"])
@workspace_view(Capability.VIEW)
def open_space_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _render_page(request, _account(request, customer_id))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def open_space_start(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Create the matrix with the chosen sales segments as rows and offerings as columns."""
    customer = _account(request, customer_id)
    form = StartForm(
        request.POST,
        segments=services.suggest_segments(customer),
        offerings=_catalog_left(None),
    )
    if not form.is_valid():
        return _render_page(request, customer, bound={"start_form": form}, status=400)
    open_space = services.get_or_create_open_space(customer=customer)
    try:
        for name in form.cleaned_data["segments"]:
            services.add_segment(
                open_space,
                name=name,
                sales_segment=name,
                expected_open_space_version=open_space.version,
            )
        offerings = [o.pk for o in form.cleaned_data["offerings"]]
        if offerings:
            services.add_catalog_columns(
                open_space, offering_ids=offerings, expected_open_space_version=open_space.version
            )
    except (ValidationError, VersionConflict) as error:
        # Someone started the same matrix at the same moment: theirs stands, ours is shown.
        text = " ".join(error.messages) if isinstance(error, ValidationError) else STALE_LAYOUT
        messages.error(request, text)
    else:
        messages.success(request, "Open Space started. Select a cell and type a potential.")
    return redirect(_page_url(customer))


# -- JSON: cells and pasted blocks --------------------------------------------------------


def _json_body(request: HttpRequest) -> dict[str, Any]:
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
def cell_save(request: HttpRequest, customer_id: int) -> JsonResponse:
    """Save one cell: {segment, column, version, changes: {field: text}}.

    200 with the cell, totals and UPV; 400 with the message (the page keeps the
    typed text); 409 with the cell as someone else saved it.
    """
    customer = _account(request, customer_id)
    open_space = _open_space(customer)
    try:
        payload = _json_body(request)
        segment_id = _int(payload, "segment")
        column_id = _int(payload, "column")
        version = _int(payload, "version", 0)
        changes = payload.get("changes")
        if not isinstance(changes, dict):
            raise ValidationError("Send the changed values as 'changes'.")
        changes = {str(k): None if v is None else str(v) for k, v in changes.items()}
        _cell, matrix = services.save_cell_for_page(
            open_space=open_space,
            segment_id=segment_id,
            column_id=column_id,
            changes=changes,
            expected_version=version,
            user=request.user,  # type: ignore[arg-type]
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


def parse_clipboard(text: str) -> list[list[str]]:
    """A block copied from a spreadsheet: rows by line, values by tab.

    Excel ends the block with a line break (dropped here) and quotes values
    that contain a tab, a line break or a quote (doubling the quotes inside).
    """
    rows: list[list[str]] = []
    row: list[str] = []
    value: list[str] = []
    quoted = False
    i = 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"' and text[i + 1 : i + 2] == '"':
                value.append('"')
                i += 1
            elif char == '"':
                quoted = False
            else:
                value.append(char)
        elif char == '"' and not value:
            quoted = True
        elif char == "\t":
            row.append("".join(value))
            value = []
        elif char == "\n":
            row.append("".join(value))
            rows.append(row)
            row, value = [], []
        else:
            value.append(char)
        i += 1
    if value or row:
        row.append("".join(value))
        rows.append(row)
    return rows


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def cell_paste(request: HttpRequest, customer_id: int) -> JsonResponse:
    """Paste a block: {top_segment, left_column, field, text | rows, expected_versions}.

    All or nothing: 400 lists every bad value, 409 returns the cells someone
    else changed meanwhile; nothing is saved in either case.
    """
    customer = _account(request, customer_id)
    open_space = _open_space(customer)
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
        saved = services.paste_block(
            open_space=open_space,
            top_segment_id=top,
            left_column_id=left,
            field=field,
            rows=rows,
            expected_versions={str(k): int(v or 0) for k, v in versions.items()},
            user=request.user,  # type: ignore[arg-type]
        )
    except services.PasteConflict as conflict:
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


# -- layout: rows and columns -----------------------------------------------------------


def _layout_change(
    request: HttpRequest,
    customer: Customer,
    change: Callable[[OpenSpace], Any],
    *,
    success: str,
    bound: dict[str, Form] | None = None,
    failed_item: tuple[str, int, dict[str, str]] | None = None,
) -> HttpResponse:
    """Run a layout change; refused (stale or invalid) -> the page, with what was typed."""
    open_space = _open_space(customer)
    try:
        result = change(open_space)
    except VersionConflict as conflict:
        # Refused, never merged: show the current layout, keep what was typed, and carry
        # the current version so that sending it again is a deliberate second choice.
        if failed_item is not None:
            kind, item_id, values = failed_item
            failed = (kind, item_id, values, STALE_LAYOUT)
            return _render_page(request, customer, failed=failed, status=409)
        if bound:
            current = str(conflict.instance.version)  # type: ignore[attr-defined]
            for form in bound.values():
                data = form.data.copy()
                data[form.add_prefix("layout_version")] = current
                form.data = data
                form.full_clean()
                form.add_error(None, STALE_LAYOUT)
            return _render_page(request, customer, bound=bound, status=409)
        messages.error(request, STALE_LAYOUT)
        return redirect(_page_url(customer, "layout"))
    except ValidationError as error:
        text = " ".join(error.messages)
        if failed_item is not None:
            kind, item_id, values = failed_item
            return _render_page(request, customer, failed=(kind, item_id, values, text), status=400)
        for form in (bound or {}).values():
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        return _render_page(request, customer, bound=bound, status=400)
    messages.success(request, success)
    if isinstance(result, list):
        for warning in result:
            messages.warning(request, warning)
    return redirect(_page_url(customer, "layout"))


def _version(request: HttpRequest) -> int:
    value = request.POST.get("layout_version", "")
    return int(value) if value.isdigit() else 0


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def segment_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    form = SegmentForm(request.POST, prefix="row")
    if not form.is_valid():
        _open_space(customer)
        return _render_page(request, customer, bound={"segment_form": form}, status=400)
    data = form.cleaned_data
    return _layout_change(
        request,
        customer,
        lambda os: services.add_segment(
            os,
            name=data["name"],
            group=data["group"],
            sales_segment=data["sales_segment"],
            expected_open_space_version=data["layout_version"],
        ),
        success=f"Row {data['name']} added.",
        bound={"segment_form": form},
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def segment_edit(
    request: HttpRequest, customer_id: int, open_space_segment_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    segment = _segment(_open_space(customer), open_space_segment_id)
    values = {k: request.POST.get(k, "") for k in ("name", "group", "sales_segment")}
    return _layout_change(
        request,
        customer,
        lambda os: services.update_segment(
            os,
            segment.pk,
            name=values["name"],
            group=values["group"],
            sales_segment=values["sales_segment"],
            expected_open_space_version=_version(request),
        ),
        success=f"Row {values['name'].strip() or segment.name} saved.",
        failed_item=("segment", segment.pk, values),
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def segment_move(
    request: HttpRequest, customer_id: int, open_space_segment_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    segment = _segment(_open_space(customer), open_space_segment_id)
    form = MoveForm(request.POST)
    direction = form.data.get("direction", "")
    return _layout_change(
        request,
        customer,
        lambda os: services.move_segment(
            os, segment.pk, direction=direction, expected_open_space_version=_version(request)
        ),
        success=f"Row {segment} moved {direction}.",
        failed_item=("segment", segment.pk, {}),
    )


def _filled(cells: Any) -> int:
    """Cells with anything typed into them (what a removal loses)."""
    return (
        cells.filter(
            Q(potential__isnull=False)
            | Q(entered_sales__isnull=False)
            | Q(success_factor__isnull=False)
            | ~Q(competitor="")
            | ~Q(note="")
        )
        .distinct()
        .count()
    )


def _confirm_remove(
    request: HttpRequest,
    customer: Customer,
    open_space: OpenSpace,
    *,
    kind: str,
    label: str,
    cells: Any,
) -> HttpResponse:
    return render(
        request,
        "planning/open_space/remove_confirm.html",
        {
            "customer": customer,
            "active_tab": "open-space",
            "open_space": open_space,
            "kind": kind,
            "label": label,
            "filled": _filled(cells),
            "linked": Opportunity.objects.filter(open_space_cell__in=cells).count(),
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.EDIT_ACCOUNTS)
def segment_remove(
    request: HttpRequest, customer_id: int, open_space_segment_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    open_space = _open_space(customer)
    segment = _segment(open_space, open_space_segment_id)
    if request.method == "GET":
        cells = OpenSpaceCell.objects.filter(segment_id=segment.pk)
        return _confirm_remove(
            request, customer, open_space, kind="row", label=str(segment), cells=cells
        )
    return _layout_change(
        request,
        customer,
        lambda os: services.remove_segment(
            os, segment.pk, expected_open_space_version=_version(request)
        ),
        success=f"Row {segment} removed with its cells.",
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def columns_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    open_space = _open_space(customer)
    form = AddColumnsForm(request.POST, prefix="columns", offerings=_catalog_left(open_space))
    if not form.is_valid():
        return _render_page(request, customer, bound={"columns_form": form}, status=400)
    data = form.cleaned_data
    count = len(data["offerings"])
    return _layout_change(
        request,
        customer,
        lambda os: services.add_catalog_columns(
            os,
            offering_ids=[o.pk for o in data["offerings"]],
            expected_open_space_version=data["layout_version"],
        ),
        success=f"{count} column{'s' if count != 1 else ''} added.",
        bound={"columns_form": form},
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def co_creation_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    _open_space(customer)
    form = CoCreationForm(request.POST, prefix="idea")
    if not form.is_valid():
        return _render_page(request, customer, bound={"co_creation_form": form}, status=400)
    data = form.cleaned_data
    return _layout_change(
        request,
        customer,
        lambda os: services.add_co_creation_column(
            os,
            name=data["name"],
            group=data["group"],
            expected_open_space_version=data["layout_version"],
        ),
        success=f"Co-creation column {data['name']} added.",
        bound={"co_creation_form": form},
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def column_edit(request: HttpRequest, customer_id: int, open_space_column_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    column = _column(_open_space(customer), open_space_column_id)
    values = {k: request.POST.get(k, "") for k in ("name", "group")}
    name = values["name"].strip()
    if column.offering_id is not None and name == column.offering.name:
        name = ""  # the offering's own name: keep following it
    return _layout_change(
        request,
        customer,
        lambda os: services.update_column(
            os,
            column.pk,
            name=name,
            group=values["group"],
            expected_open_space_version=_version(request),
        ),
        success=f"Column {name or column.label} saved.",
        failed_item=("column", column.pk, values),
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def column_move(request: HttpRequest, customer_id: int, open_space_column_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    column = _column(_open_space(customer), open_space_column_id)
    direction = request.POST.get("direction", "")
    return _layout_change(
        request,
        customer,
        lambda os: services.move_column(
            os, column.pk, direction=direction, expected_open_space_version=_version(request)
        ),
        success=f"Column {column.label} moved {'left' if direction == 'up' else 'right'}.",
        failed_item=("column", column.pk, {}),
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.EDIT_ACCOUNTS)
def column_remove(
    request: HttpRequest, customer_id: int, open_space_column_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    open_space = _open_space(customer)
    column = _column(open_space, open_space_column_id)
    if request.method == "GET":
        cells = OpenSpaceCell.objects.filter(column_id=column.pk)
        return _confirm_remove(
            request, customer, open_space, kind="column", label=column.label, cells=cells
        )
    return _layout_change(
        request,
        customer,
        lambda os: services.remove_column(
            os, column.pk, expected_open_space_version=_version(request)
        ),
        success=f"Column {column.label} removed with its cells.",
    )
