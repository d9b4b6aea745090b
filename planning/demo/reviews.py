"""Demo review meetings: each key account's past reviews and one coming up this week.

Every demo key account had its management review a week after its plan started
and its 60-day review, both held, closed by the KAM and each with a frozen
snapshot; a quarterly review is scheduled this week, so My week and home show
it. The snapshots are built once per account from the plan as it stands now
(the demo has no history to rebuild them from) and dated back to each meeting.
Written with ``bulk_create`` (a snapshot's ``save`` refuses changes, not inserts).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from buying_center.models import BuyingRole
from kam.management.demo import DemoWorkspace
from planning.demo.account import _Account
from planning.models import (
    AccountPlan,
    Review,
    ReviewAttendee,
    ReviewKind,
    ReviewSnapshot,
    ReviewStatus,
)
from planning.reviews.snapshot import SCHEMA_VERSION, content_hash, snapshot_build

MINUTES = {
    ReviewKind.MANAGEMENT: (
        "Walked through the plan with management: objectives and the action plan agreed,"
        " owners named for each decider."
    ),
    ReviewKind.DAY_60: (
        "Sixty days in: most actions on time; the team agreed to chase the open concerns"
        " before the next review."
    ),
}
AGENDA = "Scorecard and health\nObjectives and progress\nOpportunities\nActions and owners"


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_reviews(demo: DemoWorkspace, accounts: Sequence[_Account], today: datetime.date) -> str:
    """Two held reviews with snapshots and one scheduled this week per key account."""
    rng = random.Random(f"review-demo:{demo.seed}")  # noqa: S311
    workspace = demo.workspace
    customers = [a.customer.pk for a in accounts]
    Review.objects.filter(workspace=workspace, customer_id__in=customers).delete()
    started = dict(
        AccountPlan.objects.filter(workspace=workspace, customer_id__in=customers).values_list(
            "customer_id", "started_on"
        )
    )
    reviews: list[Review] = []
    held: list[Review] = []
    for account in accounts:
        customer = account.customer
        begun = started.get(customer.pk) or today - datetime.timedelta(days=120)
        kam = customer.owner
        for kind, days in ((ReviewKind.MANAGEMENT, 8), (ReviewKind.DAY_60, 60)):
            day = min(begun + datetime.timedelta(days=days), today - datetime.timedelta(days=1))
            review = Review(
                workspace=workspace,
                customer=customer,
                kind=kind,
                scheduled_on=day,
                held_on=day,
                status=ReviewStatus.HELD,
                agenda=AGENDA,
                minutes=MINUTES[kind],
                started_at=_at(day),
                closed_by=kam,
                closed_at=_at(day, 12),
            )
            reviews.append(review)
            held.append(review)
        reviews.append(
            Review(
                workspace=workspace,
                customer=customer,
                kind=ReviewKind.QUARTERLY_SELECTION,
                scheduled_on=today + datetime.timedelta(days=rng.randint(0, 4)),
                agenda=AGENDA,
            )
        )
    Review.objects.bulk_create(reviews)

    attendees: list[ReviewAttendee] = []
    snapshots: list[ReviewSnapshot] = []
    by_customer = {a.customer.pk: a for a in accounts}
    contents = {
        a.customer.pk: snapshot_build(workspace=workspace, customer=a.customer, today=today)
        for a in accounts
    }
    for review in reviews:
        account = by_customer[review.customer_id]
        kam = account.customer.owner
        if kam is not None:
            attendees.append(ReviewAttendee(workspace=workspace, review=review, user=kam))
        deciders = [p for p in account.stakeholders if BuyingRole.DECIDER in (p.roles or [])]
        if deciders:
            attendees.append(
                ReviewAttendee(workspace=workspace, review=review, stakeholder=deciders[0])
            )
        if review.status == ReviewStatus.HELD:
            content = contents[review.customer_id]
            snapshots.append(
                ReviewSnapshot(
                    workspace=workspace,
                    review=review,
                    schema_version=SCHEMA_VERSION,
                    taken_at=_at(review.scheduled_on),
                    taken_by=kam,
                    content=content,
                    content_hash=content_hash(content),
                )
            )
    ReviewAttendee.objects.bulk_create(attendees)
    ReviewSnapshot.objects.bulk_create(snapshots)
    return f"{len(reviews)} reviews ({len(held)} held, {len(snapshots)} snapshots)"
