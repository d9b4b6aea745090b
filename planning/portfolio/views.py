"""Pages of the portfolio: the three matrices with the table, decisions and judged factors.

Executives and admins (who run the selection) see every key account; a KAM sees
the accounts they manage. Positions are computed over all key accounts either
way (``planning.portfolio.selectors``), so both see an account in the same place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Customer
from kam.charts import chart_svg, runtime_version, spec_for_page
from kam.concurrency import VersionConflict
from kam.editing import StaleEdit, apply_errors, on_version, stale_edit
from kam.permissions import Capability, role_can
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.models import Commitment, PortfolioFactor
from planning.portfolio import charts
from planning.portfolio.forms import DecisionForm, FactorForm
from planning.portfolio.selectors import AccountPosition, Filters, Portfolio, portfolio
from planning.portfolio.services import (
    portfolio_decision_confirm,
    portfolio_decision_override,
    portfolio_factor_save,
)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _filters(request: WorkspaceRequest) -> Filters:
    get = request.GET
    return Filters(
        candidates=get.get("candidates") == "1",
        kam=_int(get.get("kam")),
        region=get.get("region", "").strip(),
        industry=get.get("industry", "").strip(),
        tier=_int(get.get("tier")),
    )


def _sees_everyone(request: WorkspaceRequest) -> bool:
    return role_can(request.membership.role, Capability.MANAGE_SELECTION)


def _portfolio(request: WorkspaceRequest, filters: Filters | None = None) -> Portfolio:
    return portfolio(
        workspace=request.workspace,
        filters=filters or _filters(request),
        owner=None if _sees_everyone(request) else request.user,
    )


#: What each matrix is called where a screen reader announces the chart.
CHART_TITLES = {
    "fiocca": "Strategic importance by difficulty",
    "profit": "Present by potential profit contribution",
    "relationship": "Loyalty by profitability",
}


def _charts(shown: Portfolio) -> list[dict[str, Any]]:
    drawn = []
    for matrix, accounts in charts.matrices(shown):
        spec = charts.matrix_spec(matrix, accounts)
        drawn.append(
            {
                "key": matrix.key,
                "title": CHART_TITLES[matrix.key],
                "spec": spec_for_page(spec),
                "svg": chart_svg(spec) if accounts else "",
                "count": len(accounts),
            }
        )
    return drawn


def _render_page(
    request: WorkspaceRequest,
    *,
    failed: tuple[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = _filters(request)
    shown = _portfolio(request, filters)
    context: dict[str, Any] = {
        "portfolio": shown,
        "filters": filters,
        "filtered": bool(filters.kam or filters.region or filters.industry or filters.tier),
        "charts": _charts(shown),
        "chart_runtime_version": runtime_version(),
        "sees_everyone": _sees_everyone(request),
        "may_decide": role_can(request.membership.role, Capability.MANAGE_SELECTION),
        "may_judge": role_can(request.membership.role, Capability.EDIT_ACCOUNTS),
        "failed_id": failed[0] if failed else None,
        "failed_form": failed[1] if failed else None,
        "commitments": Commitment.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "planning/portfolio/page.html", context, status=status)


@require_GET
@workspace_view(Capability.VIEW_PORTFOLIO)
def portfolio_page(request: WorkspaceRequest) -> HttpResponse:
    return _render_page(request)


def _account(request: WorkspaceRequest, customer_id: int) -> Customer:
    customer = workspace_get_object_or_404(request.workspace, Customer, pk=customer_id)
    if not _sees_everyone(request) and customer.owner_id != request.user.pk:
        raise Http404("This account is not one of yours.")
    return customer


@require_POST
@workspace_view(Capability.MANAGE_SELECTION)
def decision_post(request: WorkspaceRequest, customer_id: int) -> HttpResponseBase:
    customer = _account(request, customer_id)
    form = DecisionForm(request.POST)
    back = reverse("portfolio") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if not form.is_valid():
        return _render_page(request, failed=(customer.pk, form), status=400)
    data = form.cleaned_data
    try:
        if data["action"] == "confirm":
            decided = portfolio_decision_confirm(
                workspace=request.workspace,
                customer=customer,
                recommendation=data["recommendation"],
                reason=data["reason"],
                user=request.user,
            )
        else:
            decided = portfolio_decision_override(
                workspace=request.workspace,
                customer=customer,
                recommendation=data["recommendation"],
                decision=data["decision"],
                reason=data["reason"],
                user=request.user,
            )
    except ValidationError as error:
        apply_errors(form, error)
        return _render_page(request, failed=(customer.pk, form), status=400)
    messages.success(
        request,
        f"{customer.name}: {decided.get_decision_display().lower()} the commitment"
        + (" (recommendation confirmed)." if not decided.overridden else " (overridden)."),
    )
    return redirect(back + f"#account-{customer.pk}")


def _factor_page(
    request: WorkspaceRequest,
    customer: Customer,
    *,
    failed: FactorForm | None = None,
    conflict: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = portfolio(
        workspace=request.workspace, filters=Filters(candidates=True), include=customer.pk
    )
    position: AccountPosition | None = next(
        (a for a in shown.accounts if a.customer.pk == customer.pk), None
    )
    if position is None:
        raise Http404("Only key accounts and candidates are in the portfolio.")
    rows = []
    for factor in position.factors:
        if failed is not None and failed.prefix == factor.code:
            form = failed
        else:
            form = FactorForm(
                initial={
                    "code": factor.code,
                    "score": factor.row.score if factor.row else None,
                    "reason": factor.row.reason if factor.row else "",
                    "version": factor.row.version if factor.row else None,
                },
                prefix=factor.code,
            )
        rows.append({"factor": factor, "form": form})
    context = {
        "customer": customer,
        "position": position,
        "rows": rows,
        "conflict": conflict,
        "may_judge": role_can(request.membership.role, Capability.EDIT_ACCOUNTS),
    }
    return render(request, "planning/portfolio/factors.html", context, status=status)


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.VIEW_PORTFOLIO)
def factors_page(request: WorkspaceRequest, customer_id: int) -> HttpResponseBase:
    customer = _account(request, customer_id)
    if request.method == "GET":
        return _factor_page(request, customer)
    if not role_can(request.membership.role, Capability.EDIT_ACCOUNTS):
        raise PermissionDenied("You may not judge factors.")
    code = request.POST.get("factor", "")
    form = FactorForm(request.POST, prefix=code)
    if not form.is_valid():
        return _factor_page(request, customer, failed=form, status=400)
    data = form.cleaned_data
    try:
        saved = portfolio_factor_save(
            workspace=request.workspace,
            customer=customer,
            code=data["code"],
            score=data["score"],
            reason=data["reason"],
            expected_version=data["version"],
            user=request.user,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return _factor_page(request, customer, failed=form, status=400)
    except VersionConflict:
        return _factor_conflict(request, customer, form)
    messages.success(
        request, f"{saved.get_code_display()}: {saved.score}/5 saved for {customer.name}."
    )
    return redirect(reverse("portfolio-factors", args=[customer.pk]) + f"#factor-{saved.code}")


def _factor_conflict(
    request: WorkspaceRequest, customer: Customer, form: FactorForm
) -> HttpResponse:
    """Someone judged the factor meanwhile: their judgement next to this person's, with
    "Keep mine" (the form again, on their version) and "Take theirs" (the page reloaded)."""
    code = form.cleaned_data["code"]
    row = PortfolioFactor.objects.filter(customer=customer, code=code).first()
    if row is None:  # judged and removed meanwhile: nothing to compare, start again
        return _factor_page(request, customer, failed=form, status=409)
    conflict = stale_edit(
        form,
        current=row,
        saved={"code": row.code, "score": row.score, "reason": row.reason, "version": row.version},
        change=f"judged {row.get_code_display().lower()}",
        skip=("version", "code"),
        form_id=f"factor-form-{code}",
        reload_url=reverse("portfolio-factors", args=[customer.pk]) + f"#factor-{code}",
    )
    retry = FactorForm(on_version(request.POST, row.version, field=f"{code}-version"), prefix=code)
    retry.is_valid()
    return _factor_page(request, customer, failed=retry, conflict=conflict, status=409)
