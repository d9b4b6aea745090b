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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.models import CSF_RECOMMENDED_RANGE, CriticalSuccessFactor
from planning.open_space import services
from planning.open_space.csf_forms import SuccessFactorForm


def _account(request: HttpRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(
        request.workspace,  # type: ignore[attr-defined]
        Customer.objects.select_related("owner"),
        pk=customer_id,
    )


def _factor(customer: Customer, factor_id: int) -> CriticalSuccessFactor:
    return workspace_get_object_or_404(
        customer.workspace,
        CriticalSuccessFactor.objects.select_related("owner"),
        pk=factor_id,
        customer=customer,
    )


def _stakeholders(customer: Customer) -> Any:
    return Stakeholder.objects.filter(customer_id=customer.pk).order_by("name")


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


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
        "success_factor_warning": services.success_factor_warning(len(factors)),
        "success_factor_range": f"{low} to {high}",
    }


def _render_list(
    request: HttpRequest, customer: Customer, form: SuccessFactorForm, *, status: int = 200
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
def success_factor_list(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    return _render_list(request, customer, SuccessFactorForm(stakeholders=_stakeholders(customer)))


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def success_factor_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    form = SuccessFactorForm(request.POST, stakeholders=_stakeholders(customer))
    if form.is_valid():
        try:
            factor = services.add_success_factor(
                customer=customer,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{factor.title}” added.")
            return redirect("account-success-factors", customer_id=customer.pk)
    return _render_list(request, customer, form, status=400)


@workspace_view(Capability.EDIT_ACCOUNTS)
def success_factor_edit(
    request: HttpRequest, customer_id: int, critical_success_factor_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    factor = _factor(customer, critical_success_factor_id)
    stakeholders = _stakeholders(customer)
    conflict: CriticalSuccessFactor | None = None
    if request.method == "POST":
        form = SuccessFactorForm(request.POST, stakeholders=stakeholders)
        if form.is_valid():
            try:
                services.update_success_factor(
                    factor,
                    expected_version=form.cleaned_data["version"] or 0,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    owner=form.cleaned_data["owner"],
                )
            except VersionConflict as error:
                conflict = error.instance  # type: ignore[assignment]
                # Keep what was typed; a second save is a deliberate choice over theirs.
                form = SuccessFactorForm(
                    {**request.POST.dict(), "version": conflict.version},  # type: ignore[union-attr]
                    stakeholders=stakeholders,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"“{form.cleaned_data['title']}” saved.")
                return redirect("account-success-factors", customer_id=customer.pk)
    else:
        form = SuccessFactorForm(
            initial={
                "title": factor.title,
                "description": factor.description,
                "owner": factor.owner_id,
                "version": factor.version,
            },
            stakeholders=stakeholders,
        )
    return render(
        request,
        "planning/open_space/csf/edit.html",
        {
            "customer": customer,
            "active_tab": "open-space",
            "factor": factor,
            "form": form,
            "conflict": conflict,
        },
        status=400 if request.method == "POST" else 200,
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def success_factor_remove(
    request: HttpRequest, customer_id: int, critical_success_factor_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    factor = _factor(customer, critical_success_factor_id)
    version = request.POST.get("version", "")
    try:
        services.remove_success_factor(
            factor, expected_version=int(version) if version.isdigit() else None
        )
    except VersionConflict:
        messages.error(
            request,
            f"“{factor.title}” was changed by someone else meanwhile and was not removed."
            " Check it and remove it again if you still want to.",
        )
    else:
        messages.success(
            request,
            f"“{factor.title}” removed. Cells aligned with it keep their values, without the"
            " alignment.",
        )
    return redirect("account-success-factors", customer_id=customer.pk)


@workspace_view(Capability.EDIT_ACCOUNTS)
@require_POST
def success_factor_move(
    request: HttpRequest, customer_id: int, critical_success_factor_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    factor = _factor(customer, critical_success_factor_id)
    direction = request.POST.get("direction", "")
    try:
        services.move_success_factor(factor, direction=direction)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("account-success-factors", customer_id=customer.pk)
