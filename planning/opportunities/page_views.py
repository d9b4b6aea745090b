"""Pages of opportunities under /accounts/<customer>/opportunities/: the list and one opportunity.

The list is the account's pipeline; the detail page shows every section as its
own fragment (summary, CABS, value proposition, value drivers, contributors,
tasks and the three analyses). Sections are edited in :mod:`.section_views`,
rows in :mod:`.row_views`. Stale edits are refused and show the saved values.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kam.editing import StaleEdit, apply_errors, delete_with_version, row_or_404, sentences
from kam.permissions import Capability, capabilities_of
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import OpenSpaceCell, Opportunity, OpportunityState
from planning.opportunities import forms as opp_forms
from planning.opportunities import selectors
from planning.opportunities.services import from_cells, opportunities
from planning.opportunities.view_parts import (
    account,
    account_and_opportunity,
    detail_url,
    form_page,
    opportunity_save,
    warn,
)
from selling_center.models import BuyingStage

# -- the account's pipeline -------------------------------------------------------------


@workspace_view(Capability.VIEW)
def opportunity_list(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    filters = selectors.read_filters(request.GET)
    rows = selectors.pipeline_rows(
        selectors.account_opportunities(
            workspace=request.workspace, customer=customer, filters=filters
        )
    )
    return render(
        request,
        "planning/opportunities/list.html",
        {
            "customer": customer,
            "active_tab": "opportunities",
            "rows": rows,
            "totals": selectors.pipeline_totals(rows),
            "filters": filters,
            "state_choices": OpportunityState.choices,
            "stage_choices": BuyingStage.choices,
            "qualification_choices": list(selectors.QUALIFICATION_FILTERS.items()),
            "show_customer": False,
            "currency": request.workspace.reporting_currency.upper(),
        },
    )


# -- one opportunity ----------------------------------------------------------------------


def section_forms(request: WorkspaceRequest, opportunity: Opportunity) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return opp_forms.section_forms(
        opportunity,
        workspace=request.workspace,
        can_edit=capabilities_of(membership.role if membership else None)["edit_accounts"],
    )


@workspace_view(Capability.VIEW)
def opportunity_detail(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    from planning.analysis.selectors import opportunity_analysis_context

    customer, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    return render(
        request,
        "planning/opportunities/detail.html",
        {
            "customer": customer,
            "active_tab": "opportunities",
            "opportunity": opportunity,
            **selectors.opportunity_detail_context(opportunity),
            **opportunity_analysis_context(opportunity),
            **section_forms(request, opportunity),
        },
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    workspace = request.workspace
    list_url = reverse("account-opportunities", kwargs={"customer_id": customer.pk})
    if request.method == "POST":
        form = opp_forms.OpportunityForm(request.POST, workspace=workspace, customer=customer)
        if form.is_valid():
            try:
                opportunity = opportunities.opportunity_create(
                    workspace=workspace, customer=customer, **form.service_fields()
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, sentences.added(f"“{opportunity.title}”"))
                warn(request, opportunity)
                return redirect(detail_url(opportunity))
    else:
        form = opp_forms.OpportunityForm(
            workspace=workspace, customer=customer, initial={"owner": request.user.pk}
        )
    return form_page(
        request,
        customer=customer,
        opportunity=None,
        form=form,
        title="New opportunity",
        template_form="planning/opportunities/_opportunity_fields.html",
        cancel_url=list_url,
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_edit(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    customer, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    workspace = request.workspace
    conflict: StaleEdit | None = None

    def build(data: Any, **kwargs: Any) -> forms.Form:
        return opp_forms.OpportunityForm(
            data,
            workspace=workspace,
            customer=customer,
            linked_cell_id=opportunity.open_space_cell_id,
            **kwargs,
        )

    if request.method == "POST":
        form = build(request.POST)
        if form.is_valid():
            saved, conflict, form = opportunity_save(
                request,
                customer,
                opportunity,
                form,
                build=build,
                initial=opp_forms.opportunity_initial,
            )
            if saved:
                messages.success(request, sentences.saved(f"“{opportunity.title}”"))
                warn(request, opportunity)
                return redirect(detail_url(opportunity))
    else:
        form = build(None, initial=opp_forms.opportunity_initial(opportunity))
    return form_page(
        request,
        customer=customer,
        opportunity=opportunity,
        form=form,
        title="Edit the opportunity",
        template_form="planning/opportunities/_opportunity_fields.html",
        cancel_url=detail_url(opportunity),
        conflict=conflict,
        delete_url=reverse(
            "account-opportunity-delete",
            kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk},
        ),
        row=opportunity,
        noun="opportunity",
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_delete(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    customer, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    return delete_with_version(
        request,
        lambda version: opportunities.opportunity_delete(
            workspace=request.workspace, opportunity=opportunity, expected_version=version
        ),
        what=f"“{opportunity.title}”",
        back=reverse("account-opportunities", kwargs={"customer_id": customer.pk}),
        kept=detail_url(opportunity),
        removed=f"“{opportunity.title}” was deleted.",
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_from_cell(
    request: WorkspaceRequest, customer_id: int, open_space_cell_id: int
) -> HttpResponse:
    customer = account(request, customer_id)
    cell = row_or_404(
        request.workspace,
        OpenSpaceCell.objects.select_related("open_space"),
        pk=open_space_cell_id,
        open_space__customer=customer,
    )
    opportunity = from_cells.opportunity_create_from_cell(
        workspace=request.workspace, customer=customer, cell=cell, user=request.user
    )
    messages.success(
        request,
        f"“{opportunity.title}” was created from the Open Space cell: push, early stage,"
        f" {opportunity.get_growth_type_display().lower()}, value from the cell's potential."
        " Qualify it with CABS below.",
    )
    return redirect(detail_url(opportunity))
