"""What the opportunity pages share: lookups through the account, the form page, warnings.

Every lookup goes through the account, so another account's or another
workspace's ids answer 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.models import Customer
from buying_center.selectors import account_for_page
from kam.editing import StaleEdit, attempt, on_version, stale_edit
from kam.tenancy.request import WorkspaceRequest
from planning.models import Opportunity
from planning.opportunities import selectors
from planning.opportunities.services import opportunities


def account(request: WorkspaceRequest, customer_id: int) -> Customer:
    customer = account_for_page(workspace=request.workspace, customer_id=customer_id)
    if customer is None:
        raise Http404("No such account in this workspace.")
    return customer


def account_and_opportunity(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> tuple[Customer, Opportunity]:
    customer = account(request, customer_id)
    opportunity = selectors.opportunity_for_page(
        workspace=request.workspace, customer=customer, opportunity_id=opportunity_id
    )
    if opportunity is None:
        raise Http404("No such opportunity at this account.")
    return customer, opportunity


def detail_url(opportunity: Opportunity, anchor: str = "") -> str:
    url = reverse(
        "account-opportunity",
        kwargs={"customer_id": opportunity.customer_id, "opportunity_id": opportunity.pk},
    )
    return f"{url}#{anchor}" if anchor else url


def row_url(name: str, opportunity: Opportunity, argument: str, row: Any) -> str:
    """The URL ``name`` of one row of ``opportunity``; "" while the row is being added."""
    if row is None:
        return ""
    return reverse(
        name,
        kwargs={
            "customer_id": opportunity.customer_id,
            "opportunity_id": opportunity.pk,
            argument: row.pk,
        },
    )


def form_page(
    request: WorkspaceRequest,
    *,
    customer: Customer,
    opportunity: Opportunity | None,
    form: forms.Form,
    title: str,
    template_form: str,
    cancel_url: str,
    conflict: StaleEdit | None = None,
    delete_url: str = "",
    row: Any = None,
    noun: str = "",
) -> HttpResponse:
    """One form on a page of its own: 409 for a stale edit, 400 when refused."""
    return render(
        request,
        "planning/opportunities/form_page.html",
        {
            "customer": customer,
            "active_tab": "opportunities",
            "opportunity": opportunity,
            "form": form,
            "form_title": title,
            "form_template": template_form,
            "cancel_url": cancel_url,
            "conflict": conflict,
            "delete_url": delete_url,
            "row": row,
            "noun": noun,
        },
        status=409 if conflict else (400 if form.is_bound and form.errors else 200),
    )


def warn(request: WorkspaceRequest, opportunity: Opportunity) -> None:
    for warning in opportunities.opportunity_warnings(opportunity):
        messages.warning(request, warning)


def opportunity_save(
    request: WorkspaceRequest,
    customer: Customer,
    opportunity: Opportunity,
    form: forms.Form,
    *,
    build: Any,
    initial: Any,
    change: str = "saved a change",
    form_id: str = "edit-form",
    reload_url: str = "",
) -> tuple[bool, StaleEdit | None, forms.Form]:
    """Save a valid form onto the opportunity's version: (saved, stale edit, form to show).

    A stale save shows the saved values next to this person's, whose entries stay in
    a form now based on the current version.
    """
    outcome = attempt(
        form,
        lambda: opportunities.opportunity_update(
            workspace=request.workspace,
            opportunity=opportunity,
            expected_version=form.cleaned_data.get("version") or 0,
            **form.service_fields(),  # type: ignore[attr-defined]
        ),
    )
    if not outcome.stale:
        return outcome.done, None, form
    current = selectors.opportunity_for_page(
        workspace=request.workspace, customer=customer, opportunity_id=opportunity.pk
    )
    if current is None:
        raise Http404("The opportunity was deleted meanwhile.")
    conflict = stale_edit(
        form,
        current=current,
        saved=initial(current),
        change=change,
        form_id=form_id,
        reload_url=reload_url or request.get_full_path(),
    )
    fresh = build(on_version(request.POST, current.version))
    fresh.is_valid()
    return False, conflict, fresh
