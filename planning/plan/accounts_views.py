"""The key accounts list at /accounts/: health, overdue and stale markers, links to plans.

It lives in planning, not in the buying center, because it reads plans and
health; the URL name (``my-accounts``) and path stayed the same.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.plan.my_week import account_rows, key_accounts, week_lines


@workspace_view(Capability.VIEW)
def my_accounts(request: WorkspaceRequest) -> HttpResponse:
    """Yours first, then every other key account; the same counts for everyone."""
    workspace = request.workspace
    accounts = key_accounts(workspace=workspace)
    lines = week_lines(workspace=workspace, accounts=accounts, today=timezone.localdate())
    rows = account_rows(workspace=workspace, accounts=accounts, lines=lines)
    mine = [row for row in rows if row.customer.owner_id == request.user.pk]
    others = [row for row in rows if row.customer.owner_id != request.user.pk]
    return render(request, "accounts_shell/my_accounts.html", {"mine": mine, "others": others})
