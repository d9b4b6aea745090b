"""Pages of the opportunity analyses: expectations and concerns, decision criteria, challenge.

Each section has a page of its own (useful in a meeting, on the projector) that
shows the same fragment the opportunity page includes, plus add/edit/delete
forms. Every lookup goes through the account, so another account's or another
workspace's ids answer 404. Forms come back to ``next`` when it is a page of
this site (the opportunity page sends it), else to the section page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.models import Stakeholder
from buying_center.selectors import account_for_page
from kam.concurrency import VersionConflict
from kam.permissions import Capability
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from planning.analysis import selectors, services
from planning.analysis.forms import (
    ChallengeQuestionForm,
    DecisionCriterionForm,
    StakeholderNeedForm,
    criterion_initial,
    need_initial,
    question_initial,
)
from planning.models import ChallengeQuestion, DecisionCriterion, Opportunity, StakeholderNeed
from planning.opportunities.selectors import opportunity_for_page
from selling_center.models import SellingCenterMember

# -- lookups -----------------------------------------------------------------------


def _account_and_opportunity(
    request: HttpRequest, customer_id: int, opportunity_id: int
) -> tuple[Customer, Opportunity]:
    workspace = request.workspace  # type: ignore[attr-defined]
    customer = account_for_page(workspace=workspace, customer_id=customer_id)
    if customer is None:
        raise Http404("No such account in this workspace.")
    opportunity = opportunity_for_page(
        workspace=workspace, customer=customer, opportunity_id=opportunity_id
    )
    if opportunity is None:
        raise Http404("No such opportunity at this account.")
    return customer, opportunity


def _stakeholders(request: HttpRequest, customer: Customer) -> list[Stakeholder]:
    return list(
        Stakeholder.objects.filter(workspace=request.workspace, customer=customer).order_by(  # type: ignore[attr-defined]
            "name", "pk"
        )
    )


def _find_stakeholder(request: HttpRequest) -> Callable[[int], Stakeholder | None]:
    """Any stakeholder of the workspace by id: the services say when it is another account's."""

    def find(pk: int) -> Stakeholder | None:
        return (
            Stakeholder.objects.filter(workspace=request.workspace, pk=pk)  # type: ignore[attr-defined]
            .select_related("customer")
            .first()
        )

    return find


def _back(request: HttpRequest, default: str) -> str:
    """``next`` when it is a path of this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _page_context(customer: Customer, opportunity: Opportunity) -> dict[str, Any]:
    return {"customer": customer, "active_tab": "opportunities", "opportunity": opportunity}


# -- section pages -------------------------------------------------------------------

_SECTIONS: dict[str, tuple[str, str]] = {
    "needs": ("Expectations and concerns", "planning/analysis/_needs.html"),
    "criteria": ("Decision criteria", "planning/analysis/_criteria.html"),
    "challenge": ("Challenge scoring", "planning/analysis/_challenge.html"),
}


def _section_page(
    request: HttpRequest, customer_id: int, opportunity_id: int, section: str
) -> HttpResponse:
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    title, fragment = _SECTIONS[section]
    return render(
        request,
        "planning/analysis/section.html",
        {
            **_page_context(customer, opportunity),
            **selectors.opportunity_analysis_context(opportunity),
            "section_title": title,
            "fragment": fragment,
            "standalone": True,
        },
    )


@workspace_view(Capability.VIEW)
def needs_page(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _section_page(request, customer_id, opportunity_id, "needs")


@workspace_view(Capability.VIEW)
def criteria_page(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _section_page(request, customer_id, opportunity_id, "criteria")


@workspace_view(Capability.VIEW)
def challenge_page(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _section_page(request, customer_id, opportunity_id, "challenge")


# -- one generic add/edit/delete flow for the three kinds of rows ---------------------------


@dataclass(frozen=True)
class RowKind:
    """How to edit one kind of analysis row: its model, form, services and wording."""

    model: type[Model]
    noun: str
    section_url: str
    anchor: str
    build_form: Callable[[HttpRequest, Customer, Any, dict[str, Any]], forms.Form]
    initial: Callable[[Any], dict[str, Any]]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]
    argument: str
    label: Callable[[Any], str]
    delete_url: str


def _need_form(
    request: HttpRequest, customer: Customer, data: Any, kwargs: dict[str, Any]
) -> forms.Form:
    return StakeholderNeedForm(
        data,
        stakeholders=_stakeholders(request, customer),
        members=selectors.member_choices(workspace=request.workspace),  # type: ignore[attr-defined]
        find_stakeholder=_find_stakeholder(request),
        **kwargs,
    )


def _criterion_form(
    request: HttpRequest, customer: Customer, data: Any, kwargs: dict[str, Any]
) -> forms.Form:
    return DecisionCriterionForm(
        data,
        stakeholders=_stakeholders(request, customer),
        find_stakeholder=_find_stakeholder(request),
        **kwargs,
    )


def _question_form(
    request: HttpRequest, customer: Customer, data: Any, kwargs: dict[str, Any]
) -> forms.Form:
    return ChallengeQuestionForm(
        data,
        members=selectors.member_choices(workspace=request.workspace),  # type: ignore[attr-defined]
        **kwargs,
    )


NEED = RowKind(
    model=StakeholderNeed,
    noun="expectation or concern",
    section_url="account-opportunity-needs",
    anchor="needs",
    build_form=_need_form,
    initial=need_initial,
    create=services.stakeholder_need_create,
    update=lambda **kw: services.stakeholder_need_update(need=kw.pop("row"), **kw),
    delete=lambda **kw: services.stakeholder_need_delete(need=kw.pop("row"), **kw),
    argument="stakeholder_need_id",
    delete_url="opportunity-need-delete",
    label=lambda need: f"The {need.get_kind_display().lower()} of {need.stakeholder.name}",
)
CRITERION = RowKind(
    model=DecisionCriterion,
    noun="decision criterion",
    section_url="account-opportunity-criteria",
    anchor="criteria",
    build_form=_criterion_form,
    initial=criterion_initial,
    create=services.decision_criterion_create,
    update=lambda **kw: services.decision_criterion_update(criterion=kw.pop("row"), **kw),
    delete=lambda **kw: services.decision_criterion_delete(criterion=kw.pop("row"), **kw),
    argument="decision_criterion_id",
    delete_url="opportunity-criterion-delete",
    label=lambda criterion: f"The criterion “{criterion.name}”",
)
QUESTION = RowKind(
    model=ChallengeQuestion,
    noun="challenge question",
    section_url="account-opportunity-challenge",
    anchor="challenge",
    build_form=_question_form,
    initial=question_initial,
    create=services.challenge_question_create,
    update=lambda **kw: services.challenge_question_update(challenge_question=kw.pop("row"), **kw),
    delete=lambda **kw: services.challenge_question_delete(challenge_question=kw.pop("row"), **kw),
    argument="challenge_question_id",
    delete_url="opportunity-question-delete",
    label=lambda question: f"The question “{question.question}”",
)


def _row(request: HttpRequest, kind: RowKind, opportunity: Opportunity, row_id: int) -> Any:
    return workspace_get_object_or_404(
        request.workspace,  # type: ignore[attr-defined]
        kind.model._default_manager.all(),
        pk=row_id,
        opportunity=opportunity,
    )


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, found in error.message_dict.items():
        form.add_error(field if field in form.fields else None, found)


def _shown(field: forms.Field, value: Any) -> str:
    choices = {str(k): str(v) for k, v in getattr(field, "choices", []) or []}
    if isinstance(value, list | tuple):
        return ", ".join(choices.get(str(v), str(v)) for v in value) or "—"
    if value in (None, ""):
        return "—"
    return choices.get(str(value), str(value))


def _conflict_rows(
    form: forms.Form, saved: dict[str, Any], yours: dict[str, Any]
) -> list[dict[str, str]]:
    """Fields where the saved row differs from what this person tried to save."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in yours:
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


def _reviewer_warning(request: HttpRequest, customer: Customer, row: Any) -> None:
    if not isinstance(row, ChallengeQuestion) or row.reviewer_id is None:
        return
    on_team = SellingCenterMember.objects.filter(
        workspace=request.workspace,  # type: ignore[attr-defined]
        customer=customer,
        user_id=row.reviewer_id,
    ).exists()
    if on_team:
        messages.warning(
            request,
            f"{selectors.person_name(row.reviewer)} is on {customer.name}'s selling center, so"
            " their review is not independent. Ask someone outside the account team.",
        )


def _edit(
    request: HttpRequest,
    kind: RowKind,
    customer_id: int,
    opportunity_id: int,
    row_id: int | None = None,
) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    row = _row(request, kind, opportunity, row_id) if row_id is not None else None
    section = reverse(
        kind.section_url, kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk}
    )
    back = _back(request, f"{section}#{kind.anchor}")
    initial: dict[str, Any] = {}
    if row is not None:
        initial = kind.initial(row)
    else:
        # Prefill from the link, e.g. "add a concern for this stakeholder" or "for this role".
        initial = {key: value for key, value in request.GET.items() if key != "next"}
    data = request.POST if request.method == "POST" else None
    form = kind.build_form(request, customer, data, {"initial": initial})
    conflict: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.service_fields()  # type: ignore[attr-defined]
            if row is None:
                saved = kind.create(workspace=workspace, opportunity=opportunity, **fields)
            else:
                saved = kind.update(
                    workspace=workspace,
                    row=row,
                    expected_version=form.cleaned_data.get("version") or 0,
                    **fields,
                )
        except ValidationError as error:
            _apply_errors(form, error)
        except VersionConflict:
            current = _row(request, kind, opportunity, row.pk)  # type: ignore[union-attr]
            conflict = {
                "rows": _conflict_rows(form, kind.initial(current), form.cleaned_data),
                "current": current,
            }
            # Keep what this person typed, based on the current version: saving again
            # is then a deliberate choice made with both versions in view.
            retry = request.POST.copy()
            retry["version"] = str(current.version)
            form = kind.build_form(request, customer, retry, {})
            form.is_valid()
            row = current
        else:
            messages.success(
                request, f"{kind.label(saved)} was {'added' if row is None else 'saved'}."
            )
            _reviewer_warning(request, customer, saved)
            return redirect(back)
    return render(
        request,
        "planning/analysis/row_form.html",
        {
            **_page_context(customer, opportunity),
            "form": form,
            "row": row,
            "kind": kind,
            "conflict": conflict,
            "next": back,
            "cancel_url": back,
            "delete_url": reverse(
                kind.delete_url,
                kwargs={
                    "customer_id": customer.pk,
                    "opportunity_id": opportunity.pk,
                    kind.argument: row.pk,
                },
            )
            if row is not None
            else "",
        },
        status=409 if conflict else 200,
    )


def _delete(
    request: HttpRequest, kind: RowKind, customer_id: int, opportunity_id: int, row_id: int
) -> HttpResponse:
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    row = _row(request, kind, opportunity, row_id)
    section = reverse(
        kind.section_url, kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk}
    )
    back = _back(request, f"{section}#{kind.anchor}")
    version = request.POST.get("version", "")
    try:
        kind.delete(
            workspace=request.workspace,  # type: ignore[attr-defined]
            row=row,
            expected_version=int(version) if version.isdigit() else None,
        )
    except VersionConflict:
        messages.error(
            request,
            f"{kind.label(row)} was changed by someone else meanwhile; nothing was removed."
            " Look at the current version and delete it again if you still want to.",
        )
    else:
        messages.success(request, f"{kind.label(row)} was removed.")
    return redirect(back)


# -- expectations and concerns ----------------------------------------------------------


@workspace_view(Capability.EDIT_ACCOUNTS)
def need_create(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _edit(request, NEED, customer_id, opportunity_id)


@workspace_view(Capability.EDIT_ACCOUNTS)
def need_edit(
    request: HttpRequest, customer_id: int, opportunity_id: int, stakeholder_need_id: int
) -> HttpResponse:
    return _edit(request, NEED, customer_id, opportunity_id, stakeholder_need_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def need_delete(
    request: HttpRequest, customer_id: int, opportunity_id: int, stakeholder_need_id: int
) -> HttpResponse:
    return _delete(request, NEED, customer_id, opportunity_id, stakeholder_need_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def need_verified(
    request: HttpRequest, customer_id: int, opportunity_id: int, stakeholder_need_id: int
) -> HttpResponse:
    """ "Still true, confirmed today": moves the verified-on date to today."""
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    need = _row(request, NEED, opportunity, stakeholder_need_id)
    section = reverse(
        NEED.section_url, kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk}
    )
    version = request.POST.get("version", "")
    try:
        services.stakeholder_need_update(
            workspace=request.workspace,  # type: ignore[attr-defined]
            need=need,
            expected_version=int(version) if version.isdigit() else 0,
            verified_on=timezone.localdate(),
        )
    except VersionConflict:
        messages.error(
            request, "Someone else changed this meanwhile; look at it again before confirming."
        )
    else:
        messages.success(request, f"{NEED.label(need)} is confirmed as of today.")
    return redirect(_back(request, f"{section}#needs"))


# -- decision criteria ---------------------------------------------------------------------


@workspace_view(Capability.EDIT_ACCOUNTS)
def criterion_create(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _edit(request, CRITERION, customer_id, opportunity_id)


@workspace_view(Capability.EDIT_ACCOUNTS)
def criterion_edit(
    request: HttpRequest, customer_id: int, opportunity_id: int, decision_criterion_id: int
) -> HttpResponse:
    return _edit(request, CRITERION, customer_id, opportunity_id, decision_criterion_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def criterion_delete(
    request: HttpRequest, customer_id: int, opportunity_id: int, decision_criterion_id: int
) -> HttpResponse:
    return _delete(request, CRITERION, customer_id, opportunity_id, decision_criterion_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def criterion_strategy(
    request: HttpRequest, customer_id: int, opportunity_id: int, decision_criterion_id: int
) -> HttpResponse:
    """The vulnerability strategy chosen in the criteria table (htmx): answers the section."""
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    criterion = _row(request, CRITERION, opportunity, decision_criterion_id)
    version = request.POST.get("version", "")
    notice = ""
    try:
        services.decision_criterion_update(
            workspace=request.workspace,  # type: ignore[attr-defined]
            criterion=criterion,
            expected_version=int(version) if version.isdigit() else 0,
            vulnerability_strategy=request.POST.get("vulnerability_strategy", ""),
        )
    except ValidationError as error:
        notice = " ".join(error.messages)
    except VersionConflict:
        notice = (
            "Someone else changed this criterion meanwhile; what they saved is shown now."
            " Choose again to replace it."
        )
    if not request.htmx:  # type: ignore[attr-defined]
        if notice:
            messages.error(request, notice)
        section = reverse(
            CRITERION.section_url,
            kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk},
        )
        return redirect(_back(request, f"{section}#criterion-{criterion.pk}"))
    context = selectors.opportunity_analysis_context(opportunity)
    for role in context["analysis"].criteria.by_role:
        for row in role.rows:
            if row.criterion.pk == criterion.pk:
                row.notice = notice
    return render(
        request,
        "planning/analysis/_criteria.html",
        {"customer": customer, "opportunity": opportunity, **context},
    )


# -- challenge questions ----------------------------------------------------------------------


@workspace_view(Capability.EDIT_ACCOUNTS)
def question_create(request: HttpRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _edit(request, QUESTION, customer_id, opportunity_id)


@workspace_view(Capability.EDIT_ACCOUNTS)
def question_edit(
    request: HttpRequest, customer_id: int, opportunity_id: int, challenge_question_id: int
) -> HttpResponse:
    return _edit(request, QUESTION, customer_id, opportunity_id, challenge_question_id)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def question_delete(
    request: HttpRequest, customer_id: int, opportunity_id: int, challenge_question_id: int
) -> HttpResponse:
    return _delete(request, QUESTION, customer_id, opportunity_id, challenge_question_id)


def _typed_scores(post: Any) -> tuple[dict[str, str], dict[str, int | None], list[str]]:
    """The six scores as typed, as numbers, and what could not be read as a whole number."""
    typed = {name: post.get(name, "").strip() for name, _ in selectors.SCORE_COLUMNS}
    numbers: dict[str, int | None] = {}
    unreadable = []
    for name, label in selectors.SCORE_COLUMNS:
        if name not in post:
            continue
        text = typed[name]
        if text == "":
            numbers[name] = None
        elif text.lstrip("-").isdigit():
            numbers[name] = int(text)
        else:
            unreadable.append(f"{label}: {text!r} is not a whole number from 1 to 5.")
    return typed, numbers, unreadable


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def question_scores(
    request: HttpRequest, customer_id: int, opportunity_id: int, challenge_question_id: int
) -> HttpResponse:
    """Scores typed straight into the challenge table (htmx): answers the whole section.

    The section comes back whole because the category and overall averages move
    with every score. A refused score stays in its box with the reason beside
    the question, so nothing typed is lost; a stale version shows the other
    person's scores and says so.
    """
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    question = _row(request, QUESTION, opportunity, challenge_question_id)
    typed, numbers, unreadable = _typed_scores(request.POST)
    version = request.POST.get("version", "")
    notice = ""
    keep_typed = False
    if unreadable:
        notice, keep_typed = " ".join(unreadable), True
    else:
        try:
            services.challenge_question_update(
                workspace=request.workspace,  # type: ignore[attr-defined]
                challenge_question=question,
                expected_version=int(version) if version.isdigit() else 0,
                **numbers,
            )
        except ValidationError as error:
            notice, keep_typed = " ".join(error.messages), True
        except VersionConflict:
            notice = (
                "Someone else changed the scores of this question meanwhile; theirs are"
                " shown now. Enter yours again to replace them."
            )
    if not request.htmx:  # type: ignore[attr-defined]
        if notice:
            messages.error(request, notice)
        section = reverse(
            QUESTION.section_url,
            kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk},
        )
        return redirect(_back(request, f"{section}#question-{question.pk}"))
    context = selectors.opportunity_analysis_context(opportunity)
    for block in context["analysis"].challenge.categories:
        for row in block.rows:
            if row.question.pk == question.pk:
                row.notice = notice
                row.typed = typed if keep_typed else None
    return render(
        request,
        "planning/analysis/_challenge.html",
        {"customer": customer, "opportunity": opportunity, **context},
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def questions_add_standard(
    request: HttpRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    added = services.challenge_questions_add_standard(
        workspace=request.workspace,  # type: ignore[attr-defined]
        opportunity=opportunity,
    )
    if added:
        messages.success(
            request,
            f"{len(added)} standard question{'s' if len(added) != 1 else ''} added;"
            " reword or delete any that do not fit, then score them.",
        )
    else:
        messages.info(request, "This opportunity already has every standard question.")
    section = reverse(
        QUESTION.section_url,
        kwargs={"customer_id": customer.pk, "opportunity_id": opportunity.pk},
    )
    return redirect(_back(request, f"{section}#challenge"))
