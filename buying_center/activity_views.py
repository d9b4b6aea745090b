"""The account's Activity tab: its change log as a timeline (lives with the account shell)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from buying_center import selectors
from buying_center.views import account_context
from kam.changelog.selectors import change_log_for_account, group_by_day
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view

PER_PAGE = 50


@workspace_view(Capability.VIEW)
def account_activity(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """What happened at this account, newest first, grouped by day."""
    customer = selectors.account_for_page(workspace=request.workspace, customer_id=customer_id)
    if customer is None:
        raise Http404("No such account in this workspace.")
    entries = change_log_for_account(workspace=request.workspace, account_id=customer.pk)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "changelog/activity.html",
        {**account_context(customer, "activity"), "page": page, "days": group_by_day(page)},
    )
