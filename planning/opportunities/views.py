"""Pages of opportunities under /accounts/<customer>/opportunities/.

The list is the account's pipeline; the detail page shows every section as
its own fragment (summary, CABS, value proposition, value drivers,
contributors, tasks, and H3's three analyses). Each section is edited with a
small form that posts to its own URL and comes back to the detail page; a
refused form is shown again on a page of its own with everything typed kept.
Every lookup goes through the account, so another account's or another
workspace's ids answer 404. Stale edits are refused and show the saved values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.selectors import account_for_page
from kam.concurrency import VersionConflict
from kam.permissions import Capability, capabilities_of
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.models import (
    OpenSpaceCell,
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    OpportunityTask,
    ValueDriver,
)
from planning.opportunities import forms as opp_forms
from planning.opportunities import selectors, services
from selling_center.models import BuyingStage

# -- lookups -------------------------------------------------------------------------


def _account(request: HttpRequest, customer_id: int) -> Customer:
    customer = account_for_page(workspace=request.workspace, customer_id=customer_id)  # type: ignore[attr-defined]
    if customer is None:
        raise Http404("No such account in this workspace.")
    return customer


def _opportunity(
    request: HttpRequest, customer_id: int, opportunity_id: int
) -> tuple[Customer, Opportunity]:
    customer = _account(request, customer_id)
    opportunity = selectors.opportunity_for_page(
        workspace=request.workspace,  # type: ignore[attr-defined]
        customer=customer,
        opportunity_id=opportunity_id,
    )
    if opportunity is None:
        raise Http404("No such opportunity at this account.")
    return customer, opportunity


def _detail_url(opportunity: Opportunity, anchor: str = "") -> str:
    url = reverse(
        "account-opportunity",
        kwargs={"customer_id": opportunity.customer_id, "opportunity_id": opportunity.pk},
    )
    return f"{url}#{anchor}" if anchor else url


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, found in error.message_dict.items():
        form.add_error(field if field in form.fields else None, found)


def _shown(field: forms.Field, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(field, forms.ModelChoiceField):
        pk = getattr(value, "pk", value)
        for choice_value, label in getattr(field, "choices", []):
            if str(getattr(choice_value, "value", choice_value)) == str(pk):
                return str(label)
        return str(value)
    if isinstance(field, forms.BooleanField):
        return "yes" if value else "no"
    choices = {str(k): str(v) for k, v in getattr(field, "choices", []) or []}
    return choices.get(str(value), str(value))


def _conflict_rows(
    form: forms.Form, saved: dict[str, Any], yours: dict[str, Any]
) -> list[dict[str, str]]:
    """Fields where the saved row differs from what this person tried to save."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name.startswith("expected_") or name not in yours:
            continue
        shown_saved, shown_yours = _shown(field, saved.get(name)), _shown(field, yours.get(name))
        if shown_saved != shown_yours:
            rows.append(
                {
                    "label": str(field.label or name.replace("_", " ").capitalize()),
                    "saved": shown_saved,
                    "yours": shown_yours,
                }
            )
    return rows


def _form_page(
    request: HttpRequest,
    *,
    customer: Customer,
    opportunity: Opportunity | None,
    form: forms.Form,
    title: str,
    template_form: str,
    cancel_url: str,
    conflict: dict[str, Any] | None = None,
    delete_url: str = "",
    row: Any = None,
    noun: str = "",
) -> HttpResponse:
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


def _warn(request: HttpRequest, opportunity: Opportunity) -> None:
    for warning in services.opportunity_warnings(opportunity):
        messages.warning(request, warning)


# -- the account's pipeline -------------------------------------------------------------


@workspace_view(Capability.VIEW)
def opportunity_list(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    filters = selectors.read_filters(request.GET)
    rows = selectors.pipeline_rows(
        selectors.account_opportunities(
            workspace=request.workspace,  # type: ignore[attr-defined]
            customer=customer,
            filters=filters,
        )
    )
    return render(
        request,
        "planning/opportunities/list.html",
        {
            "customer": customer,
            "active_tab": "opportunities",
            "rows": rows,
            "totals": selectors.pipeline_totals(rows),
            "filters": filters,
            "state_choices": OpportunityState.choices,
            "stage_choices": BuyingStage.choices,
            "qualification_choices": list(selectors.QUALIFICATION_FILTERS.items()),
            "show_customer": False,
            "currency": request.workspace.reporting_currency.upper(),  # type: ignore[attr-defined]
        },
    )


# -- one opportunity ----------------------------------------------------------------------


def section_forms(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return opp_forms.section_forms(
        opportunity,
        workspace=request.workspace,  # type: ignore[attr-defined]
        can_edit=capabilities_of(membership.role if membership else None)["edit_accounts"],
    )


@workspace_view(Capability.VIEW)
def opportunity_detail(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    from planning.analysis.selectors import opportunity_analysis_context

    customer, opportunity = _opportunity(request, customer_id, opportunity_id)
    return render(
        request,
        "planning/opportunities/detail.html",
        {
            "customer": customer,
            "active_tab": "opportunities",
            "opportunity": opportunity,
            **selectors.opportunity_detail_context(opportunity),
            **opportunity_analysis_context(opportunity),
            **section_forms(request, opportunity),
        },
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _account(request, customer_id)
    workspace = request.workspace  # type: ignore[attr-defined]
    list_url = reverse("account-opportunities", kwargs={"customer_id": customer.pk})
    if request.method == "POST":
        form = opp_forms.OpportunityForm(request.POST, workspace=workspace, customer=customer)
        if form.is_valid():
            try:
                opportunity = services.opportunity_create(
                    workspace=workspace, customer=customer, **form.service_fields()
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"“{opportunity.title}” was added.")
                _warn(request, opportunity)
                return redirect(_detail_url(opportunity))
    else:
        form = opp_forms.OpportunityForm(
            workspace=workspace, customer=customer, initial={"owner": request.user.pk}
        )
    return _form_page(
        request,
        customer=customer,
        opportunity=None,
        form=form,
        title="New opportunity",
        template_form="planning/opportunities/_opportunity_fields.html",
        cancel_url=list_url,
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_edit(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    customer, opportunity = _opportunity(request, customer_id, opportunity_id)
    workspace = request.workspace  # type: ignore[attr-defined]
    conflict = None
    linked = opportunity.open_space_cell_id
    form: forms.Form
    if request.method == "POST":
        form = opp_forms.OpportunityForm(
            request.POST, workspace=workspace, customer=customer, linked_cell_id=linked
        )
        if form.is_valid():
            try:
                services.opportunity_update(
                    workspace=workspace,
                    opportunity=opportunity,
                    expected_version=form.cleaned_data.get("version") or 0,
                    **form.service_fields(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            except VersionConflict:
                conflict, form = _opportunity_conflict(request, customer, opportunity, form)
            else:
                messages.success(request, f"“{opportunity.title}” was saved.")
                _warn(request, opportunity)
                return redirect(_detail_url(opportunity))
    else:
        form = opp_forms.OpportunityForm(
            workspace=workspace,
            customer=customer,
            linked_cell_id=linked,
            initial=opp_forms.opportunity_initial(opportunity),
        )
    return _form_page(
        request,
        customer=customer,
        opportunity=opportunity,
        form=form,
        title="Edit the opportunity",
        template_form="planning/opportunities/_opportunity_fields.html",
        cancel_url=_detail_url(opportunity),
        conflict=conflict,
        delete_url=reverse(
            "account-opportunity-delete",
            kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk},
        ),
        row=opportunity,
        noun="opportunity",
    )


def _opportunity_conflict(
    request: HttpRequest,
    customer: Customer,
    opportunity: Opportunity,
    form: forms.Form,
    form_class: Callable[..., forms.Form] | None = None,
    initial: Callable[[Opportunity], dict[str, Any]] = opp_forms.opportunity_initial,
) -> tuple[dict[str, Any], forms.Form]:
    """Show the saved values next to this person's; keep theirs in the form, on the new version."""
    current = selectors.opportunity_for_page(
        workspace=request.workspace,  # type: ignore[attr-defined]
        customer=customer,
        opportunity_id=opportunity.pk,
    )
    if current is None:
        raise Http404("The opportunity was deleted meanwhile.")
    conflict = {
        "rows": _conflict_rows(form, initial(current), form.cleaned_data),
        "current": current,
    }
    retry = request.POST.copy()
    retry["version"] = str(current.version)
    build = form_class or (
        lambda data: opp_forms.OpportunityForm(
            data,
            workspace=request.workspace,  # type: ignore[attr-defined]
            customer=customer,
            linked_cell_id=opportunity.open_space_cell_id,
        )
    )
    fresh = build(retry)
    fresh.is_valid()
    return conflict, fresh


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_delete(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    customer, opportunity = _opportunity(request, customer_id, opportunity_id)
    version = request.POST.get("version", "")
    try:
        services.opportunity_delete(
            workspace=request.workspace,  # type: ignore[attr-defined]
            opportunity=opportunity,
            expected_version=int(version) if version.isdigit() else None,
        )
    except VersionConflict:
        messages.error(
            request,
            f"“{opportunity.title}” was changed by someone else meanwhile; nothing was deleted."
            " Look at the current version and delete it again if you still want to.",
        )
        return redirect(_detail_url(opportunity))
    messages.success(request, f"“{opportunity.title}” was deleted.")
    return redirect("account-opportunities", customer_id=customer.pk)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def opportunity_from_cell(
    request: HttpRequest, customer_id: int, open_space_cell_id: int
) -> HttpResponse:
    customer = _account(request, customer_id)
    cell = workspace_get_object_or_404(
        request.workspace,  # type: ignore[attr-defined]
        OpenSpaceCell.objects.select_related("open_space"),
        pk=open_space_cell_id,
        open_space__customer=customer,
    )
    opportunity = services.create_from_cell(customer=customer, cell=cell, user=request.user)
    messages.success(
        request,
        f"“{opportunity.title}” was created from the Open Space cell: push, early stage,"
        f" {opportunity.get_growth_type_display().lower()}, value from the cell's potential."
        " Qualify it with CABS below.",
    )
    return redirect(_detail_url(opportunity))


# -- sections edited on the opportunity: CABS and value proposition ---------------------------


def _section_edit(
    request: HttpRequest,
    customer_id: int,
    opportunity_id: int,
    *,
    form_class: type[forms.Form],
    initial: Callable[[Opportunity], dict[str, Any]],
    anchor: str,
    title: str,
    template_form: str,
    done: Callable[[Opportunity], str],
    fragment: str,
    section_context: Callable[[Opportunity], dict[str, Any]],
    form_key: str,
) -> HttpResponse:
    customer, opportunity = _opportunity(request, customer_id, opportunity_id)
    workspace = request.workspace  # type: ignore[attr-defined]
    conflict = None
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
            fragment,
            {
                "customer": customer,
                "opportunity": shown,
                **section_context(shown),
                form_key: form,
                "section_notice": notice,
                "section_conflict": conflict,
            },
        )

    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.opportunity_update(
                    workspace=workspace,
                    opportunity=opportunity,
                    expected_version=form.cleaned_data.get("version") or 0,
                    **form.service_fields(),  # type: ignore[attr-defined]
                )
            except ValidationError as error:
                _apply_errors(form, error)
            except VersionConflict:
                conflict, form = _opportunity_conflict(
                    request, customer, opportunity, form, form_class=form_class, initial=initial
                )
            else:
                if in_place:
                    return section(form_class(initial=initial(opportunity)), done(opportunity))
                messages.success(request, done(opportunity))
                return redirect(_detail_url(opportunity, anchor))
        if in_place:
            return section(form)
    else:
        form = form_class(initial=initial(opportunity))
    return _form_page(
        request,
        customer=customer,
        opportunity=opportunity,
        form=form,
        title=title,
        template_form=template_form,
        cancel_url=_detail_url(opportunity, anchor),
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


@workspace_view(Capability.EDIT_ACCOUNTS)
def cabs_edit(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _section_edit(
        request,
        customer_id,
        opportunity_id,
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


@workspace_view(Capability.EDIT_ACCOUNTS)
def value_proposition_edit(
    request: HttpRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    return _section_edit(
        request,
        customer_id,
        opportunity_id,
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


# -- rows of an opportunity: value drivers, contributors, tasks ---------------------------------


def _row(request: HttpRequest, model: type[Any], opportunity: Opportunity, row_id: int) -> Any:
    return workspace_get_object_or_404(
        request.workspace,  # type: ignore[attr-defined]
        model._default_manager.select_related("opportunity__customer"),
        pk=row_id,
        opportunity=opportunity,
    )


def _versioned_row_edit(
    request: HttpRequest,
    customer_id: int,
    opportunity_id: int,
    row_id: int | None,
    *,
    model: type[Any],
    build: Callable[..., forms.Form],
    initial: Callable[[Any], dict[str, Any]],
    create: Callable[..., Any],
    update: Callable[..., Any],
    noun: str,
    anchor: str,
    delete_name: str,
    argument: str,
    template_form: str,
    label: Callable[[Any], str],
) -> HttpResponse:
    customer, opportunity = _opportunity(request, customer_id, opportunity_id)
    workspace = request.workspace  # type: ignore[attr-defined]
    row = _row(request, model, opportunity, row_id) if row_id is not None else None
    conflict = None
    if request.method == "POST":
        form = build(customer, request.POST)
        if form.is_valid():
            fields = form.service_fields()  # type: ignore[attr-defined]
            try:
                if row is None:
                    saved = create(workspace=workspace, opportunity=opportunity, **fields)
                else:
                    saved = update(
                        workspace=workspace,
                        row=row,
                        expected_version=form.cleaned_data.get("version") or 0,
                        **fields,
                    )
            except ValidationError as error:
                _apply_errors(form, error)
            except VersionConflict:
                current = _row(request, model, opportunity, row.pk)  # type: ignore[union-attr]
                conflict = {
                    "rows": _conflict_rows(form, initial(current), form.cleaned_data),
                    "current": current,
                }
                retry = request.POST.copy()
                retry["version"] = str(current.version)
                form = build(customer, retry)
                form.is_valid()
                row = current
            else:
                messages.success(
                    request, f"{label(saved)} was {'added' if row is None else 'saved'}."
                )
                return redirect(_detail_url(opportunity, anchor))
    else:
        form = build(customer, None, initial=initial(row) if row is not None else None)
    return _form_page(
        request,
        customer=customer,
        opportunity=opportunity,
        form=form,
        title=f"{'Edit the' if row else 'Add a'} {noun}",
        template_form=template_form,
        cancel_url=_detail_url(opportunity, anchor),
        conflict=conflict,
        delete_url=reverse(
            delete_name,
            kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk, argument: row.pk},
        )
        if row is not None
        else "",
        row=row,
        noun=noun,
    )


def _driver_form(request: HttpRequest) -> Callable[..., forms.Form]:
    def build(customer: Customer, data: Any, **kwargs: Any) -> forms.Form:
        form = opp_forms.ValueDriverForm(
            data,
            workspace=request.workspace,  # type: ignore[attr-defined]
            customer=customer,
            **kwargs,
        )
        return form

    return build


def _task_form(request: HttpRequest) -> Callable[..., forms.Form]:
    def build(customer: Customer, data: Any, **kwargs: Any) -> forms.Form:
        form = opp_forms.TaskForm(data, workspace=request.workspace, **kwargs)  # type: ignore[attr-defined]
        return form

    return build


def _driver_label(row: ValueDriver) -> str:
    return f"The value driver “{row.driver}” ({row.result:,.2f} {row.unit})".replace(" )", ")")


def _value_driver(
    request: HttpRequest, customer_id: int, opportunity_id: int, row_id: int | None
) -> HttpResponse:
    return _versioned_row_edit(
        request,
        customer_id,
        opportunity_id,
        row_id,
        model=ValueDriver,
        build=_driver_form(request),
        initial=opp_forms.value_driver_initial,
        create=services.value_driver_create,
        update=lambda **kw: services.value_driver_update(value_driver=kw.pop("row"), **kw),
        noun="value driver",
        anchor="value-drivers",
        delete_name="opportunity-value-driver-delete",
        argument="value_driver_id",
        template_form="planning/opportunities/_plain_fields.html",
        label=_driver_label,
    )


def _task(
    request: HttpRequest, customer_id: int, opportunity_id: int, row_id: int | None
) -> HttpResponse:
    return _versioned_row_edit(
        request,
        customer_id,
        opportunity_id,
        row_id,
        model=OpportunityTask,
        build=_task_form(request),
        initial=opp_forms.task_initial,
        create=services.task_create,
        update=lambda **kw: services.task_update(task=kw.pop("row"), **kw),
        noun="task",
        anchor="tasks",
        delete_name="opportunity-task-delete",
        argument="opportunity_task_id",
        template_form="planning/opportunities/_plain_fields.html",
        label=lambda task: f"The task “{task.title}”",
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def value_driver_add(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _value_driver(request, customer_id, opportunity_id, None)


@workspace_view(Capability.EDIT_ACCOUNTS)
def value_driver_edit(
    request: HttpRequest, customer_id: int, opportunity_id: int, value_driver_id: int
) -> HttpResponse:
    return _value_driver(request, customer_id, opportunity_id, value_driver_id)


@workspace_view(Capability.EDIT_ACCOUNTS)
def task_add(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _task(request, customer_id, opportunity_id, None)


@workspace_view(Capability.EDIT_ACCOUNTS)
def task_edit(
    request: HttpRequest, customer_id: int, opportunity_id: int, opportunity_task_id: int
) -> HttpResponse:
    return _task(request, customer_id, opportunity_id, opportunity_task_id)


def _versioned_delete(
    request: HttpRequest,
    customer_id: int,
    opportunity_id: int,
    row_id: int,
    *,
    model: type[Any],
    delete: Callable[..., None],
    anchor: str,
    label: Callable[[Any], str],
) -> HttpResponse:
    _, opportunity = _opportunity(request, customer_id, opportunity_id)
    row = _row(request, model, opportunity, row_id)
    version = request.POST.get("version", "")
    try:
        delete(
            workspace=request.workspace,  # type: ignore[attr-defined]
            row=row,
            expected_version=int(version) if version.isdigit() else None,
        )
    except VersionConflict:
        messages.error(
            request,
            f"{label(row)} was changed by someone else meanwhile; nothing was removed."
            " Look at the current version and remove it again if you still want to.",
        )
    else:
        messages.success(request, f"{label(row)} was removed.")
    return redirect(_detail_url(opportunity, anchor))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def value_driver_delete(
    request: HttpRequest, customer_id: int, opportunity_id: int, value_driver_id: int
) -> HttpResponse:
    return _versioned_delete(
        request,
        customer_id,
        opportunity_id,
        value_driver_id,
        model=ValueDriver,
        delete=lambda **kw: services.value_driver_delete(value_driver=kw.pop("row"), **kw),
        anchor="value-drivers",
        label=lambda row: f"The value driver “{row.driver}”",
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def task_delete(
    request: HttpRequest, customer_id: int, opportunity_id: int, opportunity_task_id: int
) -> HttpResponse:
    return _versioned_delete(
        request,
        customer_id,
        opportunity_id,
        opportunity_task_id,
        model=OpportunityTask,
        delete=lambda **kw: services.task_delete(task=kw.pop("row"), **kw),
        anchor="tasks",
        label=lambda row: f"The task “{row.title}”",
    )


# -- contributors (no version column: compared against what the editor started from) -----------


def _contributor(
    request: HttpRequest, customer_id: int, opportunity_id: int, row_id: int | None
) -> HttpResponse:
    customer, opportunity = _opportunity(request, customer_id, opportunity_id)
    workspace = request.workspace  # type: ignore[attr-defined]
    row = _row(request, OpportunityContributor, opportunity, row_id) if row_id else None
    conflict = None

    def build(data: Any, **kwargs: Any) -> opp_forms.ContributorForm:
        return opp_forms.ContributorForm(data, workspace=workspace, customer=customer, **kwargs)

    if request.method == "POST":
        form = build(request.POST)
        if form.is_valid():
            try:
                if row is None:
                    saved = services.contributor_create(
                        workspace=workspace, opportunity=opportunity, **form.service_fields()
                    )
                else:
                    saved = services.contributor_update(
                        workspace=workspace,
                        contributor=row,
                        expected=form.expected(),
                        **form.service_fields(),
                    )
            except ValidationError as error:
                _apply_errors(form, error)
            except services.ContributorChanged as changed:
                if changed.current is None:
                    messages.error(request, "That contributor was removed meanwhile.")
                    return redirect(_detail_url(opportunity, "contributors"))
                current = changed.current
                conflict = {
                    "rows": _conflict_rows(
                        form, opp_forms.contributor_initial(current), form.cleaned_data
                    ),
                    "current": current,
                }
                retry = request.POST.copy()
                for key, value in opp_forms.contributor_initial(current).items():
                    if key.startswith("expected_"):
                        retry[key] = value
                form = build(retry)
                form.is_valid()
                row = current
            else:
                done = "now contributes" if row is None else "was saved"
                messages.success(request, f"{saved.member.display_name} {done}.")
                return redirect(_detail_url(opportunity, "contributors"))
    else:
        form = build(None, initial=opp_forms.contributor_initial(row) if row else None)
    return _form_page(
        request,
        customer=customer,
        opportunity=opportunity,
        form=form,
        title="Edit the contributor" if row else "Add a contributor",
        template_form="planning/opportunities/_plain_fields.html",
        cancel_url=_detail_url(opportunity, "contributors"),
        conflict=conflict,
        delete_url=reverse(
            "opportunity-contributor-delete",
            kwargs={
                "customer_id": customer.pk,
                "opportunity_id": opportunity.pk,
                "opportunity_contributor_id": row.pk,
            },
        )
        if row
        else "",
        row=row,
        noun="contributor",
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def contributor_add(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _contributor(request, customer_id, opportunity_id, None)


@workspace_view(Capability.EDIT_ACCOUNTS)
def contributor_edit(
    request: HttpRequest, customer_id: int, opportunity_id: int, opportunity_contributor_id: int
) -> HttpResponse:
    return _contributor(request, customer_id, opportunity_id, opportunity_contributor_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def contributor_delete(
    request: HttpRequest, customer_id: int, opportunity_id: int, opportunity_contributor_id: int
) -> HttpResponse:
    _, opportunity = _opportunity(request, customer_id, opportunity_id)
    row = _row(request, OpportunityContributor, opportunity, opportunity_contributor_id)
    name = row.member.display_name
    services.contributor_delete(workspace=request.workspace, contributor=row)  # type: ignore[attr-defined]
    messages.success(request, f"{name} no longer contributes to this opportunity.")
    return redirect(_detail_url(opportunity, "contributors"))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def task_status(
    request: HttpRequest, customer_id: int, opportunity_id: int, opportunity_task_id: int
) -> HttpResponse:
    """Mark a task done or open again in one click (refused if it changed meanwhile)."""
    _, opportunity = _opportunity(request, customer_id, opportunity_id)
    task = _row(request, OpportunityTask, opportunity, opportunity_task_id)
    version = request.POST.get("version", "")
    status = request.POST.get("status", "")
    try:
        services.task_update(
            workspace=request.workspace,  # type: ignore[attr-defined]
            task=task,
            expected_version=int(version) if version.isdigit() else 0,
            status=status,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except VersionConflict:
        messages.error(
            request,
            f"The task “{task.title}” was changed by someone else meanwhile; nothing was saved."
            " Look at it again below.",
        )
    else:
        done = task.status == "done"
        messages.success(request, f"The task “{task.title}” is {'done' if done else 'open again'}.")
    return redirect(_detail_url(opportunity, "tasks"))
