"""The account plan page, and the small writes made from it.

GET draws the whole plan and writes nothing. The hand-typed texts save in place
(htmx posts the text's form after a pause in typing or on leaving the field;
without JavaScript the same form posts and the page comes back); a stale save
answers the toolkit's stale edit with "Keep mine / Take theirs".
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.models import Customer
from kam.concurrency import VersionConflict
from kam.editing import apply_errors, delete_with_version, on_version, row_or_404, stale_edit
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.models import GrowthType, PlanTopic, SatisfactionEntry
from planning.open_space.selectors import Matrix, open_space_matrix
from planning.plan import overview, selectors, summaries
from planning.plan.forms import ConfirmForm, PlanOwnerForm, PlanTextForm, SatisfactionEntryForm
from planning.plan.metrics import plan_metrics
from planning.plan.sections import actions, health, objectives, swot
from planning.plan.services import plans, satisfaction, texts


def _customer(request: WorkspaceRequest, customer_id: int) -> Customer:
    return workspace_get_object_or_404(
        request.workspace, Customer.objects.select_related("owner", "workspace"), pk=customer_id
    )


def plan_url(customer: Customer, anchor: str = "") -> str:
    url = reverse("account-plan", kwargs={"customer_id": customer.pk})
    return f"{url}#{anchor}" if anchor else url


def _text_url(customer: Customer) -> str:
    return reverse("account-plan-text", kwargs={"customer_id": customer.pk})


def _text_form(view: selectors.TextView, data: Any = None) -> PlanTextForm:
    return PlanTextForm(
        data,
        topic=view.topic,
        initial={"topic": view.topic, "version": view.version, "text": view.text},
    )


def _sections(
    request: WorkspaceRequest, customer: Customer, today: datetime.date, matrix: Matrix | None
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, module in (
        ("objectives", objectives),
        ("actions", actions),
        ("health", health),
    ):
        found[f"{name}_section"] = module.section(
            workspace=request.workspace, customer=customer, user=request.user, today=today
        )
    # The SWOT's suggestions read the Open Space matrix the page has already built.
    found["swot_section"] = swot.section(
        workspace=request.workspace,
        customer=customer,
        user=request.user,
        today=today,
        matrix=matrix,
    )
    return found


def page_context(
    request: WorkspaceRequest,
    customer: Customer,
    *,
    today: datetime.date | None = None,
    satisfaction_form: SatisfactionEntryForm | None = None,
    owner_form: PlanOwnerForm | None = None,
) -> dict[str, Any]:
    """Everything the plan page shows, in a number of queries that does not grow."""
    today = today or timezone.localdate()
    workspace = request.workspace
    currency = workspace.reporting_currency.upper()
    plan = selectors.plan_of(customer)
    text_views = selectors.plan_texts(customer, today=today)
    forms = {topic: _text_form(view) for topic, view in text_views.items()}
    open_space = selectors.open_space_of(customer)
    matrix = open_space_matrix(open_space, today=today) if open_space is not None else None
    factors = selectors.success_factors(customer)
    people = selectors.people_of(customer)
    members = selectors.workspace_members(workspace)
    owner = plan.owner if plan is not None else customer.owner
    growth = [(view, forms[view.topic]) for view in selectors.growth_texts(text_views)]
    folio = summaries.portfolio(customer=customer)
    vp = text_views[PlanTopic.VALUE_PROPOSITION]
    return {
        "customer": customer,
        "active_tab": "plan",
        "today": today,
        "plan": plan,
        "plan_owner": owner,
        "sections": selectors.SECTIONS,
        "changes": selectors.last_changes(customer),
        "overview": overview.plan_overview(
            customer=customer, matrix=matrix, today=today, currency=currency
        ),
        "currency": currency,
        "profile": [
            (title, [(view, forms[view.topic]) for view in views])
            for title, views in selectors.profile_groups(text_views)
        ],
        "profile_latest": selectors.text_section_change(
            [v for _, views in selectors.profile_groups(text_views) for v in views]
        ),
        "csf": summaries.csf_summary(matrix, factors),
        "open_space": summaries.open_space_summary(matrix),
        "buying_center": summaries.buying_center_summary(people, now=timezone.now()),
        "selling_center": summaries.selling_center_summary(workspace=workspace, customer=customer),
        "growth": [
            (view, form, folio.by_growth.get(view.topic, []), GrowthType(view.topic).label)
            for view, form in growth
        ],
        "growth_latest": selectors.text_section_change([v for v, _ in growth]),
        "portfolio": folio,
        "value_proposition": (vp, forms[vp.topic]),
        "metrics": plan_metrics(customer=customer, plan=plan, today=today),
        "satisfaction_form": satisfaction_form
        or SatisfactionEntryForm(initial={"measured_on": today}),
        "owner_form": owner_form
        or PlanOwnerForm(
            members=members,
            initial={"owner": owner.pk if owner else None, "version": plan.version if plan else 0},
        ),
        "stale_after_days": selectors.STALE_AFTER_DAYS,
        **_sections(request, customer, today, matrix),
    }


@require_GET
@workspace_view(Capability.VIEW)
def account_plan(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    if not selectors.has_plan(customer):
        return render(
            request,
            "planning/plan/no_plan.html",
            {"customer": customer, "active_tab": "plan"},
        )
    return render(request, "planning/plan/page.html", page_context(request, customer))


# -- texts ------------------------------------------------------------------------------


def _card(
    request: WorkspaceRequest,
    customer: Customer,
    view: selectors.TextView,
    form: PlanTextForm,
    *,
    conflict: Any = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "customer": customer,
        "view": view,
        "form": form,
        "conflict": conflict,
        "notice": notice,
        "stale_after_days": selectors.STALE_AFTER_DAYS,
    }
    if getattr(request, "htmx", False):
        response = render(request, "planning/plan/_text.html", context, status=status)
        # The form's own target is its status line; a conflict or a refusal redraws the card.
        return reswap(retarget(response, f"#{view.anchor}"), "outerHTML")
    context["active_tab"] = "plan"
    return render(request, "planning/plan/text_edit.html", context, status=status)


def _topic(value: str) -> str:
    if value not in PlanTopic.values:
        raise Http404("No such section of the plan.")
    return value


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.EDIT_ACCOUNTS)
def plan_text(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """GET: the text's card as saved now ("Take theirs"); POST: save it."""
    customer = _customer(request, customer_id)
    today = timezone.localdate()
    if request.method == "GET":
        asked = request.GET.get("topic", "")
        if not getattr(request, "htmx", False):
            # A bookmarked or reloaded link lands on the plan, at the text when it names one.
            anchor = f"text-{asked}" if asked in PlanTopic.values else "profile"
            return redirect(plan_url(customer, anchor))
        view = selectors.text_view(customer, _topic(asked), today=today)
        return _card(request, customer, view, _text_form(view))
    topic = _topic(request.POST.get("topic", ""))
    form = PlanTextForm(request.POST, topic=topic)
    view = selectors.text_view(customer, topic, today=today)
    if not form.is_valid():
        return _card(request, customer, view, form, status=422)
    try:
        saved = texts.plan_text_save(
            workspace=request.workspace,
            customer=customer,
            topic=topic,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data.get("version"),
            today=today,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return _card(request, customer, view, form, status=422)
    except VersionConflict:
        current = selectors.text_view(customer, topic, today=today)
        conflict = stale_edit(
            form,
            current=current.row,
            saved={"text": current.text},
            change=f"saved “{current.label}”",
            form_id=f"form-{topic}",
            reload_url=f"{_text_url(customer)}?topic={topic}",
            hx_target=f"#{current.anchor}",
            who=current.confirmed_by or "Someone else",
            skip=("topic",),
        )
        retry = PlanTextForm(on_version(request.POST, current.version), topic=topic)
        retry.is_valid()
        return _card(request, customer, current, retry, conflict=conflict, status=409)
    if not getattr(request, "htmx", False):
        messages.success(request, f"“{PlanTopic(topic).label}” was saved.")
        return redirect(plan_url(customer, view.anchor))
    view = selectors.TextView(topic=topic, label=PlanTopic(topic).label, row=saved, today=today)
    if request.POST.get("after_conflict"):
        # "Keep mine" went through: redraw the card, so the stale edit's box goes away.
        notice = f"Saved {timezone.localtime():%H:%M}: your version is the one kept."
        return _card(request, customer, view, _text_form(view), notice=notice)
    return render(
        request,
        "planning/plan/_text_saved.html",
        {"view": view, "saved_at": timezone.localtime()},
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def plan_text_confirm(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    today = timezone.localdate()
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404("No such section of the plan.")
    topic = form.cleaned_data["topic"]
    notice = ""
    try:
        texts.plan_text_confirm(
            workspace=request.workspace,
            customer=customer,
            topic=topic,
            expected_version=form.cleaned_data.get("version"),
            today=today,
        )
        notice = f"Confirmed unchanged on {today:%-d %b %Y}."
    except ValidationError as error:
        notice = " ".join(error.messages)
    except VersionConflict:
        notice = (
            "Someone changed this text since you opened the page; nothing was confirmed."
            " Read the text as saved now and confirm again if it still holds."
        )
    view = selectors.text_view(customer, topic, today=today)
    if not getattr(request, "htmx", False):
        messages.info(request, notice)
        return redirect(plan_url(customer, view.anchor))
    return _card(request, customer, view, _text_form(view), notice=notice)


# -- the plan: start and owner ------------------------------------------------------------


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def plan_start(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    try:
        plan = plans.plan_start(workspace=request.workspace, customer=customer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The plan started on {plan.started_on:%-d %b %Y}; its metrics now count from today.",
        )
    return redirect(plan_url(customer, "metrics"))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def plan_owner(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    members = selectors.workspace_members(request.workspace)
    form = PlanOwnerForm(request.POST, members=members)
    if form.is_valid():
        try:
            plan = plans.plan_owner_set(
                workspace=request.workspace,
                customer=customer,
                owner=form.cleaned_data["owner"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        except VersionConflict:
            current = selectors.plan_of(customer)
            who = current.owner if current is not None else None
            name = (who.get_full_name() or who.get_username()) if who else "nobody"
            messages.error(
                request,
                f"Someone changed the plan owner meanwhile (now: {name}); nothing was saved."
                " Choose again if you still want to change it.",
            )
            return redirect(plan_url(customer, "overview"))
        else:
            owner = plan.owner
            shown = (owner.get_full_name() or owner.get_username()) if owner else "nobody"
            messages.success(request, f"The plan owner is now {shown}.")
            return redirect(plan_url(customer, "overview"))
    return render(
        request,
        "planning/plan/page.html",
        page_context(request, customer, owner_form=form),
        status=422,
    )


# -- satisfaction -------------------------------------------------------------------------


def _focus_first_error(form: Any) -> None:
    """The first refused field takes the focus when the page comes back."""
    for name in form.fields:
        if name in form.errors:
            form.fields[name].widget.attrs["autofocus"] = True
            return


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def satisfaction_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = SatisfactionEntryForm(request.POST)
    if form.is_valid():
        try:
            entry = satisfaction.satisfaction_entry_create(
                workspace=request.workspace, customer=customer, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Satisfaction {entry.score}/10 of {entry.measured_on:%-d %b %Y} was added.",
            )
            return redirect(plan_url(customer, "metrics"))
    _focus_first_error(form)
    context = page_context(request, customer, satisfaction_form=form)
    return render(request, "planning/plan/page.html", context, status=422)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def satisfaction_delete(
    request: WorkspaceRequest, customer_id: int, satisfaction_entry_id: int
) -> HttpResponse:
    customer = _customer(request, customer_id)
    entry = row_or_404(
        request.workspace, SatisfactionEntry, pk=satisfaction_entry_id, customer=customer
    )
    return delete_with_version(
        request,
        lambda version: satisfaction.satisfaction_entry_delete(
            workspace=request.workspace, satisfaction_entry=entry, expected_version=version
        ),
        what=f"The satisfaction entry of {entry.measured_on:%-d %b %Y}",
        back=plan_url(customer, "metrics"),
    )
