"""Selection workspace pages: ranked customers, Pareto chart, candidates, decisions, review."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.data_as_of import data_as_of_get
from accounts.health_seam import health_badges
from accounts.models import Customer, CustomerScore, CustomerStatus, CustomerYearFigures, Quadrant
from accounts.selection import (
    DEMOTE_TO,
    current_period,
    customer_demote,
    customer_judgement_update,
    customer_promote,
    selection_review_close,
    selection_warnings,
)
from accounts.selection_charts import pareto_spec
from accounts.selection_selectors import (
    PARETO_BASES,
    SORTS,
    SelectionQuery,
    clv_reasons,
    pareto_data,
    selection_decisions,
    selection_filter_choices,
    selection_page,
    selection_review_diff,
)
from accounts.valuation_settings import valuation_settings_get
from kam.charts import chart_svg, runtime_version, spec_for_page
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view

HISTORY_PER_PAGE = 50
#: Short column headings: the table has ten columns and must fit a laptop.
HEADER_LABELS: dict[str, str] = {
    "composite": "Score",
    "revenue": "Revenue 3 y",
    "margin": "Margin 3 y",
    "clv_contractual": "CLV contract",
    "clv_transactional": "CLV purchases",
    "upv": "UPV",
    "name": "Customer",
}


def _customer(request: WorkspaceRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(
        request.workspace,
        Customer.objects.select_related("owner"),
        pk=customer_id,
    )


def _pareto_context(request: WorkspaceRequest, basis: str) -> dict[str, Any]:
    data = pareto_data(workspace=request.workspace, basis=basis)
    spec = pareto_spec(data)
    return {
        "pareto": data,
        "pareto_bases": [(key, label) for key, (label, _) in PARETO_BASES.items()],
        "chart_spec": spec_for_page(spec),
        "chart_svg": chart_svg(spec) if data.points else "",
        "chart_runtime_version": runtime_version(),
    }


def data_as_of_context(request: WorkspaceRequest) -> dict[str, Any]:
    """For templates/accounts/_data_as_of.html: the day the figures end."""
    return {"data_as_of": data_as_of_get(workspace=request.workspace)}


def _freshness_context(request: WorkspaceRequest) -> dict[str, Any]:
    # accounts.scores brings the whole numpy/scipy scoring stack with it;
    # importing it here keeps the URL map (every page's first request) light.
    from accounts.scores import score_freshness

    freshness = score_freshness(workspace=request.workspace)
    return {"freshness": freshness, "was_dirty": request.GET.get("was_dirty") == "1"}


@require_GET
@workspace_view(Capability.VIEW)
def selection_list(request: WorkspaceRequest) -> HttpResponse:
    """All customers, ranked: the page where key accounts are chosen."""
    workspace = request.workspace
    query = SelectionQuery.from_params(request.GET)
    page, rows = selection_page(workspace=workspace, query=query)
    # Key accounts show their health (computed by planning, reached through the seam).
    health = health_badges(
        workspace=workspace,
        customer_ids=[
            row.customer.pk for row in rows if row.customer.status == CustomerStatus.KEY_ACCOUNT
        ],
    )
    sort_headers = {
        key: {
            "label": HEADER_LABELS[key],
            "title": label,
            "active": key == query.sort,
            "descending": query.descending,
            # A second click on the active column reverses it; names start A-Z,
            # amounts largest first.
            "url": "?"
            + urlencode(
                query.params(
                    sort=key,
                    descending=not query.descending if key == query.sort else key != "name",
                    page=1,
                )
            ),
        }
        for key, (label, _) in SORTS.items()
    }
    context = {
        "query": query,
        "page": page,
        "rows": rows,
        # Each row with its health badge (None: no health; only key accounts have one).
        "rows_with_health": [(row, health.get(row.customer.pk)) for row in rows],
        "sort_headers": sort_headers,
        "sort_label": SORTS[query.sort][0],
        "page_links": {
            "previous": "?" + urlencode(query.params(page=page.number - 1))
            if page.has_previous()
            else "",
            "next": "?" + urlencode(query.params(page=page.number + 1)) if page.has_next() else "",
        },
        "choices": selection_filter_choices(workspace=workspace),
        "statuses": CustomerStatus.choices,
        "quadrants": Quadrant.choices,
        "currency": workspace.reporting_currency,
        **_freshness_context(request),
        **data_as_of_context(request),
        **_pareto_context(request, request.GET.get("basis", "revenue")),
    }
    return render(request, "accounts/selection_list.html", context)


@require_GET
@workspace_view(Capability.VIEW)
def selection_pareto(request: WorkspaceRequest) -> HttpResponse:
    """The Pareto card alone, for switching its basis in place (htmx)."""
    return render(
        request, "accounts/_pareto.html", _pareto_context(request, request.GET.get("basis", ""))
    )


@require_GET
@workspace_view(Capability.VIEW)
def selection_freshness(request: WorkspaceRequest) -> HttpResponse:
    """How old the scores are, polled while a recompute is due or running."""
    return render(request, "accounts/_freshness.html", _freshness_context(request))


@require_GET
@workspace_view(Capability.VIEW)
def selection_mine(request: WorkspaceRequest) -> HttpResponse:
    """The signed-in person's own key accounts, in the ranked list."""
    params = {"owner": request.user.pk, "status": CustomerStatus.KEY_ACCOUNT}
    return redirect(reverse("selection") + "?" + urlencode(params))


def _candidate_context(
    request: WorkspaceRequest, customer: Customer, **extra: Any
) -> dict[str, Any]:
    workspace = request.workspace
    score = CustomerScore.objects.filter(workspace=workspace, customer=customer).first()
    contractual_reason, transactional_reason = clv_reasons(score)
    settings = valuation_settings_get(workspace=workspace)
    return {
        "customer": customer,
        "score": score,
        "stale": customer.scores_dirty and score is not None,
        "criteria": _criteria(score),
        "clv_contractual_reason": contractual_reason,
        "clv_transactional_reason": transactional_reason,
        "settings": settings,
        # The settings the CLV was computed with; the workspace's current ones
        # for a score stored before the recompute recorded them.
        "clv_settings": (score.inputs.get("clv_settings") if score else None)
        or {
            "discount_rate": float(settings.discount_rate),
            "retention": float(settings.retention),
            "horizon_years": settings.horizon_years,
            "acquisition_cost": float(settings.acquisition_cost),
        },
        "year_figures": CustomerYearFigures.objects.filter(
            workspace=workspace, customer=customer
        ).order_by("-year"),
        "decisions": selection_decisions(workspace=workspace, customer=customer)[:20],
        "can_demote": customer.status in DEMOTE_TO,
        "ratings": range(1, 6),
        **_freshness_context(request),
        **data_as_of_context(request),
        **extra,
    }


#: The six criteria in the order the book explains them.
CRITERIA_LABELS: dict[str, str] = {
    "size": "Size",
    "strategic_importance": "Strategic importance",
    "clv": "Customer lifetime value",
    "upv": "Unrealized potential value",
    "account_fit": "Account fit",
    "relationship": "Relationship",
}


def _criteria(score: CustomerScore | None) -> list[dict[str, Any]]:
    stored = score.criteria if score else {}
    return [
        {"key": key, "label": label, **stored.get(key, {})}
        for key, label in CRITERIA_LABELS.items()
    ]


@require_GET
@workspace_view(Capability.VIEW)
def candidate(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """One customer's six criteria with their evidence, judgement inputs and history."""
    customer = _customer(request, customer_id)
    return render(request, "accounts/candidate.html", _candidate_context(request, customer))


def _judgement_changes(request: WorkspaceRequest) -> dict[str, Any]:
    return {
        name: request.POST.get(name, "")
        for name in (
            "strategic_importance",
            "strategic_importance_reason",
            "fit_strategic",
            "fit_operational",
            "fit_cultural",
            "upv_estimate",
        )
    }


@require_POST
@workspace_view(Capability.MANAGE_DATA)
def candidate_judgement(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """Save the judgement inputs; a stale save is refused and the other change shown."""
    customer = _customer(request, customer_id)
    changes = _judgement_changes(request)
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    try:
        customer_judgement_update(
            workspace=request.workspace,
            customer=customer,
            expected_version=expected,
            changes=changes,
            user=request.user,
        )
    except ValidationError as error:
        context = _candidate_context(request, customer, errors=error.message_dict, entered=changes)
        return render(request, "accounts/candidate.html", context, status=400)
    except VersionConflict:
        fresh = _customer(request, customer_id)
        context = _candidate_context(request, fresh, conflict=True, entered=changes)
        return render(request, "accounts/candidate.html", context, status=409)
    messages.success(request, "Saved. The scores are being recomputed with your judgement.")
    return redirect("selection-candidate", customer_id=customer.pk)


def _decision_view(request: WorkspaceRequest, customer_id: int, *, promote: bool) -> HttpResponse:
    workspace = request.workspace
    customer = _customer(request, customer_id)
    to_status = CustomerStatus.KEY_ACCOUNT if promote else DEMOTE_TO.get(customer.status, "")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = customer_promote if promote else customer_demote
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        try:
            action(
                workspace=workspace,
                customer=customer,
                reason=request.POST.get("reason", ""),
                user=request.user,
                acknowledge_warnings=request.POST.get("acknowledge_warnings") == "on",
                expected_version=expected,
            )
        except ValidationError as error:
            errors = error.message_dict
        except VersionConflict:
            customer = _customer(request, customer_id)
            errors = {
                "conflict": [
                    "Somebody changed this customer while you were deciding: it is now"
                    f" “{customer.get_status_display()}”. Read the warnings again."
                ]
            }
        else:
            verb = "promoted to key account" if promote else "demoted"
            messages.success(request, f"{customer.name} {verb}. The decision is in the history.")
            return redirect("selection-candidate", customer_id=customer.pk)
    warnings = (
        selection_warnings(workspace=workspace, customer=customer, to_status=to_status)
        if to_status
        else []
    )
    context = {
        "customer": customer,
        "promote": promote,
        "to_status_label": CustomerStatus(to_status).label if to_status else "",
        "warnings": warnings,
        "errors": errors,
        "reason": request.POST.get("reason", ""),
        "score": CustomerScore.objects.filter(workspace=workspace, customer=customer).first(),
    }
    return render(request, "accounts/decision.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.MANAGE_SELECTION)
def promote(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    return _decision_view(request, customer_id, promote=True)


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.MANAGE_SELECTION)
def demote(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    return _decision_view(request, customer_id, promote=False)


@require_GET
@workspace_view(Capability.VIEW)
def history(request: WorkspaceRequest) -> HttpResponse:
    """Every promotion and demotion of the workspace, newest first."""
    decisions = selection_decisions(workspace=request.workspace)
    page = Paginator(decisions, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/history.html", {"page": page})


def _review_page(
    request: WorkspaceRequest, *, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    workspace = request.workspace
    context = {
        "diff": selection_review_diff(workspace=workspace),
        "period": current_period(),
        "errors": errors or {},
        "notes": request.POST.get("notes", ""),
        "currency": workspace.reporting_currency,
        **data_as_of_context(request),
    }
    return render(request, "accounts/review.html", context, status=400 if errors else 200)


@require_GET
@workspace_view(Capability.VIEW)
def review(request: WorkspaceRequest) -> HttpResponse:
    """The quarterly selection review: what changed since the last closed one."""
    return _review_page(request)


@require_POST
@workspace_view(Capability.MANAGE_SELECTION)
def review_close(request: WorkspaceRequest) -> HttpResponse:
    """Close this quarter's review, keeping the program as it stands for the next one."""
    try:
        closed = selection_review_close(
            workspace=request.workspace,
            user=request.user,
            notes=request.POST.get("notes", ""),
        )
    except ValidationError as error:
        return _review_page(request, errors=error.message_dict)
    messages.success(request, f"The selection review of {closed.period} is closed.")
    return redirect("selection-review")
