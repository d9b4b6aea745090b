"""Pages of the account's actions: add, edit, delete, done in one click, and the list.

Each save returns to the plan's action section (``/accounts/<id>/plan/#actions``),
or to ``next`` when the page that linked here was another page of the same
account (the action list, an opportunity). Another account's or another
workspace's ids answer 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Customer
from kam.concurrency import VersionConflict
from kam.editing import EditPage, RowKind, posted_version, row_delete, row_edit, row_views
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import Action
from planning.opportunities.view_parts import account
from planning.plan.action_forms import ActionForm, action_initial
from planning.plan.action_selectors import plan_url
from planning.plan.sections import actions as actions_section
from planning.plan.services import actions


def _form(request: WorkspaceRequest, customer: Customer, data: Any, **kwargs: Any) -> forms.Form:
    return ActionForm(data, workspace=request.workspace, customer=customer, **kwargs)


def _label(action: Action) -> str:
    return f"The action “{action.title}”"


ACTION = RowKind(
    model=Action,
    noun="action",
    parent_field="customer",
    build_form=_form,
    initial=action_initial,
    create=actions.action_create,
    update=actions.action_update,
    delete=actions.action_delete,
    row_argument="action",
    label=_label,
    change="saved a change",
    summary=lambda action: f"{action.title} · {action.get_status_display()}",
    prefill_from_query=True,
    select_related=("customer",),
)


def back_url(request: WorkspaceRequest, customer: Customer) -> str:
    """``next`` when it is a page of this account on this site, else the plan's actions."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(f"/accounts/{customer.pk}/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return plan_url(customer.pk, "actions")


def _edit(request: WorkspaceRequest, row_id: int | None, *, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    back = back_url(request, customer)

    def page(edit: EditPage) -> HttpResponse:
        row = edit.row
        if isinstance(edit.form, ActionForm):
            edit.form.focus_first_error()
        delete_url = (
            reverse(
                "account-plan-action-delete",
                kwargs={"customer_id": customer.pk, "action_id": row.pk},
            )
            if row is not None
            else ""
        )
        return render(
            request,
            "planning/plan/action_form.html",
            {
                "customer": customer,
                "active_tab": "plan",
                "form": edit.form,
                "row": row,
                "conflict": edit.conflict,
                "cancel_url": back,
                "next": request.POST.get("next") or request.GET.get("next") or "",
                "delete_url": delete_url,
                "noun": "action",
                "form_title": "Edit the action" if row is not None else "Add an action",
            },
            status=edit.status(refused=400),
        )

    return row_edit(
        request, ACTION, parent=customer, row_id=row_id, back=back, page=page, form_id="edit-form"
    )


def _delete(request: WorkspaceRequest, row_id: int, *, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    return row_delete(
        request, ACTION, parent=customer, row_id=row_id, back=back_url(request, customer)
    )


action_add, action_edit, action_delete = row_views(
    edit=_edit, delete=_delete, argument="action_id", capability=Capability.EDIT_ACCOUNTS
)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def action_complete(request: WorkspaceRequest, customer_id: int, action_id: int) -> HttpResponse:
    """Mark an action done in one click, on the version the page showed (stale is refused)."""
    customer = account(request, customer_id)
    action = ACTION.row(request, customer, action_id)
    try:
        actions.action_complete(
            workspace=request.workspace,
            action=action,
            expected_version=posted_version(request) or 0,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except VersionConflict:
        messages.error(
            request,
            f"The action “{action.title}” was changed by someone else meanwhile; nothing was"
            " saved. Look at it again below.",
        )
    else:
        messages.success(request, f"The action “{action.title}” is done.")
    return redirect(back_url(request, customer))


@workspace_view(Capability.VIEW)
def action_list(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """The account's actions on a page of their own (the plan shows the same section)."""
    customer = account(request, customer_id)
    section = actions_section.section(
        workspace=request.workspace,
        customer=customer,
        user=request.user,
        today=timezone.localdate(),
        shown=None,
    )
    return render(
        request,
        "planning/plan/action_list.html",
        {
            "customer": customer,
            "active_tab": "plan",
            "section": section,
            "next": request.path,
            "plan_url": plan_url(customer.pk),
        },
    )
