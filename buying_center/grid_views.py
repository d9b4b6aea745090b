"""Analysis-grid pages: the four grids of a key account, each editable in place (htmx)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Customer
from buying_center.grids import (
    GRID_FIELDS,
    GRID_SECTIONS,
    MAX_TEXT_LENGTH,
    analysis_grid_update,
    analysis_grids_ensure,
    stakeholders_by_role_group,
)
from buying_center.models import AnalysisGrid, Stakeholder
from kam.concurrency import VersionConflict
from kam.editing import StaleEdit, apply_errors, on_version, row_or_404, stale_edit
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view


class AnalysisGridForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for _section, fields in GRID_SECTIONS:
            for name, label, help_text in fields:
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=help_text,
                    required=False,
                    max_length=MAX_TEXT_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name, _, _ in fields]) for title, fields in GRID_SECTIONS]


def _customer(request: WorkspaceRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(
        request.workspace,
        Customer.objects.select_related("owner"),
        pk=customer_id,
    )


def _grid(request: WorkspaceRequest, customer: Customer, analysis_grid_id: int) -> AnalysisGrid:
    return row_or_404(request.workspace, AnalysisGrid, pk=analysis_grid_id, customer=customer)


def _card_context(
    grid: AnalysisGrid, customer: Customer, people: list[Stakeholder]
) -> dict[str, Any]:
    return {
        "grid": grid,
        "customer": customer,
        "people": people,
        "sections": [
            (title, [(label, getattr(grid, name)) for name, label, _ in fields])
            for title, fields in GRID_SECTIONS
        ],
    }


def _people(request: WorkspaceRequest, customer: Customer, grid: AnalysisGrid) -> list[Stakeholder]:
    grouped = stakeholders_by_role_group(
        workspace=request.workspace,
        customer=customer,
    )
    return grouped[grid.role_group]


@require_GET
@workspace_view(Capability.VIEW)
def account_grids(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    workspace = request.workspace
    # The four grids always exist once the page was opened; creating empty ones is
    # not a content change, so any reader may trigger it.
    grids = analysis_grids_ensure(workspace=workspace, customer=customer)
    grouped = stakeholders_by_role_group(workspace=workspace, customer=customer)
    cards = [_card_context(grid, customer, grouped[grid.role_group]) for grid in grids]
    return render(
        request,
        "buying_center/grids/grids.html",
        {"customer": customer, "active_tab": "buying-center", "cards": cards},
    )


@require_GET
@workspace_view(Capability.VIEW)
def analysis_grid_card(
    request: WorkspaceRequest, customer_id: int, analysis_grid_id: int
) -> HttpResponse:
    """One grid, read-only (what "Cancel" swaps back in)."""
    customer = _customer(request, customer_id)
    grid = _grid(request, customer, analysis_grid_id)
    if not getattr(request, "htmx", False):
        return redirect("account-grids", customer_id=customer.pk)
    context = _card_context(grid, customer, _people(request, customer, grid))
    return render(request, "buying_center/grids/_grid_card.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.EDIT_ACCOUNTS)
def analysis_grid_edit(
    request: WorkspaceRequest, customer_id: int, analysis_grid_id: int
) -> HttpResponse:
    customer = _customer(request, customer_id)
    grid = _grid(request, customer, analysis_grid_id)
    people = _people(request, customer, grid)
    conflict: StaleEdit | None = None
    status = 200
    if request.method == "POST":
        form = AnalysisGridForm(request.POST)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in GRID_FIELDS}
            try:
                analysis_grid_update(
                    workspace=request.workspace,
                    analysis_grid=grid,
                    expected_version=form.cleaned_data["version"],
                    changes=changes,
                )
            except VersionConflict:
                grid.refresh_from_db()
                conflict = stale_edit(
                    form,
                    current=grid,
                    saved={name: getattr(grid, name) for name in GRID_FIELDS},
                    change="saved this grid",
                    reload_url=request.get_full_path(),
                    hx_target=f"#grid-{grid.pk}",
                )
                # Your text stays in the form; the version moves on, so saving again
                # is a deliberate choice made after reading the other change.
                form = AnalysisGridForm(on_version(request.POST, grid.version))
                form.is_valid()
                status = 409
            except ValidationError as error:
                apply_errors(form, error)
                status = 422
            else:
                if not getattr(request, "htmx", False):
                    return redirect("account-grids", customer_id=customer.pk)
                context = _card_context(grid, customer, people)
                context["saved"] = True
                return render(request, "buying_center/grids/_grid_card.html", context)
        else:
            status = 422
    else:
        form = AnalysisGridForm(
            initial={"version": grid.version, **{name: getattr(grid, name) for name in GRID_FIELDS}}
        )
    context = {
        **_card_context(grid, customer, people),
        "form": form,
        "conflict": conflict,
        "active_tab": "buying-center",
    }
    template = (
        "buying_center/grids/_grid_form.html"
        if getattr(request, "htmx", False)
        else "buying_center/grids/grid_edit.html"
    )
    return render(request, template, context, status=status)
