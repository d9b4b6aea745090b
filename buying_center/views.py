"""Pages of a key account: the account shell, the buying-center tab and stakeholder pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center import selectors, services
from buying_center.forms import (
    InfluenceLinkForm,
    ScoreForm,
    StakeholderForm,
    stakeholder_initial,
)
from buying_center.models import BuyingRole, InfluenceLink, Stakeholder
from kam.concurrency import VersionConflict
from kam.editing import (
    StaleEdit,
    apply_errors,
    delete_with_version,
    on_version,
    sentences,
    stale_edit,
)
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view


def _account(request: WorkspaceRequest, customer_id: int) -> Customer:
    customer = selectors.account_for_page(workspace=request.workspace, customer_id=customer_id)
    if customer is None:
        raise Http404("No such account in this workspace.")
    return customer


def _stakeholder(request: WorkspaceRequest, customer: Customer, stakeholder_id: int) -> Stakeholder:
    stakeholder = selectors.stakeholder_for_page(
        workspace=request.workspace,
        customer=customer,
        stakeholder_id=stakeholder_id,
    )
    if stakeholder is None:
        raise Http404("No such stakeholder at this account.")
    return stakeholder


def account_context(customer: Customer, active_tab: str) -> dict[str, Any]:
    """What templates/accounts_shell/account.html needs; other tabs call this too."""
    return {"customer": customer, "active_tab": active_tab}


# -- account shell ----------------------------------------------------------------


def _filters(request: WorkspaceRequest) -> selectors.BuyingCenterFilters:
    role = request.GET.get("role", "")
    return selectors.BuyingCenterFilters(
        role=role if role in BuyingRole.values else "",
        stale=request.GET.get("stale") == "1",
        uncovered=request.GET.get("uncovered") == "1",
    )


@workspace_view(Capability.VIEW)
def account_detail(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """The account shell, opened on its Buying center tab."""
    customer = _account(request, customer_id)
    filters = _filters(request)
    table = selectors.buying_center_table(
        workspace=request.workspace,
        customer=customer,
        filters=filters,
    )
    return render(
        request,
        "buying_center/buying_center.html",
        {
            **account_context(customer, "buying-center"),
            "table": table,
            "filters": filters,
            "roles": BuyingRole.choices,
            "score_choices": selectors.RELATIONSHIP_SCORES,
        },
    )


# -- stakeholder form ----------------------------------------------------------------


def _form_parts(
    request: WorkspaceRequest, customer: Customer, stakeholder: Stakeholder | None
) -> tuple[dict[int, Stakeholder], dict[int, Any]]:
    workspace = request.workspace
    colleagues = {
        s.pk: s
        for s in Stakeholder.objects.filter(workspace=workspace, customer=customer).order_by("name")
        if stakeholder is None or s.pk != stakeholder.pk
    }
    owners = {m.pk: m for m in selectors.owner_choices(workspace=workspace, customer=customer)}
    return colleagues, owners


def _bind(
    request: WorkspaceRequest,
    customer: Customer,
    colleagues: dict[int, Stakeholder],
    owners: dict[int, Any],
    **kwargs: Any,
) -> StakeholderForm:
    return StakeholderForm(
        *([request.POST] if request.method == "POST" else []),
        customer=customer,
        colleagues=list(colleagues.values()),
        owners=list(owners.values()),
        **kwargs,
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def stakeholder_create(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    colleagues, owners = _form_parts(request, customer, None)
    form = _bind(request, customer, colleagues, owners)
    if request.method == "POST" and form.is_valid():
        try:
            stakeholder = services.stakeholder_create(
                workspace=request.workspace,
                customer=customer,
                changed_by=request.user,
                **form.service_fields(colleagues=colleagues, owners=owners),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{stakeholder.name} was added to the buying center.")
            if request.POST.get("then") == "add":
                return redirect("stakeholder-create", customer_id=customer.pk)
            return redirect("account-detail", customer_id=customer.pk)
    return render(
        request,
        "buying_center/stakeholder_form.html",
        {**account_context(customer, "buying-center"), "form": form, "stakeholder": None},
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def stakeholder_edit(
    request: WorkspaceRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    stakeholder = _stakeholder(request, customer, stakeholder_id)
    colleagues, owners = _form_parts(request, customer, stakeholder)
    form = _bind(request, customer, colleagues, owners, initial=stakeholder_initial(stakeholder))
    conflict: StaleEdit | None = None
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields(colleagues=colleagues, owners=owners)
        try:
            services.stakeholder_update(
                workspace=request.workspace,
                stakeholder=stakeholder,
                expected_version=form.cleaned_data["version"] or 0,
                changed_by=request.user,
                **fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except VersionConflict:
            current = _stakeholder(request, customer, stakeholder_id)
            last = selectors.stakeholder_changes(
                workspace=request.workspace, stakeholder=current
            ).first()
            changed_by = last.changed_by if last else None
            conflict = stale_edit(
                form,
                current=current,
                saved=stakeholder_initial(current),
                change=f"changed {current.name}",
                who=(changed_by.get_full_name() or changed_by.get_username())
                if changed_by
                else sentences.SOMEONE_ELSE,
                form_id="stakeholder-form",
                reload_url=request.get_full_path(),
            )
            # Keep what this person typed, but base a new save on the current version:
            # saving again is then a deliberate choice made with both versions in view.
            form = StakeholderForm(
                on_version(request.POST, current.version),
                customer=customer,
                colleagues=list(colleagues.values()),
                owners=list(owners.values()),
            )
            stakeholder = current
        else:
            messages.success(request, sentences.saved(stakeholder.name))
            if request.POST.get("then") == "add":
                return redirect("stakeholder-create", customer_id=customer.pk)
            return redirect(
                "stakeholder-detail", customer_id=customer.pk, stakeholder_id=stakeholder.pk
            )
    status = 409 if conflict else 200
    return render(
        request,
        "buying_center/stakeholder_form.html",
        {
            **account_context(customer, "buying-center"),
            "form": form,
            "stakeholder": stakeholder,
            "conflict": conflict,
        },
        status=status,
    )


# -- stakeholder page ------------------------------------------------------------------


@workspace_view(Capability.VIEW)
def stakeholder_detail(
    request: WorkspaceRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    stakeholder = _stakeholder(request, customer, stakeholder_id)
    changes = list(selectors.stakeholder_changes(workspace=workspace, stakeholder=stakeholder))
    trend = selectors.score_trend(changes)
    influences, influenced_by = selectors.influence_links_of(
        workspace=workspace, stakeholder=stakeholder
    )
    linked = {link.target_id for link in influences}
    others = [
        s
        for s in Stakeholder.objects.filter(workspace=workspace, customer=customer).order_by("name")
        if s.pk != stakeholder.pk and s.pk not in linked
    ]
    return render(
        request,
        "buying_center/stakeholder_detail.html",
        {
            **account_context(customer, "buying-center"),
            "stakeholder": stakeholder,
            "is_stale": selectors.stakeholder_is_stale(stakeholder),
            "role_labels": selectors.role_labels(stakeholder.roles or []),
            "score_symbol": selectors.score_symbol(stakeholder.relationship_score),
            "chain": selectors.reports_to_chain(stakeholder),
            "direct_reports": list(stakeholder.direct_reports.order_by("name")),
            "changes": changes,
            "trend": trend,
            "sparkline": selectors.sparkline_points(trend),
            "influences": influences,
            "influenced_by": influenced_by,
            "link_form": InfluenceLinkForm(others=others) if others else None,
        },
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def stakeholder_score(
    request: WorkspaceRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    """Inline edit of the score from the table (htmx); answers the row, or the page without htmx."""
    customer = _account(request, customer_id)
    stakeholder = _stakeholder(request, customer, stakeholder_id)
    form = ScoreForm(request.POST)
    notice = ""
    status = 200
    if not form.is_valid():
        notice = "Choose one of the five steps from -- to ++."
        status = 400
    else:
        try:
            stakeholder = services.stakeholder_update(
                workspace=request.workspace,
                stakeholder=stakeholder,
                expected_version=form.cleaned_data["version"],
                changed_by=request.user,
                relationship_score=form.cleaned_data["relationship_score"],
            )
        except VersionConflict:
            stakeholder = _stakeholder(request, customer, stakeholder_id)
            notice = (
                "Someone else changed this person meanwhile; the score shown is theirs"
                f" ({selectors.score_symbol(stakeholder.relationship_score) or 'not assessed'})."
                " Choose again to replace it."
            )
            status = 409
        except ValidationError as error:
            notice = " ".join(error.messages)
            status = 400
    if not getattr(request, "htmx", False):
        if notice:
            messages.error(request, notice)
        return redirect("account-detail", customer_id=customer.pk)
    stakeholder = _stakeholder(request, customer, stakeholder.pk)
    stakeholder.is_stale = selectors.stakeholder_is_stale(stakeholder)  # type: ignore[attr-defined]
    return render(
        request,
        "buying_center/_stakeholder_row.html",
        {
            "customer": customer,
            "stakeholder": stakeholder,
            "row_notice": notice,
            "score_choices": selectors.RELATIONSHIP_SCORES,
        },
        # htmx swaps only 2xx answers by default; the notice in the row says what happened.
        status=200 if status == 409 else status,
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def stakeholder_reassess(
    request: WorkspaceRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    stakeholder = _stakeholder(request, customer, stakeholder_id)
    try:
        services.stakeholder_confirm_assessment(
            workspace=request.workspace,
            stakeholder=stakeholder,
            expected_version=int(request.POST.get("version") or 0),
        )
    except VersionConflict:
        messages.error(request, "Someone else changed this person meanwhile; check and try again.")
    else:
        messages.success(request, f"The assessment of {stakeholder.name} is marked as current.")
    return redirect("stakeholder-detail", customer_id=customer.pk, stakeholder_id=stakeholder.pk)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def stakeholder_delete(
    request: WorkspaceRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    stakeholder = _stakeholder(request, customer, stakeholder_id)
    return delete_with_version(
        request,
        lambda version: services.stakeholder_delete(
            workspace=request.workspace, stakeholder=stakeholder, expected_version=version
        ),
        what=stakeholder.name,
        back=reverse("account-detail", kwargs={"customer_id": customer.pk}),
        kept=reverse(
            "stakeholder-detail",
            kwargs={"customer_id": customer.pk, "stakeholder_id": stakeholder.pk},
        ),
        removed=f"{stakeholder.name} was removed from the buying center.",
    )


# -- influence links ---------------------------------------------------------------------


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def influence_link_create(
    request: WorkspaceRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    stakeholder = _stakeholder(request, customer, stakeholder_id)
    others = list(Stakeholder.objects.filter(workspace=workspace, customer=customer))
    form = InfluenceLinkForm(request.POST, others=others)
    back = reverse(
        "stakeholder-detail", kwargs={"customer_id": customer.pk, "stakeholder_id": stakeholder.pk}
    )
    if not form.is_valid():
        messages.error(request, "Choose a person of this account and a strength from 1 to 3.")
        return redirect(f"{back}#influence")
    target = next(s for s in others if s.pk == form.cleaned_data["target"])
    try:
        services.influence_link_create(
            workspace=workspace,
            source=stakeholder,
            target=target,
            strength=form.cleaned_data["strength"],
            notes=form.cleaned_data["notes"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{stakeholder.name} influences {target.name}.")
    return redirect(f"{back}#influence")


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def influence_link_delete(
    request: WorkspaceRequest, customer_id: int, influence_link_id: int
) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    link = workspace_get_object_or_404(
        workspace,
        InfluenceLink.objects.select_related("source", "target"),
        pk=influence_link_id,
        source__customer=customer,
    )
    services.influence_link_delete(workspace=workspace, link=link)
    messages.success(
        request, f"{link.source.name} no longer listed as influencing {link.target.name}."
    )
    stakeholder_id = request.POST.get("back_to")
    if stakeholder_id and stakeholder_id.isdigit():
        return redirect(
            "stakeholder-detail", customer_id=customer.pk, stakeholder_id=int(stakeholder_id)
        )
    return redirect("stakeholder-detail", customer_id=customer.pk, stakeholder_id=link.source_id)
