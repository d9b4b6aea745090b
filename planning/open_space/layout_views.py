"""The layout of an Open Space: its rows (segments) and columns, added, renamed, moved, removed.

Every change is guarded by the Open Space version: a stale layout is refused,
never merged, and the current one shown with what was typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Customer
from kam.concurrency import VersionConflict
from kam.editing import apply_errors, on_version
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import OpenSpace, OpenSpaceCell, Opportunity
from planning.open_space.forms import AddColumnsForm, CoCreationForm, MoveForm, SegmentForm
from planning.open_space.services import layout
from planning.open_space.views import (
    STALE_LAYOUT,
    account_of,
    catalog_left,
    column_of,
    open_space_of,
    page_url,
    render_page,
    segment_of,
)

# -- layout: rows and columns -----------------------------------------------------------


def _layout_change(
    request: WorkspaceRequest,
    customer: Customer,
    change: Callable[[OpenSpace], Any],
    *,
    success: str,
    bound: dict[str, Form] | None = None,
    failed_item: tuple[str, int, dict[str, str]] | None = None,
) -> HttpResponse:
    """Run a layout change; refused (stale or invalid) -> the page, with what was typed."""
    open_space = open_space_of(customer)
    try:
        result = change(open_space)
    except VersionConflict as conflict:
        # Refused, never merged: show the current layout, keep what was typed, and carry
        # the current version so that sending it again is a deliberate second choice.
        if failed_item is not None:
            kind, item_id, values = failed_item
            failed = (kind, item_id, values, STALE_LAYOUT)
            return render_page(request, customer, failed=failed, status=409)
        if bound:
            current = cast(OpenSpace, conflict.instance).version
            for form in bound.values():
                # Every layout form is bound to the request's POST data.
                field = form.add_prefix("layout_version")
                form.data = on_version(request.POST, current, field=field)
                form.full_clean()
                form.add_error(None, STALE_LAYOUT)
            return render_page(request, customer, bound=bound, status=409)
        messages.error(request, STALE_LAYOUT)
        return redirect(page_url(customer, "layout"))
    except ValidationError as error:
        text = " ".join(error.messages)
        if failed_item is not None:
            kind, item_id, values = failed_item
            return render_page(request, customer, failed=(kind, item_id, values, text), status=400)
        for form in (bound or {}).values():
            apply_errors(form, error)
        return render_page(request, customer, bound=bound, status=400)
    messages.success(request, success)
    if isinstance(result, list):
        for warning in result:
            messages.warning(request, warning)
    return redirect(page_url(customer, "layout"))


def _version(request: WorkspaceRequest) -> int:
    value = request.POST.get("layout_version", "")
    return int(value) if value.isdigit() else 0


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def segment_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = account_of(request, customer_id)
    form = SegmentForm(request.POST, prefix="row")
    if not form.is_valid():
        open_space_of(customer)
        return render_page(request, customer, bound={"segment_form": form}, status=400)
    data = form.cleaned_data
    return _layout_change(
        request,
        customer,
        lambda os: layout.segment_add(
            open_space=os,
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
    request: WorkspaceRequest, customer_id: int, open_space_segment_id: int
) -> HttpResponse:
    customer = account_of(request, customer_id)
    segment = segment_of(open_space_of(customer), open_space_segment_id)
    values = {k: request.POST.get(k, "") for k in ("name", "group", "sales_segment")}
    return _layout_change(
        request,
        customer,
        lambda os: layout.segment_update(
            open_space=os,
            segment_id=segment.pk,
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
    request: WorkspaceRequest, customer_id: int, open_space_segment_id: int
) -> HttpResponse:
    customer = account_of(request, customer_id)
    segment = segment_of(open_space_of(customer), open_space_segment_id)
    form = MoveForm(request.POST)
    direction = form.data.get("direction", "")
    return _layout_change(
        request,
        customer,
        lambda os: layout.segment_move(
            open_space=os,
            segment_id=segment.pk,
            direction=direction,
            expected_open_space_version=_version(request),
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
    request: WorkspaceRequest,
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
    request: WorkspaceRequest, customer_id: int, open_space_segment_id: int
) -> HttpResponse:
    customer = account_of(request, customer_id)
    open_space = open_space_of(customer)
    segment = segment_of(open_space, open_space_segment_id)
    if request.method == "GET":
        cells = OpenSpaceCell.objects.filter(segment_id=segment.pk)
        return _confirm_remove(
            request, customer, open_space, kind="row", label=str(segment), cells=cells
        )
    return _layout_change(
        request,
        customer,
        lambda os: layout.segment_remove(
            open_space=os, segment_id=segment.pk, expected_open_space_version=_version(request)
        ),
        success=f"Row {segment} removed with its cells.",
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def columns_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = account_of(request, customer_id)
    open_space = open_space_of(customer)
    form = AddColumnsForm(request.POST, prefix="columns", offerings=catalog_left(open_space))
    if not form.is_valid():
        return render_page(request, customer, bound={"columns_form": form}, status=400)
    data = form.cleaned_data
    count = len(data["offerings"])
    return _layout_change(
        request,
        customer,
        lambda os: layout.catalog_columns_add(
            open_space=os,
            offering_ids=[o.pk for o in data["offerings"]],
            expected_open_space_version=data["layout_version"],
        ),
        success=f"{count} column{'s' if count != 1 else ''} added.",
        bound={"columns_form": form},
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def co_creation_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = account_of(request, customer_id)
    open_space_of(customer)
    form = CoCreationForm(request.POST, prefix="idea")
    if not form.is_valid():
        return render_page(request, customer, bound={"co_creation_form": form}, status=400)
    data = form.cleaned_data
    return _layout_change(
        request,
        customer,
        lambda os: layout.co_creation_column_add(
            open_space=os,
            name=data["name"],
            group=data["group"],
            expected_open_space_version=data["layout_version"],
        ),
        success=f"Co-creation column {data['name']} added.",
        bound={"co_creation_form": form},
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def column_edit(
    request: WorkspaceRequest, customer_id: int, open_space_column_id: int
) -> HttpResponse:
    customer = account_of(request, customer_id)
    column = column_of(open_space_of(customer), open_space_column_id)
    values = {k: request.POST.get(k, "") for k in ("name", "group")}
    name = values["name"].strip()
    if column.offering is not None and name == column.offering.name:
        name = ""  # the offering's own name: keep following it
    return _layout_change(
        request,
        customer,
        lambda os: layout.column_update(
            open_space=os,
            column_id=column.pk,
            name=name,
            group=values["group"],
            expected_open_space_version=_version(request),
        ),
        success=f"Column {name or column.label} saved.",
        failed_item=("column", column.pk, values),
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def column_move(
    request: WorkspaceRequest, customer_id: int, open_space_column_id: int
) -> HttpResponse:
    customer = account_of(request, customer_id)
    column = column_of(open_space_of(customer), open_space_column_id)
    direction = request.POST.get("direction", "")
    return _layout_change(
        request,
        customer,
        lambda os: layout.column_move(
            open_space=os,
            column_id=column.pk,
            # The service refuses anything but "up" and "down".
            direction=cast(Literal["up", "down"], direction),
            expected_open_space_version=_version(request),
        ),
        success=f"Column {column.label} moved {'left' if direction == 'up' else 'right'}.",
        failed_item=("column", column.pk, {}),
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.EDIT_ACCOUNTS)
def column_remove(
    request: WorkspaceRequest, customer_id: int, open_space_column_id: int
) -> HttpResponse:
    customer = account_of(request, customer_id)
    open_space = open_space_of(customer)
    column = column_of(open_space, open_space_column_id)
    if request.method == "GET":
        cells = OpenSpaceCell.objects.filter(column_id=column.pk)
        return _confirm_remove(
            request, customer, open_space, kind="column", label=column.label, cells=cells
        )
    return _layout_change(
        request,
        customer,
        lambda os: layout.column_remove(
            open_space=os, column_id=column.pk, expected_open_space_version=_version(request)
        ),
        success=f"Column {column.label} removed with its cells.",
    )
