"""Pages of the project package: home and health.

The composition root of the pages: the one module of ``kam`` (with settings,
urls and management commands) that may call the domain apps.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.selectors import portfolio_counts
from kam.permissions import Capability, role_can
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from kam.workspaces.first_steps import first_steps
from planning.plan.my_week import (
    account_rows,
    key_accounts,
    my_week,
    week_lines,
    weeks_per_kam,
)
from planning.reviews.selectors import upcoming_reviews


@workspace_view(Capability.VIEW)
def home(request: WorkspaceRequest) -> HttpResponse:
    """The three moments at a glance: my week and accounts (or all), portfolio, reviews."""
    workspace = request.workspace
    role = request.membership.role
    today = timezone.localdate()
    mine = key_accounts(workspace=workspace, owner=request.user)
    context: dict[str, object] = {
        "my_accounts": account_rows(workspace=workspace, accounts=mine, lines=()),
        "my_week": my_week(workspace=workspace, user=request.user, accounts=mine, today=today),
        # Counts are part of the portfolio view; roles without it are not shown them.
        "portfolio": portfolio_counts(workspace=workspace)
        if role_can(role, Capability.VIEW_PORTFOLIO)
        else None,
        "executive_home": False,
        "first_steps": first_steps(workspace=workspace, user_id=request.user.pk, role=role),
    }
    # Those who run the program land on every key account, not on an empty "mine".
    if role_can(role, Capability.MANAGE_SELECTION):
        everyone = key_accounts(workspace=workspace)
        lines = week_lines(workspace=workspace, accounts=everyone, today=today)
        context |= {
            "executive_home": True,
            "every_account": account_rows(workspace=workspace, accounts=everyone, lines=lines),
            "weeks_per_kam": weeks_per_kam(accounts=everyone, lines=lines),
        }
        mine = everyone
    context["next_reviews"] = upcoming_reviews(
        workspace=workspace, customer_ids=[a.pk for a in mine]
    )
    context["today"] = today
    return render(request, "home.html", context)


def _database_status() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"ok": False, "error": str(error).splitlines()[0][:200]}
    return {"ok": True, "vendor": connection.vendor}


def _broker_status() -> dict[str, object]:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "eager (in-process tasks)"}
    from kam.celery import app

    try:
        # The URL from settings, explicitly: Celery lets CELERY_BROKER_URL in the
        # environment win over its own configuration, settings are the truth here.
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            # One quick retry, no back-off: a health probe must answer fast.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as error:
        return {"ok": False, "error": str(error).splitlines()[0][:200]}
    return {"ok": True, "mode": "broker"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status, for load balancers and docker-compose healthchecks."""
    database = _database_status()
    broker = _broker_status()
    ok = bool(database["ok"]) and bool(broker["ok"])
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "database": database, "broker": broker},
        status=200 if ok else 503,
    )
