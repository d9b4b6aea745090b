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
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.models import Stakeholder
from buying_center.selectors import account_for_page
from kam.concurrency import VersionConflict
from kam.editing import EditPage, RowKind, posted_version, row_delete, row_edit, row_views
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import ViewFunc, workspace_view
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
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> tuple[Customer, Opportunity]:
    workspace = request.workspace
    customer = account_for_page(workspace=workspace, customer_id=customer_id)
    if customer is None:
        raise Http404("No such account in this workspace.")
    opportunity = opportunity_for_page(
        workspace=workspace, customer=customer, opportunity_id=opportunity_id
    )
    if opportunity is None:
        raise Http404("No such opportunity at this account.")
    return customer, opportunity


def _stakeholders(request: WorkspaceRequest, customer: Customer) -> list[Stakeholder]:
    return list(
        Stakeholder.objects.filter(workspace=request.workspace, customer=customer).order_by(
            "name", "pk"
        )
    )


def _find_stakeholder(request: WorkspaceRequest) -> Callable[[int], Stakeholder | None]:
    """Any stakeholder of the workspace by id: the services say when it is another account's."""

    def find(pk: int) -> Stakeholder | None:
        return (
            Stakeholder.objects.filter(workspace=request.workspace, pk=pk)
            .select_related("customer")
            .first()
        )

    return find


def _back(request: WorkspaceRequest, default: str) -> str:
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
    request: WorkspaceRequest, customer_id: int, opportunity_id: int, section: str
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
def needs_page(request: WorkspaceRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _section_page(request, customer_id, opportunity_id, "needs")


@workspace_view(Capability.VIEW)
def criteria_page(request: WorkspaceRequest, customer_id: int, opportunity_id: int) -> HttpResponse:
    return _section_page(request, customer_id, opportunity_id, "criteria")


@workspace_view(Capability.VIEW)
def challenge_page(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    return _section_page(request, customer_id, opportunity_id, "challenge")


# -- one generic add/edit/delete flow for the three kinds of rows ---------------------------


@dataclass(frozen=True)
class AnalysisRow:
    """One kind of analysis row: how to edit it (the toolkit's kind) and where it lives."""

    kind: RowKind
    section_url: str
    anchor: str
    argument: str
    delete_url: str

    def section(self, opportunity: Opportunity, anchor: str = "") -> str:
        url = reverse(
            self.section_url,
            kwargs={"customer_id": opportunity.customer_id, "opportunity_id": opportunity.pk},
        )
        return f"{url}#{anchor or self.anchor}"


def _need_form(
    request: WorkspaceRequest, opportunity: Opportunity, data: Any, **kwargs: Any
) -> forms.Form:
    return StakeholderNeedForm(
        data,
        stakeholders=_stakeholders(request, opportunity.customer),
        members=selectors.member_choices(workspace=request.workspace),
        find_stakeholder=_find_stakeholder(request),
        **kwargs,
    )


def _criterion_form(
    request: WorkspaceRequest, opportunity: Opportunity, data: Any, **kwargs: Any
) -> forms.Form:
    return DecisionCriterionForm(
        data,
        stakeholders=_stakeholders(request, opportunity.customer),
        find_stakeholder=_find_stakeholder(request),
        **kwargs,
    )


def _question_form(
    request: WorkspaceRequest, opportunity: Opportunity, data: Any, **kwargs: Any
) -> forms.Form:
    return ChallengeQuestionForm(
        data, members=selectors.member_choices(workspace=request.workspace), **kwargs
    )


NEED = AnalysisRow(
    kind=RowKind(
        model=StakeholderNeed,
        noun="expectation or concern",
        parent_field="opportunity",
        build_form=_need_form,
        initial=need_initial,
        create=services.stakeholder_need_create,
        update=services.stakeholder_need_update,
        delete=services.stakeholder_need_delete,
        row_argument="need",
        label=lambda need: f"The {need.get_kind_display().lower()} of {need.stakeholder.name}",
        prefill_from_query=True,
    ),
    section_url="account-opportunity-needs",
    anchor="needs",
    argument="stakeholder_need_id",
    delete_url="opportunity-need-delete",
)
CRITERION = AnalysisRow(
    kind=RowKind(
        model=DecisionCriterion,
        noun="decision criterion",
        parent_field="opportunity",
        build_form=_criterion_form,
        initial=criterion_initial,
        create=services.decision_criterion_create,
        update=services.decision_criterion_update,
        delete=services.decision_criterion_delete,
        row_argument="criterion",
        label=lambda criterion: f"The criterion “{criterion.name}”",
        prefill_from_query=True,
    ),
    section_url="account-opportunity-criteria",
    anchor="criteria",
    argument="decision_criterion_id",
    delete_url="opportunity-criterion-delete",
)
QUESTION = AnalysisRow(
    kind=RowKind(
        model=ChallengeQuestion,
        noun="challenge question",
        parent_field="opportunity",
        build_form=_question_form,
        initial=question_initial,
        create=services.challenge_question_create,
        update=services.challenge_question_update,
        delete=services.challenge_question_delete,
        row_argument="challenge_question",
        label=lambda question: f"The question “{question.question}”",
        prefill_from_query=True,
    ),
    section_url="account-opportunity-challenge",
    anchor="challenge",
    argument="challenge_question_id",
    delete_url="opportunity-question-delete",
)


def _reviewer_warning(request: WorkspaceRequest, customer: Customer, row: Any) -> None:
    if not isinstance(row, ChallengeQuestion) or row.reviewer_id is None:
        return
    on_team = SellingCenterMember.objects.filter(
        workspace=request.workspace, customer=customer, user_id=row.reviewer_id
    ).exists()
    if on_team:
        messages.warning(
            request,
            f"{selectors.person_name(row.reviewer)} is on {customer.name}'s selling center, so"
            " their review is not independent. Ask someone outside the account team.",
        )


def _edit(
    row_kind: AnalysisRow,
    request: WorkspaceRequest,
    row_id: int | None,
    *,
    customer_id: int,
    opportunity_id: int,
) -> HttpResponse:
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    back = _back(request, row_kind.section(opportunity))

    def page(edit: EditPage) -> HttpResponse:
        delete_url = ""
        if edit.row is not None:
            delete_url = reverse(
                row_kind.delete_url,
                kwargs={
                    "customer_id": customer.pk,
                    "opportunity_id": opportunity.pk,
                    row_kind.argument: edit.row.pk,
                },
            )
        return render(
            request,
            "planning/analysis/row_form.html",
            {
                **_page_context(customer, opportunity),
                **edit.context(),
                "kind": row_kind.kind,
                "anchor": row_kind.anchor,
                "next": back,
                "cancel_url": back,
                "delete_url": delete_url,
            },
            status=edit.status(),
        )

    return row_edit(
        request,
        row_kind.kind,
        parent=opportunity,
        row_id=row_id,
        back=back,
        page=page,
        form_id="analysis-form",
        on_saved=lambda saved: _reviewer_warning(request, customer, saved),
    )


def _delete(
    row_kind: AnalysisRow,
    request: WorkspaceRequest,
    row_id: int,
    *,
    customer_id: int,
    opportunity_id: int,
) -> HttpResponse:
    _, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    back = _back(request, row_kind.section(opportunity))
    return row_delete(request, row_kind.kind, parent=opportunity, row_id=row_id, back=back)


def _views(row_kind: AnalysisRow) -> tuple[ViewFunc, ViewFunc, ViewFunc]:
    return row_views(
        edit=partial(_edit, row_kind),
        delete=partial(_delete, row_kind),
        argument=row_kind.argument,
        capability=Capability.EDIT_ACCOUNTS,
    )


# -- expectations and concerns ----------------------------------------------------------


need_create, need_edit, need_delete = _views(NEED)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def need_verified(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int, stakeholder_need_id: int
) -> HttpResponse:
    """ "Still true, confirmed today": moves the verified-on date to today."""
    _customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    need = NEED.kind.row(request, opportunity, stakeholder_need_id)
    try:
        services.stakeholder_need_update(
            workspace=request.workspace,
            need=need,
            expected_version=posted_version(request) or 0,
            verified_on=timezone.localdate(),
        )
    except VersionConflict:
        messages.error(
            request, "Someone else changed this meanwhile; look at it again before confirming."
        )
    else:
        messages.success(request, f"{NEED.kind.label(need)} is confirmed as of today.")
    return redirect(_back(request, NEED.section(opportunity)))


# -- decision criteria ---------------------------------------------------------------------


criterion_create, criterion_edit, criterion_delete = _views(CRITERION)


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def criterion_strategy(
    request: WorkspaceRequest, customer_id: int, opportunity_id: int, decision_criterion_id: int
) -> HttpResponse:
    """The vulnerability strategy chosen in the criteria table (htmx): answers the section."""
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    criterion = CRITERION.kind.row(request, opportunity, decision_criterion_id)
    notice = ""
    try:
        services.decision_criterion_update(
            workspace=request.workspace,
            criterion=criterion,
            expected_version=posted_version(request) or 0,
            vulnerability_strategy=request.POST.get("vulnerability_strategy", ""),
        )
    except ValidationError as error:
        notice = " ".join(error.messages)
    except VersionConflict:
        notice = (
            "Someone else changed this criterion meanwhile; what they saved is shown now."
            " Choose again to replace it."
        )
    if not getattr(request, "htmx", False):
        if notice:
            messages.error(request, notice)
        back = CRITERION.section(opportunity, f"criterion-{criterion.pk}")
        return redirect(_back(request, back))
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


question_create, question_edit, question_delete = _views(QUESTION)


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
    request: WorkspaceRequest, customer_id: int, opportunity_id: int, challenge_question_id: int
) -> HttpResponse:
    """Scores typed straight into the challenge table (htmx): answers the whole section.

    The section comes back whole because the category and overall averages move
    with every score. A refused score stays in its box with the reason beside
    the question, so nothing typed is lost; a stale version shows the other
    person's scores and says so.
    """
    customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    question = QUESTION.kind.row(request, opportunity, challenge_question_id)
    typed, numbers, unreadable = _typed_scores(request.POST)
    notice = ""
    keep_typed = False
    if unreadable:
        notice, keep_typed = " ".join(unreadable), True
    else:
        try:
            services.challenge_question_update(
                workspace=request.workspace,
                challenge_question=question,
                expected_version=posted_version(request) or 0,
                **numbers,
            )
        except ValidationError as error:
            notice, keep_typed = " ".join(error.messages), True
        except VersionConflict:
            notice = (
                "Someone else changed the scores of this question meanwhile; theirs are"
                " shown now. Enter yours again to replace them."
            )
    if not getattr(request, "htmx", False):
        if notice:
            messages.error(request, notice)
        back = QUESTION.section(opportunity, f"question-{question.pk}")
        return redirect(_back(request, back))
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
    request: WorkspaceRequest, customer_id: int, opportunity_id: int
) -> HttpResponse:
    _customer, opportunity = _account_and_opportunity(request, customer_id, opportunity_id)
    added = services.challenge_questions_add_standard(
        workspace=request.workspace,
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
    return redirect(_back(request, QUESTION.section(opportunity)))
