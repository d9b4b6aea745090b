"""Reading review meetings: an account's list, its last and next one, and those due.

Every function reads a fixed number of queries whatever the number of reviews
or accounts (the list's count is asserted in the tests).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from accounts.models import Customer
from kam.workspaces.models import Workspace
from planning.models import Review, ReviewAttendee, ReviewSnapshot, ReviewStatus

#: A scheduled review shows as due this many days ahead (today included), like actions.
DUE_WINDOW_DAYS = 7


def _with_people(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.select_related("customer", "closed_by").prefetch_related(
        Prefetch(
            "attendees",
            queryset=ReviewAttendee.objects.select_related("user", "stakeholder").order_by("pk"),
        ),
        Prefetch("snapshots", queryset=ReviewSnapshot.objects.only("pk", "review_id", "taken_at")),
    )


def account_reviews(customer: Customer) -> list[Review]:
    """The account's reviews, newest scheduled first, with attendees and snapshot (4 queries)."""
    return list(
        _with_people(Review.objects.filter(customer=customer)).order_by("-scheduled_on", "-pk")
    )


def review_detail(review: Review) -> Review:
    return _with_people(Review.objects.filter(pk=review.pk)).get()


def is_overdue(review: Review, today: datetime.date) -> bool:
    return review.status == ReviewStatus.SCHEDULED and review.scheduled_on < today


@dataclass(frozen=True)
class ReviewDates:
    """The overview's "last review" and "next review"."""

    last: Review | None
    next: Review | None


def review_dates(customer: Customer) -> ReviewDates:
    """The last held and the next scheduled review of the account (2 queries)."""
    last = (
        Review.objects.filter(customer=customer, status=ReviewStatus.HELD)
        .order_by("-held_on", "-pk")
        .first()
    )
    upcoming = (
        Review.objects.filter(customer=customer, status=ReviewStatus.SCHEDULED)
        .order_by("scheduled_on", "pk")
        .first()
    )
    return ReviewDates(last=last, next=upcoming)


def reviews_due(
    *, workspace: Workspace, customer_ids: Sequence[int], today: datetime.date
) -> list[Review]:
    """Scheduled reviews overdue or due within the window on these accounts (1 query)."""
    horizon = today + datetime.timedelta(days=DUE_WINDOW_DAYS - 1)
    return list(
        Review.objects.filter(
            workspace=workspace,
            customer_id__in=list(customer_ids),
            status=ReviewStatus.SCHEDULED,
            scheduled_on__lte=horizon,
        )
        .select_related("customer")
        .order_by("scheduled_on", "pk")
    )


def upcoming_reviews(
    *, workspace: Workspace, customer_ids: Sequence[int], limit: int = 6
) -> list[Review]:
    """The next scheduled reviews on these accounts, overdue ones first (1 query)."""
    return list(
        Review.objects.filter(
            workspace=workspace, customer_id__in=list(customer_ids), status=ReviewStatus.SCHEDULED
        )
        .select_related("customer")
        .order_by("scheduled_on", "pk")[:limit]
    )


def last_held(*, workspace: Workspace, customer_ids: Sequence[int]) -> dict[int, datetime.date]:
    """The day of each account's last held review (1 query); absent: none held."""
    rows = (
        Review.objects.filter(
            workspace=workspace, customer_id__in=list(customer_ids), status=ReviewStatus.HELD
        )
        .values("customer_id")
        .annotate(last=Max("held_on"))
    )
    return {row["customer_id"]: row["last"] for row in rows if row["last"] is not None}
