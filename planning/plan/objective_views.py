"""Pages of the plan's objectives: add, edit, delete (asking about linked actions).

Deleting an objective that no action serves deletes it at once; with linked
actions, a page lists them and asks whether to keep them (unlinked) or delete
them too. Every lookup goes through the account (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from buying_center.models import Stakeholder
from kam.editing import EditPage, RowKind, delete_with_version, row_edit
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import Action, Objective
from planning.plan.links import plan_url
from planning.plan.sections import objectives as objectives_section
from planning.plan.services import objectives as services
from planning.plan.swot_forms import ObjectiveForm, focus_first_error, objective_initial
from planning.plan.swot_views import account


def _members(request: WorkspaceRequest) -> list[Any]:
    return list(
        get_user_model()
        ._default_manager.filter(memberships__workspace=request.workspace, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def _objective_form(
    request: WorkspaceRequest, customer: Any, data: Any, **kwargs: Any
) -> forms.Form:
    workspace = request.workspace
    return ObjectiveForm(
        data,
        stakeholders=list(
            Stakeholder.objects.filter(workspace=workspace, customer=customer).order_by(
                "name", "pk"
            )
        ),
        members=_members(request),
        find_stakeholder=lambda pk: (
            Stakeholder.objects.filter(workspace=workspace, pk=pk)
            .select_related("customer")
            .first()
        ),
        # Anyone by id: the service says when they are not a member of this workspace.
        find_user=lambda pk: get_user_model()._default_manager.filter(pk=pk).first(),
        **kwargs,
    )


OBJECTIVE = RowKind(
    model=Objective,
    noun="objective",
    parent_field="customer",
    build_form=_objective_form,
    initial=objective_initial,
    create=services.objective_create,
    update=services.objective_update,
    delete=services.objective_delete,
    row_argument="objective",
    label=lambda objective: f"The objective “{objective.title}”",
    change="saved a change to this objective",
    prefill_from_query=True,
    select_related=("customer", "owner", "stakeholder"),
)


def _edit(request: WorkspaceRequest, row_id: int | None, *, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    back = plan_url(customer.pk, "objectives")

    def page(edit: EditPage) -> HttpResponse:
        focus_first_error(edit.form)
        delete_url = ""
        if edit.row is not None:
            delete_url = reverse(
                "account-plan-objective-delete",
                kwargs={"customer_id": customer.pk, "objective_id": edit.row.pk},
            )
        return render(
            request,
            "planning/plan/objective_form.html",
            {
                "customer": customer,
                "active_tab": "plan",
                **edit.context(),
                "cancel_url": back,
                "delete_url": delete_url,
            },
            status=edit.status(),
        )

    return row_edit(
        request,
        OBJECTIVE,
        parent=customer,
        row_id=row_id,
        back=back,
        page=page,
        form_id="edit-form",
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def objective_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    return _edit(request, None, customer_id=customer_id)


@workspace_view(Capability.EDIT_ACCOUNTS)
def objective_edit(request: WorkspaceRequest, customer_id: int, objective_id: int) -> HttpResponse:
    return _edit(request, objective_id, customer_id=customer_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def objective_delete(
    request: WorkspaceRequest, customer_id: int, objective_id: int
) -> HttpResponse:
    """Delete at once without linked actions; with them, ask first (unless the choice is posted)."""
    customer = account(request, customer_id)
    objective = OBJECTIVE.row(request, customer, objective_id)
    actions = list(
        Action.objects.filter(workspace=request.workspace, objective_id=objective.pk)
        .select_related("owner")
        .order_by("due_date", "pk")
    )
    choice = request.POST.get("linked_actions", "")
    back = plan_url(customer.pk, "objectives")
    if actions and choice not in ("keep", "delete"):
        return render(
            request,
            "planning/plan/objective_delete.html",
            {
                "customer": customer,
                "active_tab": "plan",
                "objective": objective,
                "actions": actions,
                "version": request.POST.get("version", objective.version),
                "cancel_url": back,
                "refused": bool(choice),
            },
            status=400 if choice else 200,
        )
    linked: services.LinkedActions = "delete" if choice == "delete" else "keep"
    what = f"The objective “{objective.title}”"
    count = len(actions)
    removed = f"{what} was removed."
    if count:
        plural = "s" if count != 1 else ""
        removed = (
            f"{what} was removed with its {count} action{plural}."
            if linked == "delete"
            else f"{what} was removed; its {count} action{plural} stay on the action plan,"
            " no longer linked to it."
        )
    return delete_with_version(
        request,
        lambda version: services.objective_delete(
            workspace=request.workspace,
            objective=objective,
            expected_version=version,
            linked_actions=linked,
        ),
        what=what,
        back=back,
        removed=removed,
    )


@workspace_view(Capability.VIEW)
def objectives_page(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """The objectives section alone, with the same fragment as the plan page."""
    customer = account(request, customer_id)
    context = objectives_section.section(
        workspace=request.workspace,
        customer=customer,
        user=request.user,
        today=timezone.localdate(),
    )
    return render(
        request,
        "planning/plan/objective_page.html",
        {"customer": customer, "active_tab": "plan", "section": context},
    )
