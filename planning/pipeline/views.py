"""Pages: the account's prioritization matrix and the pipeline across key accounts."""

from __future__ import annotations

import csv

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Customer
from buying_center import selectors as account_selectors
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import Opportunity
from planning.pipeline import selectors
from selling_center.models import BuyingStage


def _account(request: WorkspaceRequest, customer_id: int) -> Customer:
    customer = account_selectors.account_for_page(
        workspace=request.workspace,
        customer_id=customer_id,
    )
    if customer is None:
        raise Http404("No such account in this workspace.")
    return customer


@workspace_view(Capability.VIEW)
def account_priorities(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """The whole account on the prioritization matrix (four queries)."""
    customer = _account(request, customer_id)
    opportunities = list(
        selectors.matrix_opportunities(
            workspace=request.workspace,
            customer=customer,
        )
    )
    matrix = selectors.prioritization_matrix(
        opportunities,
        today=timezone.localdate(),
        currency=request.workspace.reporting_currency.upper(),
    )
    return render(
        request,
        "planning/pipeline/account_priorities.html",
        {"customer": customer, "active_tab": "opportunities", "matrix": matrix},
    )


@workspace_view(Capability.VIEW)
def pipeline(request: WorkspaceRequest) -> HttpResponse:
    """Every open opportunity of the key accounts; ``?export=csv`` downloads the filtered list."""
    filters = selectors.parse_filters(request.GET)
    workspace = request.workspace
    if request.GET.get("export") == "csv":
        return _csv(selectors.pipeline_queryset(workspace=workspace, filters=filters), filters)
    data = selectors.pipeline(workspace=workspace, filters=filters)
    today = timezone.localdate()
    currency = workspace.reporting_currency.upper()
    matrix = selectors.prioritization_matrix(
        data.opportunities, today=today, show_account=True, currency=currency
    )
    return render(
        request,
        "planning/pipeline/pipeline.html",
        {
            "pipeline": data,
            "filters": filters,
            "matrix": matrix,
            "today": today,
            "currency": currency,
            "stages": BuyingStage.choices,
            "quadrants": selectors.QUADRANTS,
            "sort_choices": selectors.SORT_CHOICES,
        },
    )


def _csv(queryset: QuerySet[Opportunity], filters: selectors.PipelineFilters) -> HttpResponse:
    rows = list(
        queryset.select_related("customer", "customer__owner")
        .prefetch_related(selectors.open_tasks_prefetch())
        .order_by(*selectors.SORTS[filters.sort])
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="pipeline-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    for row in selectors.csv_rows(rows):
        writer.writerow(row)
    return response
