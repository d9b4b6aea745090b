"""Pages of account health: one account's health (with the override), and the settings.

The plan page shows the same section (``planning.plan.sections.health``); the
account page here is where the override form posts back to when it has to show
an error or a stale edit, and where a link from a list lands without the plan.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Customer
from kam.concurrency import VersionConflict
from kam.editing import StaleEdit, apply_errors, on_version, stale_edit
from kam.permissions import Capability, role_can
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.health.forms import ClearOverrideForm, HealthSettingsForm, OverrideForm
from planning.health.services import (
    health_override_clear,
    health_override_set,
    health_settings_get,
    health_settings_update,
)
from planning.models import AccountHealth
from planning.plan.sections.health import section


def _customer(request: WorkspaceRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(request.workspace, Customer, pk=customer_id)


def _back(request: WorkspaceRequest, customer: Customer) -> str:
    """Where a saved override returns: the page it was sent from (the plan or the health
    page; ``next`` if given, else the referring page, same site only), or the health page.
    """
    for target in (request.POST.get("next", ""), request.headers.get("Referer", "")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target.split("#", 1)[0] + "#health"
    return reverse("health-account", args=[customer.pk]) + "#health"


def _account_page(
    request: WorkspaceRequest,
    customer: Customer,
    *,
    form: OverrideForm | None = None,
    conflict: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = section(
        workspace=request.workspace,
        customer=customer,
        user=request.user,
        today=timezone.localdate(),
        form=form,
    )
    shown["conflict"] = conflict
    context: dict[str, Any] = {"customer": customer, "section": shown}
    return render(request, "planning/health/account.html", context, status=status)


@require_GET
@workspace_view(Capability.VIEW)
def account_health_page(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    return _account_page(request, _customer(request, customer_id))


def _current_override(customer: Customer) -> tuple[AccountHealth | None, dict[str, Any]]:
    row = AccountHealth.objects.filter(customer=customer).first()
    if row is None:
        return None, {"version": 1, "rating": "", "reason": "", "until": None}
    return row, {
        "version": row.version,
        "rating": row.override_rating,
        "reason": row.override_reason,
        "until": row.override_until,
    }


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def override_set(request: WorkspaceRequest, customer_id: int) -> HttpResponseBase:
    customer = _customer(request, customer_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _account_page(request, customer, form=form, status=400)
    data = form.cleaned_data
    try:
        health_override_set(
            workspace=request.workspace,
            customer=customer,
            rating=data["rating"],
            reason=data["reason"],
            until=data["until"],
            expected_version=data["version"],
            user=request.user,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return _account_page(request, customer, form=form, status=400)
    except VersionConflict:
        row, current = _current_override(customer)
        conflict = stale_edit(
            form,
            current=row,
            saved=current,
            change="changed this account's health by hand",
            skip=("version",),
            form_id="health-override-form",
            reload_url=reverse("health-account", args=[customer.pk]),
        )
        retry = OverrideForm(on_version(request.POST, current["version"]))
        retry.is_valid()
        return _account_page(request, customer, form=retry, conflict=conflict, status=409)
    messages.success(request, f"The health of {customer.name} is now set by hand.")
    return redirect(_back(request, customer))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def override_clear(request: WorkspaceRequest, customer_id: int) -> HttpResponseBase:
    customer = _customer(request, customer_id)
    form = ClearOverrideForm(request.POST)
    if not form.is_valid():
        return _account_page(request, customer, status=400)
    try:
        health_override_clear(
            workspace=request.workspace,
            customer=customer,
            expected_version=form.cleaned_data["version"],
        )
    except VersionConflict:
        messages.error(
            request,
            "Someone changed this account's health by hand since you opened the page; read"
            " their change below before removing it.",
        )
        return redirect(reverse("health-account", args=[customer.pk]) + "#health")
    messages.success(request, f"The computed health of {customer.name} shows again.")
    return redirect(_back(request, customer))


# -- settings ------------------------------------------------------------------------------


def _settings_page(
    request: WorkspaceRequest,
    form: HealthSettingsForm,
    *,
    conflict: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "planning/health/settings.html",
        {
            "form": form,
            "can_change": role_can(request.membership.role, Capability.MANAGE_SETTINGS),
            "conflict": conflict,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.VIEW)
def health_settings(request: WorkspaceRequest) -> HttpResponseBase:
    """Everyone reads the weights; saving needs MANAGE_SETTINGS (see ``_save``)."""
    if request.method == "POST":
        return _save(request)
    can_change = role_can(request.membership.role, Capability.MANAGE_SETTINGS)
    settings = health_settings_get(workspace=request.workspace)
    return _settings_page(
        request,
        HealthSettingsForm(
            initial=HealthSettingsForm.initial_from(settings), read_only=not can_change
        ),
    )


@workspace_view(Capability.MANAGE_SETTINGS)
def _save(request: WorkspaceRequest) -> HttpResponse:
    form = HealthSettingsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    try:
        health_settings_update(
            workspace=request.workspace,
            expected_version=form.cleaned_data["version"],
            weights=form.weights(),
            amber_at=form.cleaned_data["amber_at"],
            red_at=form.cleaned_data["red_at"],
        )
    except ValidationError as error:
        apply_errors(form, error)
        return _settings_page(request, form, status=400)
    except VersionConflict:
        settings = health_settings_get(workspace=request.workspace)
        current = HealthSettingsForm.initial_from(settings)
        conflict = stale_edit(
            form,
            current=settings,
            saved=current,
            change="saved these settings",
            skip=("version",),
            form_id="health-settings-form",
            reload_url=request.get_full_path(),
        )
        retry = HealthSettingsForm(on_version(request.POST, settings.version))
        retry.is_valid()
        return _settings_page(request, retry, conflict=conflict, status=409)
    messages.success(
        request, "Health settings saved. Every key account's health is being recomputed."
    )
    return redirect("health-settings")
