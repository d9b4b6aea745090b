"""Pages of an account's critical success factors: list, add, edit, remove, reorder.

The list is also a fragment (``_success_factors.html``) that the Open Space
page and, later, the account plan include; :func:`success_factors_context`
feeds it in a fixed number of queries.
"""

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
from kam.editing import RowKind, apply_errors, delete_with_version, row_edit_view
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.models import CSF_RECOMMENDED_RANGE, CriticalSuccessFactor
from planning.open_space.csf_forms import SuccessFactorForm
from planning.open_space.services import success_factors


def _account(request: WorkspaceRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(
        request.workspace,
        Customer.objects.select_related("owner"),
        pk=customer_id,
    )


def _stakeholders(customer: Customer) -> Any:
    return Stakeholder.objects.filter(customer_id=customer.pk).order_by("name")


def success_factors_context(customer: Customer) -> dict[str, Any]:
    """What ``_success_factors.html`` needs: factors with owners, aligned-cell counts, warning.

    Two queries whatever the number of factors.
    """
    from django.db.models import Count

    factors = list(
        CriticalSuccessFactor.objects.filter(customer_id=customer.pk)
        .select_related("owner")
        .annotate(aligned_cell_count=Count("aligned_cells"))
        .order_by("position", "pk")
    )
    low, high = CSF_RECOMMENDED_RANGE
    return {
        "success_factors": factors,
        "success_factor_warning": success_factors.success_factor_warning(len(factors)),
        "success_factor_range": f"{low} to {high}",
    }


def _render_list(
    request: WorkspaceRequest, customer: Customer, form: SuccessFactorForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "planning/open_space/csf/list.html",
        {
            "customer": customer,
            "active_tab": "open-space",
            "form": form,
            **success_factors_context(customer),
        },
        status=status,
    )


@workspace_view(Capability.VIEW)
def success_factor_list(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    return _render_list(request, customer, SuccessFactorForm(stakeholders=_stakeholders(customer)))


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def success_factor_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    form = SuccessFactorForm(request.POST, stakeholders=_stakeholders(customer))
    if form.is_valid():
        try:
            factor = success_factors.success_factor_add(
                customer=customer,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{factor.title}” added.")
            return redirect("account-success-factors", customer_id=customer.pk)
    return _render_list(request, customer, form, status=400)


def _factor_fields(form: Form) -> dict[str, Any]:
    return {key: form.cleaned_data[key] for key in ("title", "description", "owner")}


SUCCESS_FACTOR = RowKind(
    model=CriticalSuccessFactor,
    noun="factor",
    parent_field="customer",
    build_form=lambda request, customer, data, **kw: SuccessFactorForm(
        data, stakeholders=_stakeholders(customer), **kw
    ),
    initial=lambda factor: {
        "title": factor.title,
        "description": factor.description,
        "owner": factor.owner_id,
        "version": factor.version,
    },
    create=lambda workspace, customer, **fields: success_factors.success_factor_add(
        customer=customer, **fields
    ),
    update=lambda workspace, row, **kw: success_factors.success_factor_update(factor=row, **kw),
    delete=lambda workspace, row, **kw: success_factors.success_factor_remove(factor=row, **kw),
    label=lambda factor: f"“{factor.title}”",
    change="saved this factor",
    fields=_factor_fields,
    select_related=("owner",),
)


success_factor_edit = row_edit_view(
    SUCCESS_FACTOR,
    argument="critical_success_factor_id",
    parent=_account,
    back=lambda customer: reverse("account-success-factors", kwargs={"customer_id": customer.pk}),
    template="planning/open_space/csf/edit.html",
    row_name="factor",
    context=lambda customer: {"customer": customer, "active_tab": "open-space"},
    # Refused or stale, the page always answered 400.
    stale=400,
)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def success_factor_remove(
    request: WorkspaceRequest, customer_id: int, critical_success_factor_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    factor = SUCCESS_FACTOR.row(request, customer, critical_success_factor_id)
    return delete_with_version(
        request,
        lambda version: success_factors.success_factor_remove(
            factor=factor, expected_version=version
        ),
        what=f"“{factor.title}”",
        back=reverse("account-success-factors", kwargs={"customer_id": customer.pk}),
        removed=f"“{factor.title}” removed. Cells aligned with it keep their values, without"
        " the alignment.",
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def success_factor_move(
    request: WorkspaceRequest, customer_id: int, critical_success_factor_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    factor = SUCCESS_FACTOR.row(request, customer, critical_success_factor_id)
    direction = request.POST.get("direction", "")
    try:
        success_factors.success_factor_move(factor=factor, direction=direction)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("account-success-factors", customer_id=customer.pk)
