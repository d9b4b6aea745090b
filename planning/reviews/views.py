"""Pages of an account's review meetings: the list with "schedule a review", one review.

A review is scheduled from the list, changed on its edit page (the editing
toolkit: stale edits show "Keep mine / Take theirs"), started (the plan is
frozen into its snapshot) and closed after the meeting (locked from then on).
Every lookup goes through the account: another account's or workspace's id is 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.concurrency import VersionConflict
from kam.editing import EditPage, RowKind, apply_errors, row_delete, row_edit, sentences
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view
from planning.models import Review
from planning.plan.swot_views import account
from planning.reviews import selectors, services
from planning.reviews.forms import ReviewCloseForm, ReviewForm, review_initial
from planning.reviews.snapshot import UnknownSchema, snapshot_read


def list_url(customer: Customer) -> str:
    return reverse("account-reviews", kwargs={"customer_id": customer.pk})


def review_url(review: Review) -> str:
    return reverse(
        "account-review", kwargs={"customer_id": review.customer_id, "review_id": review.pk}
    )


def _members(request: WorkspaceRequest) -> Any:
    return (
        get_user_model()
        ._default_manager.filter(memberships__workspace=request.workspace, is_active=True)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def _review_form(
    request: WorkspaceRequest, customer: Customer, data: Any, **kwargs: Any
) -> forms.Form:
    return ReviewForm(
        data,
        members=_members(request),
        stakeholders=Stakeholder.objects.filter(
            workspace=request.workspace, customer=customer
        ).order_by("name", "pk"),
        **kwargs,
    )


REVIEW = RowKind(
    model=Review,
    noun="review",
    parent_field="customer",
    build_form=_review_form,
    initial=review_initial,
    create=services.review_create,
    update=services.review_update,
    delete=services.review_delete,
    row_argument="review",
    label=lambda review: f"The {services.review_label(review)}",
    change="saved a change to this review",
    select_related=("customer", "closed_by"),
)


def _list_page(request: WorkspaceRequest, customer: Customer, edit: EditPage) -> HttpResponse:
    return render(
        request,
        "planning/reviews/list.html",
        {
            "customer": customer,
            "active_tab": "reviews",
            "reviews": selectors.account_reviews(customer),
            "today": timezone.localdate(),
            **edit.context(),
        },
        status=edit.status(refused=400),
    )


@workspace_view(Capability.VIEW)
def review_list(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """The account's reviews and, for editors, the "schedule a review" form."""
    customer = account(request, customer_id)
    form = _review_form(request, customer, None)
    return _list_page(request, customer, EditPage(form=form, row=None, conflict=None))


@workspace_view(Capability.EDIT_ACCOUNTS)
def review_add(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """Schedule a review; a refused one comes back on the list, filled, errors by the fields."""
    customer = account(request, customer_id)
    return row_edit(
        request,
        REVIEW,
        parent=customer,
        row_id=None,
        back=list_url(customer),
        page=lambda edit: _list_page(request, customer, edit),
        form_id="edit-form",
    )


def _snapshot_view(review: Review) -> Any:
    snapshots = list(review.snapshots.all())
    if not snapshots:
        return None, None
    stored = review.snapshots.model.objects.get(pk=snapshots[0].pk)
    try:
        return stored, snapshot_read(stored.content)
    except UnknownSchema:
        return stored, None


@workspace_view(Capability.VIEW)
def review_detail(request: WorkspaceRequest, customer_id: int, review_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    review = selectors.review_detail(REVIEW.row(request, customer, review_id))
    return _detail(request, customer, review)


def _detail(
    request: WorkspaceRequest,
    customer: Customer,
    review: Review,
    *,
    close_form: ReviewCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    snapshot, view = _snapshot_view(review)
    attendees = list(review.attendees.all())
    return render(
        request,
        "planning/reviews/detail.html",
        {
            "customer": customer,
            "active_tab": "reviews",
            "review": review,
            "overdue": selectors.is_overdue(review, today),
            "ours": [a.user for a in attendees if a.user is not None],
            "theirs": [a.stakeholder for a in attendees if a.stakeholder is not None],
            "snapshot": snapshot,
            "view": view,
            "close_form": close_form
            or ReviewCloseForm(
                initial={"version": review.version, "held_on": today, "minutes": review.minutes}
            ),
            "list_url": list_url(customer),
        },
        status=status,
    )


@workspace_view(Capability.EDIT_ACCOUNTS)
def review_edit(request: WorkspaceRequest, customer_id: int, review_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    row = REVIEW.row(request, customer, review_id)
    back = review_url(row)

    def page(edit: EditPage) -> HttpResponse:
        return render(
            request,
            "planning/reviews/form.html",
            {
                "customer": customer,
                "active_tab": "reviews",
                **edit.context(),
                "cancel_url": back,
            },
            status=edit.status(refused=400),
        )

    return row_edit(
        request, REVIEW, parent=customer, row_id=row.pk, back=back, page=page, form_id="edit-form"
    )


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def review_delete(request: WorkspaceRequest, customer_id: int, review_id: int) -> HttpResponse:
    customer = account(request, customer_id)
    review = REVIEW.row(request, customer, review_id)
    try:
        return row_delete(
            request, REVIEW, parent=customer, row_id=review_id, back=list_url(customer)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(review_url(review))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def review_start(request: WorkspaceRequest, customer_id: int, review_id: int) -> HttpResponse:
    """Start the meeting: the plan's figures are frozen into the review's snapshot."""
    customer = account(request, customer_id)
    review = REVIEW.row(request, customer, review_id)
    try:
        services.review_start(workspace=request.workspace, review=review, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "The review started: the plan's figures as they stand now are frozen."
        )
    return redirect(review_url(review))


@require_POST
@workspace_view(Capability.EDIT_ACCOUNTS)
def review_close(request: WorkspaceRequest, customer_id: int, review_id: int) -> HttpResponse:
    """Close the review after the meeting: the day it was held and the minutes; then locked."""
    customer = account(request, customer_id)
    review = REVIEW.row(request, customer, review_id)
    form = ReviewCloseForm(request.POST)
    if form.is_valid():
        try:
            services.review_close(
                workspace=request.workspace,
                review=review,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                held_on=form.cleaned_data["held_on"],
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except VersionConflict:
            messages.error(request, sentences.conflict("changed this review"))
            return redirect(review_url(review))
        else:
            messages.success(request, f"The {services.review_label(review)} is closed.")
            return redirect(review_url(review))
    return _detail(request, customer, selectors.review_detail(review), close_form=form, status=400)
