"""Pages: a key account's selling center, and its SCAP alignment with the buying center."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from kam.workspaces.models import Workspace
from selling_center import selectors, services
from selling_center.connection_level import connection_level_suggestion
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

MEMBER_FIELDS = ("role", "user", "name", "title", "email", "permanent", "starts_on", "ends_on")
INTERFACE_FIELDS = ("supplier_function", "customer_function", "status", "owner", "notes")
PLAN_FIELDS = ("objective", "owner", "cadence", "next_step", "next_step_due")


def _workspace(request: HttpRequest) -> Workspace:
    return request.workspace  # type: ignore[attr-defined]


def _account(request: HttpRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(_workspace(request), Customer, pk=customer_id)


def _tabs(customer: Customer, current: str) -> list[dict[str, Any]]:
    """The account's tabs; those whose pages are not installed yet are left out."""
    tabs = []
    for name, label in (
        ("account-detail", "Buying center"),
        ("account-map", "Map"),
        ("account-selling-center", "Selling center"),
        ("account-alignment", "Alignment"),
    ):
        try:
            url = reverse(name, kwargs={"customer_id": customer.pk})
        except NoReverseMatch:
            continue
        tabs.append({"url": url, "label": label, "current": name == current})
    return tabs


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# -- selling center ---------------------------------------------------------------


def _render_selling_center(
    request: HttpRequest, customer: Customer, form: SellingCenterMemberForm, status: int = 200
) -> HttpResponse:
    workspace = _workspace(request)
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
def selling_center(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    form = SellingCenterMemberForm(people=selectors.workspace_people(workspace=_workspace(request)))
    return _render_selling_center(request, customer, form)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def member_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    form = SellingCenterMemberForm(
        request.POST, people=selectors.workspace_people(workspace=workspace)
    )
    if form.is_valid():
        data = {key: form.cleaned_data[key] for key in (*MEMBER_FIELDS, "notes")}
        data["name"] = data["name"] or ""
        try:
            member = services.selling_center_member_create(
                workspace=workspace, customer=customer, **data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, f"{member.display_name} joined as {member.get_role_display().lower()}."
            )
            return redirect("account-selling-center", customer_id=customer.pk)
    return _render_selling_center(request, customer, form, status=400)


@workspace_view(Capability.EDIT_ACCOUNTS)
def member_edit(
    request: HttpRequest, customer_id: int, selling_center_member_id: int
) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    member = workspace_get_object_or_404(
        workspace, SellingCenterMember, pk=selling_center_member_id, customer=customer
    )
    people = selectors.workspace_people(workspace=workspace)
    conflict: SellingCenterMember | None = None
    if request.method == "POST":
        form = SellingCenterMemberForm(request.POST, people=people)
        if form.is_valid():
            changes = {key: form.cleaned_data[key] for key in (*MEMBER_FIELDS, "notes")}
            changes["name"] = changes["name"] or ""
            try:
                services.selling_center_member_update(
                    workspace=workspace,
                    member=member,
                    expected_version=form.cleaned_data["version"] or 0,
                    **changes,
                )
            except VersionConflict:
                conflict = SellingCenterMember.objects.select_related("user").get(pk=member.pk)
                form = SellingCenterMemberForm(
                    {**request.POST.dict(), "version": conflict.version}, people=people
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"{member.display_name} saved.")
                return redirect("account-selling-center", customer_id=customer.pk)
    else:
        initial = {key: getattr(member, key) for key in (*MEMBER_FIELDS, "notes", "version")}
        form = SellingCenterMemberForm(initial=initial, people=people)
    return render(
        request,
        "selling_center/member_edit.html",
        {"customer": customer, "member": member, "form": form, "conflict": conflict},
        status=400 if request.method == "POST" else 200,
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def member_remove(
    request: HttpRequest, customer_id: int, selling_center_member_id: int
) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    member = workspace_get_object_or_404(
        workspace, SellingCenterMember, pk=selling_center_member_id, customer=customer
    )
    services.selling_center_member_delete(workspace=workspace, member=member)
    messages.success(request, f"{member.display_name} left the selling center.")
    return redirect("account-selling-center", customer_id=customer.pk)


@workspace_view(Capability.VIEW_PORTFOLIO)
def kam_load(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
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
    request: HttpRequest,
    customer: Customer,
    *,
    interface_form: InterfaceAlignmentForm | None = None,
    stage_form: StageResourceForm | None = None,
    level_form: ConnectionLevelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workspace = _workspace(request)
    members = selectors.members_of_account(workspace=workspace, customer=customer)
    interfaces = list(selectors.interface_alignments_of(workspace=workspace, customer=customer))
    suggestion = connection_level_suggestion(workspace=workspace, customer=customer)
    history = selectors.connection_level_history(workspace=workspace, customer=customer)
    stages = selectors.stage_resources_of(workspace=workspace, customer=customer)
    return render(
        request,
        "selling_center/alignment.html",
        {
            "customer": customer,
            "tabs": _tabs(customer, "account-alignment"),
            "interfaces": interfaces,
            "suggestions": selectors.suggested_interface_pairs(existing=interfaces),
            "interface_form": interface_form or InterfaceAlignmentForm(members=members),
            "matrix": selectors.coverage_matrix(workspace=workspace, customer=customer),
            "toggle_url": _toggle_url(customer),
            "stages": stages,
            "stages_without_resource": sum(1 for row in stages if not row.resources),
            "stage_form": stage_form or StageResourceForm(members=members),
            "suggestion": suggestion,
            "decision": history[0] if history else None,
            "history": history,
            "level_form": level_form or ConnectionLevelForm(initial={"level": suggestion.level}),
        },
        status=status,
    )


@workspace_view(Capability.VIEW)
def alignment(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _render_alignment(request, _account(request, customer_id))


def _toggle_url(customer: Customer) -> str:
    return reverse("account-connection-toggle", kwargs={"customer_id": customer.pk})


def _back_to_alignment(customer: Customer, section: str) -> HttpResponse:
    return redirect(reverse("account-alignment", kwargs={"customer_id": customer.pk}) + section)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def interface_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    members = selectors.members_of_account(workspace=workspace, customer=customer)
    form = InterfaceAlignmentForm(request.POST, members=members)
    if form.is_valid():
        data = {key: form.cleaned_data[key] for key in INTERFACE_FIELDS}
        try:
            services.interface_alignment_create(workspace=workspace, customer=customer, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _back_to_alignment(customer, "#interfaces")
    return _render_alignment(request, customer, interface_form=form, status=400)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def interface_add_common(request: HttpRequest, customer_id: int) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    try:
        pair_index = int(request.POST.get("pair", ""))
        services.interface_alignment_add_common(
            workspace=workspace, customer=customer, pair_index=pair_index
        )
    except (ValueError, ValidationError):
        messages.error(request, "That suggestion does not exist; add the pair by hand below.")
    return _back_to_alignment(customer, "#interfaces")


@workspace_view(Capability.EDIT_ACCOUNTS)
def interface_edit(
    request: HttpRequest, customer_id: int, interface_alignment_id: int
) -> HttpResponse:
    """Edit one pair; a save based on an old version is refused, showing the newer one."""
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    interface = workspace_get_object_or_404(
        workspace,
        InterfaceAlignment.objects.select_related("owner__user"),
        pk=interface_alignment_id,
        customer=customer,
    )
    members = selectors.members_of_account(workspace=workspace, customer=customer)
    conflict: InterfaceAlignment | None = None
    if request.method == "POST":
        form = InterfaceAlignmentForm(request.POST, members=members)
        if form.is_valid():
            try:
                services.interface_alignment_update(
                    workspace=workspace,
                    interface_alignment=interface,
                    expected_version=form.cleaned_data["version"] or 0,
                    **{key: form.cleaned_data[key] for key in INTERFACE_FIELDS},
                )
            except VersionConflict:
                conflict = InterfaceAlignment.objects.select_related("owner__user").get(
                    pk=interface.pk
                )
                # Keep what this person typed, but base the next save on the
                # version they have now seen.
                form = InterfaceAlignmentForm(
                    {**request.POST.dict(), "version": conflict.version}, members=members
                )
                form.is_valid()
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"{interface} saved.")
                return _back_to_alignment(customer, "#interfaces")
    else:
        initial = {key: getattr(interface, key) for key in (*INTERFACE_FIELDS, "version")}
        form = InterfaceAlignmentForm(initial=initial, members=members)
    return render(
        request,
        "selling_center/interface_edit.html",
        {"customer": customer, "interface": interface, "form": form, "conflict": conflict},
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def interface_remove(
    request: HttpRequest, customer_id: int, interface_alignment_id: int
) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    interface = workspace_get_object_or_404(
        workspace, InterfaceAlignment, pk=interface_alignment_id, customer=customer
    )
    services.interface_alignment_delete(workspace=workspace, interface_alignment=interface)
    messages.success(request, f"{interface} removed.")
    return _back_to_alignment(customer, "#interfaces")


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def connection_toggle(request: HttpRequest, customer_id: int) -> HttpResponse:
    """One click on a matrix cell: connect or disconnect; htmx gets the new cell back."""
    workspace = _workspace(request)
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
        services.connection_toggle(workspace=workspace, stakeholder=stakeholder, member=member)
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


@workspace_view(Capability.EDIT_ACCOUNTS)
def engagement_plan_edit(
    request: HttpRequest, customer_id: int, stakeholder_id: int
) -> HttpResponse:
    """The engagement plan of one customer executive: created on first save."""
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    stakeholder = workspace_get_object_or_404(
        workspace, Stakeholder, pk=stakeholder_id, customer=customer
    )
    plan = (
        EngagementPlan.objects.filter(workspace=workspace, stakeholder=stakeholder)
        .order_by("id")
        .first()
    )
    members = selectors.members_of_account(workspace=workspace, customer=customer)
    conflict: EngagementPlan | None = None
    if request.method == "POST":
        form = EngagementPlanForm(request.POST, members=members)
        if form.is_valid():
            data = {key: form.cleaned_data[key] for key in PLAN_FIELDS}
            try:
                if plan is None:
                    services.engagement_plan_create(
                        workspace=workspace, stakeholder=stakeholder, **data
                    )
                else:
                    services.engagement_plan_update(
                        workspace=workspace,
                        engagement_plan=plan,
                        expected_version=form.cleaned_data["version"] or 0,
                        **data,
                    )
            except VersionConflict:
                conflict = EngagementPlan.objects.get(pk=plan.pk)  # type: ignore[union-attr]
                form = EngagementPlanForm(
                    {**request.POST.dict(), "version": conflict.version}, members=members
                )
                form.is_valid()
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Engagement plan for {stakeholder.name} saved.")
                return _back_to_alignment(customer, "#executives")
    else:
        initial = {key: getattr(plan, key) for key in (*PLAN_FIELDS, "version")} if plan else {}
        form = EngagementPlanForm(initial=initial, members=members)
    return render(
        request,
        "selling_center/engagement_plan_edit.html",
        {
            "customer": customer,
            "stakeholder": stakeholder,
            "plan": plan,
            "form": form,
            "conflict": conflict,
        },
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def stage_resource_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    members = selectors.members_of_account(workspace=workspace, customer=customer)
    form = StageResourceForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.stage_resource_add(
                workspace=workspace,
                customer=customer,
                stage=form.cleaned_data["stage"],
                member=form.cleaned_data["member"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _back_to_alignment(customer, "#stages")
    return _render_alignment(request, customer, stage_form=form, status=400)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def stage_resource_remove(
    request: HttpRequest, customer_id: int, stage_resource_id: int
) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    resource = workspace_get_object_or_404(
        workspace, StageResource, pk=stage_resource_id, customer=customer
    )
    services.stage_resource_remove(workspace=workspace, stage_resource=resource)
    return _back_to_alignment(customer, "#stages")


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def connection_level_decide(request: HttpRequest, customer_id: int) -> HttpResponse:
    workspace = _workspace(request)
    customer = _account(request, customer_id)
    form = ConnectionLevelForm(request.POST)
    if form.is_valid():
        try:
            decision = services.connection_level_decide(
                workspace=workspace,
                customer=customer,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                decided_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, f"Connection level set to {decision.get_level_display().lower()}."
            )
            return _back_to_alignment(customer, "#diamond")
    return _render_alignment(request, customer, level_form=form, status=400)
