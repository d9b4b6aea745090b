"""Pages: a key account's selling center, and its SCAP alignment with the buying center."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.concurrency import VersionConflict
from kam.editing import (
    RowKind,
    StaleEdit,
    apply_errors,
    attempt,
    on_version,
    row_delete,
    row_edit_view,
    stale_edit,
)
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from selling_center import selectors
from selling_center.forms import (
    ConnectionLevelForm,
    EngagementPlanForm,
    InterfaceAlignmentForm,
    SellingCenterMemberForm,
    StageResourceForm,
)
from selling_center.models import (
    EngagementPlan,
    InterfaceAlignment,
    SellingCenterMember,
    StageResource,
)
from selling_center.selectors import connection_level_suggestion
from selling_center.services import (
    connections,
    engagement_plans,
    interfaces,
    members,
    stage_resources,
)

MEMBER_FIELDS = ("role", "user", "name", "title", "email", "permanent", "starts_on", "ends_on")
INTERFACE_FIELDS = ("supplier_function", "customer_function", "status", "owner", "notes")
PLAN_FIELDS = ("objective", "owner", "cadence", "next_step", "next_step_due")


def _account(request: WorkspaceRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(request.workspace, Customer, pk=customer_id)


def _tabs(customer: Customer, current: str) -> list[dict[str, Any]]:
    """The account's tabs, ``current`` marked."""
    return [
        {
            "url": reverse(name, kwargs={"customer_id": customer.pk}),
            "label": label,
            "current": name == current,
        }
        for name, label in (
            ("account-detail", "Buying center"),
            ("account-map", "Map"),
            ("account-selling-center", "Selling center"),
            ("account-alignment", "Alignment"),
        )
    ]


# -- selling center ---------------------------------------------------------------


def _render_selling_center(
    request: WorkspaceRequest, customer: Customer, form: Form, status: int = 200
) -> HttpResponse:
    workspace = request.workspace
    return render(
        request,
        "selling_center/selling_center.html",
        {
            "customer": customer,
            "tabs": _tabs(customer, "account-selling-center"),
            "members": selectors.members_of_account(workspace=workspace, customer=customer),
            "gaps": selectors.selling_center_gaps(workspace=workspace, customer=customer),
            "today": selectors.today(),
            "form": form,
        },
        status=status,
    )


@workspace_view(Capability.VIEW)
def selling_center(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    form = SellingCenterMemberForm(people=selectors.workspace_people(workspace=request.workspace))
    return _render_selling_center(request, customer, form)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def member_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    form = MEMBER.build_form(request, customer, request.POST)
    if form.is_valid():
        outcome = attempt(
            form,
            lambda: members.selling_center_member_create(
                workspace=request.workspace, customer=customer, **_member_fields(form)
            ),
        )
        if outcome.done:
            member = outcome.saved
            messages.success(
                request, f"{member.display_name} joined as {member.get_role_display().lower()}."
            )
            return redirect("account-selling-center", customer_id=customer.pk)
    return _render_selling_center(request, customer, form, status=400)


def _member_fields(form: Form) -> dict[str, Any]:
    fields = {key: form.cleaned_data[key] for key in (*MEMBER_FIELDS, "notes")}
    fields["name"] = fields["name"] or ""
    return fields


MEMBER = RowKind(
    model=SellingCenterMember,
    noun="member",
    parent_field="customer",
    build_form=lambda request, customer, data, **kw: SellingCenterMemberForm(
        data, people=selectors.workspace_people(workspace=request.workspace), **kw
    ),
    initial=lambda member: {
        key: getattr(member, key) for key in (*MEMBER_FIELDS, "notes", "version")
    },
    create=members.selling_center_member_create,
    update=members.selling_center_member_update,
    delete=members.selling_center_member_delete,
    row_argument="member",
    label=lambda member: member.display_name,
    fields=_member_fields,
    select_related=("user",),
)


member_edit = row_edit_view(
    MEMBER,
    argument="selling_center_member_id",
    parent=_account,
    back=lambda customer: reverse("account-selling-center", kwargs={"customer_id": customer.pk}),
    template="selling_center/member_edit.html",
    row_name="member",
    context=lambda customer: {"customer": customer},
)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def member_remove(
    request: WorkspaceRequest, customer_id: int, selling_center_member_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    return row_delete(
        request,
        MEMBER,
        parent=customer,
        row_id=selling_center_member_id,
        back=reverse("account-selling-center", kwargs={"customer_id": customer.pk}),
        removed=lambda member: f"{member.display_name} left the selling center.",
    )


@workspace_view(Capability.VIEW_PORTFOLIO)
def kam_load(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    return render(
        request,
        "selling_center/kam_load.html",
        {
            "kams": selectors.overloaded_kams(workspace=workspace),
            "limit": selectors.max_accounts_per_kam(workspace=workspace),
        },
    )


# -- alignment (SCAP) -------------------------------------------------------------


def _render_alignment(
    request: WorkspaceRequest,
    customer: Customer,
    *,
    interface_form: InterfaceAlignmentForm | None = None,
    stage_form: StageResourceForm | None = None,
    level_form: ConnectionLevelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workspace = request.workspace
    account_members = selectors.members_of_account(workspace=workspace, customer=customer)
    alignments = list(selectors.interface_alignments_of(workspace=workspace, customer=customer))
    suggestion = connection_level_suggestion(workspace=workspace, customer=customer)
    history = selectors.connection_level_history(workspace=workspace, customer=customer)
    stages = selectors.stage_resources_of(workspace=workspace, customer=customer)
    return render(
        request,
        "selling_center/alignment.html",
        {
            "customer": customer,
            "tabs": _tabs(customer, "account-alignment"),
            "interfaces": alignments,
            "suggestions": selectors.suggested_interface_pairs(existing=alignments),
            "interface_form": interface_form or InterfaceAlignmentForm(members=account_members),
            "matrix": selectors.coverage_matrix(workspace=workspace, customer=customer),
            "toggle_url": _toggle_url(customer),
            "stages": stages,
            "stages_without_resource": sum(1 for row in stages if not row.resources),
            "stage_form": stage_form or StageResourceForm(members=account_members),
            "suggestion": suggestion,
            "decision": history[0] if history else None,
            "history": history,
            "level_form": level_form or ConnectionLevelForm(initial={"level": suggestion.level}),
        },
        status=status,
    )


@workspace_view(Capability.VIEW)
def alignment(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    return _render_alignment(request, _account(request, customer_id))


def _toggle_url(customer: Customer) -> str:
    return reverse("account-connection-toggle", kwargs={"customer_id": customer.pk})


def _back_to_alignment(customer: Customer, section: str) -> HttpResponse:
    return redirect(reverse("account-alignment", kwargs={"customer_id": customer.pk}) + section)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def interface_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    account_members = selectors.members_of_account(workspace=workspace, customer=customer)
    form = InterfaceAlignmentForm(request.POST, members=account_members)
    if form.is_valid():
        data = {key: form.cleaned_data[key] for key in INTERFACE_FIELDS}
        try:
            interfaces.interface_alignment_create(workspace=workspace, customer=customer, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _back_to_alignment(customer, "#interfaces")
    return _render_alignment(request, customer, interface_form=form, status=400)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def interface_add_common(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    try:
        pair_index = int(request.POST.get("pair", ""))
        interfaces.interface_alignment_add_common(
            workspace=workspace, customer=customer, pair_index=pair_index
        )
    except (ValueError, ValidationError):
        messages.error(request, "That suggestion does not exist; add the pair by hand below.")
    return _back_to_alignment(customer, "#interfaces")


def _interface_summary(pair: InterfaceAlignment) -> str:
    owner = pair.owner.display_name if pair.owner else "nobody"
    notes = f", notes: “{pair.notes}”" if pair.notes else ""
    return (
        f"Their version: {pair.supplier_function} / {pair.customer_function},"
        f" status {pair.get_status_display().lower()}, owner {owner}{notes}."
    )


INTERFACE = RowKind(
    model=InterfaceAlignment,
    noun="pair",
    parent_field="customer",
    build_form=lambda request, customer, data, **kw: InterfaceAlignmentForm(
        data,
        members=selectors.members_of_account(workspace=request.workspace, customer=customer),
        **kw,
    ),
    initial=lambda pair: {key: getattr(pair, key) for key in (*INTERFACE_FIELDS, "version")},
    create=interfaces.interface_alignment_create,
    update=interfaces.interface_alignment_update,
    delete=interfaces.interface_alignment_delete,
    row_argument="interface_alignment",
    label=str,
    change="saved this pair",
    fields=lambda form: {key: form.cleaned_data[key] for key in INTERFACE_FIELDS},
    summary=_interface_summary,
    select_related=("owner__user",),
)


def _interfaces_url(customer: Customer) -> str:
    return reverse("account-alignment", kwargs={"customer_id": customer.pk}) + "#interfaces"


# A save based on an old version is refused, showing the newer one.
interface_edit = row_edit_view(
    INTERFACE,
    argument="interface_alignment_id",
    parent=_account,
    back=_interfaces_url,
    template="selling_center/interface_edit.html",
    row_name="interface",
    context=lambda customer: {"customer": customer},
)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def interface_remove(
    request: WorkspaceRequest, customer_id: int, interface_alignment_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    return row_delete(
        request,
        INTERFACE,
        parent=customer,
        row_id=interface_alignment_id,
        back=_interfaces_url(customer),
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def connection_toggle(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """One click on a matrix cell: connect or disconnect; htmx gets the new cell back."""
    workspace = request.workspace
    customer = _account(request, customer_id)
    try:
        # A matrix button sends cell="<stakeholder>:<member>"; the API-like
        # pair of fields is accepted too.
        cell_value = request.POST.get("cell", "")
        if cell_value:
            stakeholder_part, member_part = cell_value.split(":", 1)
        else:
            stakeholder_part = request.POST.get("stakeholder", "")
            member_part = request.POST.get("member", "")
        stakeholder_id, member_id = int(stakeholder_part), int(member_part)
    except ValueError:
        return HttpResponse("Say which stakeholder and which member to connect.", status=400)
    stakeholder = workspace_get_object_or_404(
        workspace, Stakeholder.objects.select_related("customer"), pk=stakeholder_id
    )
    member = workspace_get_object_or_404(
        workspace, SellingCenterMember.objects.select_related("user"), pk=member_id
    )
    if stakeholder.customer_id != customer.pk:
        return HttpResponse(f"{stakeholder.name} is not a stakeholder of {customer}.", status=400)
    try:
        connections.connection_toggle(workspace=workspace, stakeholder=stakeholder, member=member)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if not getattr(request, "htmx", False):
        return _back_to_alignment(customer, "#connections")
    cell = selectors.coverage_cell(workspace=workspace, stakeholder=stakeholder, member=member)
    return render(
        request,
        "selling_center/_coverage_cell.html",
        {
            "customer": customer,
            "stakeholder": stakeholder,
            "cell": cell,
            "toggle_url": _toggle_url(customer),
        },
    )


def _plan_initial(plan: EngagementPlan) -> dict[str, Any]:
    return {key: getattr(plan, key) for key in (*PLAN_FIELDS, "version")}


@workspace_view(Capability.EDIT_ACCOUNTS)
def engagement_plan_edit(
    request: WorkspaceRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    """The engagement plan of one customer executive: created on first save."""
    workspace = request.workspace
    customer = _account(request, customer_id)
    stakeholder = workspace_get_object_or_404(
        workspace, Stakeholder, pk=stakeholder_id, customer=customer
    )
    plan = (
        EngagementPlan.objects.filter(workspace=workspace, stakeholder=stakeholder)
        .order_by("id")
        .first()
    )
    account_members = selectors.members_of_account(workspace=workspace, customer=customer)
    conflict: StaleEdit | None = None
    if request.method == "POST":
        form = EngagementPlanForm(request.POST, members=account_members)
        if form.is_valid():
            data = {key: form.cleaned_data[key] for key in PLAN_FIELDS}
            try:
                if plan is None:
                    engagement_plans.engagement_plan_create(
                        workspace=workspace, stakeholder=stakeholder, **data
                    )
                else:
                    engagement_plans.engagement_plan_update(
                        workspace=workspace,
                        engagement_plan=plan,
                        expected_version=form.cleaned_data["version"] or 0,
                        **data,
                    )
            except VersionConflict:
                assert plan is not None  # only an update names a version
                current = EngagementPlan.objects.select_related("owner").get(pk=plan.pk)
                conflict = stale_edit(
                    form,
                    current=current,
                    saved=_plan_initial(current),
                    change="saved this plan",
                    form_id="edit-form",
                    reload_url=request.get_full_path(),
                )
                form = EngagementPlanForm(
                    on_version(request.POST, current.version), members=account_members
                )
                form.is_valid()
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Engagement plan for {stakeholder.name} saved.")
                return _back_to_alignment(customer, "#executives")
    else:
        form = EngagementPlanForm(
            initial=_plan_initial(plan) if plan else {}, members=account_members
        )
    return render(
        request,
        "selling_center/engagement_plan_edit.html",
        {
            "customer": customer,
            "stakeholder": stakeholder,
            "plan": plan,
            "form": form,
            "conflict": conflict,
            "cancel_url": reverse("account-alignment", kwargs={"customer_id": customer.pk})
            + "#executives",
        },
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def stage_resource_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    account_members = selectors.members_of_account(workspace=workspace, customer=customer)
    form = StageResourceForm(request.POST, members=account_members)
    if form.is_valid():
        try:
            stage_resources.stage_resource_add(
                workspace=workspace,
                customer=customer,
                stage=form.cleaned_data["stage"],
                member=form.cleaned_data["member"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _back_to_alignment(customer, "#stages")
    return _render_alignment(request, customer, stage_form=form, status=400)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def stage_resource_remove(
    request: WorkspaceRequest, customer_id: int, stage_resource_id: int
) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    resource = workspace_get_object_or_404(
        workspace, StageResource, pk=stage_resource_id, customer=customer
    )
    stage_resources.stage_resource_remove(workspace=workspace, stage_resource=resource)
    return _back_to_alignment(customer, "#stages")


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def connection_level_decide(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    form = ConnectionLevelForm(request.POST)
    if form.is_valid():
        try:
            decision = connections.connection_level_decide(
                workspace=workspace,
                customer=customer,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                decided_by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Connection level set to {decision.get_level_display().lower()}."
            )
            return _back_to_alignment(customer, "#diamond")
    return _render_alignment(request, customer, level_form=form, status=400)
