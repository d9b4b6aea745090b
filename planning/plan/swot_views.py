"""Pages of the plan's SWOT: add, edit and delete items, accept or dismiss a suggestion.

Every lookup goes through the account, so another account's or another
workspace's ids answer 404. Saves return to the SWOT section of the plan page;
``account-plan-swot`` shows the section alone (for a meeting, and before the
plan page shows it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.selectors import account_for_page
from kam.editing import EditPage, RowKind, row_delete, row_edit, row_views
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import SwotItem, SwotKind
from planning.plan.links import plan_url
from planning.plan.sections import swot as swot_section
from planning.plan.services import swot as services
from planning.plan.swot_forms import SwotItemForm, focus_first_error, swot_item_initial


def account(request: WorkspaceRequest, customer_id: int) -> Customer:
    customer = account_for_page(workspace=request.workspace, customer_id=customer_id)
    if customer is None:
        raise Http404("No such account in this workspace.")
    return customer


def _label(item: SwotItem) -> str:
    return f"The {SwotKind(item.kind).label.lower()} “{item.text}”"


SWOT_ITEM = RowKind(
    model=SwotItem,
    noun="SWOT item",
    parent_field="customer",
    build_form=lambda request, customer, data, **kw: SwotItemForm(data, **kw),
    initial=swot_item_initial,
    create=services.swot_item_create,
    update=services.swot_item_update,
    delete=services.swot_item_delete,
    row_argument="swot_item",
    label=_label,
    change="saved a change to this SWOT item",
    prefill_from_query=True,
)


def _edit(request: WorkspaceRequest, row_id: int | None, *, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    back = plan_url(customer.pk, "swot")

    def page(edit: EditPage) -> HttpResponse:
        focus_first_error(edit.form)
        delete_url = ""
        if edit.row is not None:
            delete_url = reverse(
                "account-plan-swot-delete",
                kwargs={"customer_id": customer.pk, "swot_item_id": edit.row.pk},
            )
        return render(
            request,
            "planning/plan/swot_form.html",
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
        SWOT_ITEM,
        parent=customer,
        row_id=row_id,
        back=back,
        page=page,
        form_id="edit-form",
    )


def _delete(request: WorkspaceRequest, row_id: int, *, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    return row_delete(
        request, SWOT_ITEM, parent=customer, row_id=row_id, back=plan_url(customer.pk, "swot")
    )


swot_item_add, swot_item_edit, swot_item_delete = row_views(
    edit=_edit, delete=_delete, argument="swot_item_id", capability=Capability.EDIT_ACCOUNTS
)


@workspace_view(Capability.VIEW)
def swot_page(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """The SWOT section alone, with the same fragment as the plan page."""
    customer = account(request, customer_id)
    context: dict[str, Any] = swot_section.section(
        workspace=request.workspace,
        customer=customer,
        user=request.user,
        today=timezone.localdate(),
    )
    return render(
        request,
        "planning/plan/swot_page.html",
        {"customer": customer, "active_tab": "plan", "section": context},
    )


def _suggestion_back(request: WorkspaceRequest, customer: Customer) -> str:
    """Back to the page the button was on (the section page or the plan)."""
    if request.POST.get("from") == "section":
        url = reverse("account-plan-swot", kwargs={"customer_id": customer.pk})
        return f"{url}#swot"
    return plan_url(customer.pk, "swot")


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def swot_suggestion_accept(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    try:
        item = services.swot_suggestion_accept(
            workspace=request.workspace, customer=customer, key=request.POST.get("key", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{_label(item)} is now in the SWOT. Add an action to it to make it complete.",
        )
    return redirect(_suggestion_back(request, customer))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def swot_suggestion_dismiss(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    try:
        services.swot_suggestion_dismiss(
            workspace=request.workspace,
            customer=customer,
            key=request.POST.get("key", ""),
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Suggestion dismissed: it will not be offered again here.")
    return redirect(_suggestion_back(request, customer))
