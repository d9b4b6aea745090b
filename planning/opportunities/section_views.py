"""Sections edited on an opportunity's page: CABS and the value-proposition checklist.

Both are fields of the opportunity itself, saved on its version. With htmx the
section answers with its own fragment, swapped in place; without JavaScript a
refused form is shown again on a page of its own with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kam.editing import StaleEdit
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import Opportunity
from planning.opportunities import forms as opp_forms
from planning.opportunities import selectors
from planning.opportunities.view_parts import (
    account_and_opportunity,
    detail_url,
    form_page,
    opportunity_save,
)


@dataclass(frozen=True)
class Section:
    """One section of the opportunity edited on its own: its form, fragment and wording."""

    form_class: type[forms.Form]
    initial: Callable[[Opportunity], dict[str, Any]]
    anchor: str
    title: str
    template_form: str
    done: Callable[[Opportunity], str]
    fragment: str
    section_context: Callable[[Opportunity], dict[str, Any]]
    form_key: str


def _section_edit(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int, part: Section
) -> HttpResponse:
    form_class, initial, anchor, done = part.form_class, part.initial, part.anchor, part.done
    customer, opportunity = account_and_opportunity(request, customer_id, opportunity_id)
    workspace = request.workspace
    conflict: StaleEdit | None = None
    # With htmx the section answers with its own fragment, swapped in place (always 200:
    # htmx does not swap error responses); without JavaScript the page flow below applies.
    in_place = bool(getattr(request, "htmx", False)) and request.method == "POST"

    def section(form: forms.Form, notice: str = "") -> HttpResponse:
        shown = selectors.opportunity_for_page(
            workspace=workspace, customer=customer, opportunity_id=opportunity.pk
        )
        if shown is None:
            raise Http404("The opportunity was deleted meanwhile.")
        return render(
            request,
            part.fragment,
            {
                "customer": customer,
                "opportunity": shown,
                **part.section_context(shown),
                part.form_key: form,
                "section_notice": notice,
                "section_conflict": conflict,
            },
        )

    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            saved, conflict, form = opportunity_save(
                request,
                customer,
                opportunity,
                form,
                build=form_class,
                initial=initial,
                change="saved a change here" if in_place else "saved a change",
                form_id=f"{anchor}-form" if in_place else "edit-form",
                # In place, "take theirs" reloads the page at the section.
                reload_url=detail_url(opportunity, anchor) if in_place else "",
            )
            if saved:
                if in_place:
                    return section(form_class(initial=initial(opportunity)), done(opportunity))
                messages.success(request, done(opportunity))
                return redirect(detail_url(opportunity, anchor))
        if in_place:
            return section(form)
    else:
        form = form_class(initial=initial(opportunity))
    return form_page(
        request,
        customer=customer,
        opportunity=opportunity,
        form=form,
        title=part.title,
        template_form=part.template_form,
        cancel_url=detail_url(opportunity, anchor),
        conflict=conflict,
    )


def _cabs_done(opportunity: Opportunity) -> str:
    held = selectors.cabs_held(opportunity)
    if opportunity.is_qualified:
        return "CABS saved: all four checkpoints hold, the opportunity is qualified."
    return f"CABS saved: {held} of 4 checkpoints hold; not qualified yet."


def _vp_done(opportunity: Opportunity) -> str:
    if opportunity.value_proposition_alarm:
        return "Value proposition saved. Alarm: see the checklist."
    return "Value proposition saved."


CABS = Section(
    form_class=opp_forms.CabsForm,
    initial=opp_forms.cabs_initial,
    anchor="cabs",
    title="CABS qualification",
    template_form="planning/opportunities/_cabs_fields.html",
    done=_cabs_done,
    fragment="planning/opportunities/_cabs.html",
    section_context=selectors.cabs_context,
    form_key="cabs_form",
)
VALUE_PROPOSITION = Section(
    form_class=opp_forms.ValuePropositionForm,
    initial=opp_forms.vp_initial,
    anchor="value-proposition",
    title="Value-proposition checklist",
    template_form="planning/opportunities/_vp_fields.html",
    done=_vp_done,
    fragment="planning/opportunities/_value_proposition.html",
    section_context=selectors.value_proposition_context,
    form_key="vp_form",
)


@workspace_view(Capability.EDIT_ACCOUNTS)
def cabs_edit(request: WorkspaceRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _section_edit(request, customer_id, opportunity_id, CABS)


@workspace_view(Capability.EDIT_ACCOUNTS)
def value_proposition_edit(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    return _section_edit(request, customer_id, opportunity_id, VALUE_PROPOSITION)
