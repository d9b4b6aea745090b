"""The My week page: the home page's list on a page of its own, for a bookmark or a print."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kam.permissions import Capability, role_can
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.plan.my_week import key_accounts, my_week, week_lines, weeks_per_kam


@workspace_view(Capability.VIEW)
def my_week_page(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    today = timezone.localdate()
    context: dict[str, object] = {
        "week": my_week(workspace=workspace, user=request.user, today=today),
        "today": today,
        "weeks_per_kam": None,
    }
    if role_can(request.membership.role, Capability.MANAGE_SELECTION):
        everyone = key_accounts(workspace=workspace)
        lines = week_lines(workspace=workspace, accounts=everyone, today=today)
        context["weeks_per_kam"] = weeks_per_kam(accounts=everyone, lines=lines)
    return render(request, "planning/plan/my_week.html", context)
