"""Scheduling, changing, starting and closing reviews; the cadence a plan's start proposes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kam.changelog.models import ChangeLogEntry
from kam.tenancy.context import workspace_context
from planning.models import Review, ReviewAttendee, ReviewSnapshot
from planning.plan.services.plans import plan_start
from planning.reviews import services
from tests.factories import WorkspaceWorld
from tests.model_factories.buying_center import StakeholderFactory
from tests.planning.opportunities.conftest import Account
from tests.planning.reviews.conftest import TODAY, days, schedule

pytestmark = pytest.mark.django_db


def test_starting_the_plan_proposes_the_management_60_and_90_day_reviews(
    account: Account,
) -> None:
    with workspace_context(account.workspace):
        plan_start(workspace=account.workspace, customer=account.customer, today=TODAY)
        reviews = list(Review.objects.filter(customer=account.customer).order_by("scheduled_on"))
    assert [(r.kind, (r.scheduled_on - TODAY).days) for r in reviews] == [
        ("management", 7),
        ("day_60", 60),
        ("day_90", 90),
    ]
    assert {r.status for r in reviews} == {"scheduled"}


def test_the_cadence_skips_a_kind_already_scheduled(account: Account) -> None:
    schedule(account, "management", on=9)
    with workspace_context(account.workspace):
        made = services.review_cadence_propose(
            workspace=account.workspace, customer=account.customer, planned_on=TODAY
        )
    assert [r.kind for r in made] == ["day_60", "day_90"]


def test_attendees_come_from_both_sides_and_foreign_people_are_refused(
    account: Account, world: WorkspaceWorld
) -> None:
    kam = world.a.user("kam")
    review = schedule(account, our_attendees=[kam], customer_attendees=[account.decider])
    with workspace_context(account.workspace):
        rows = ReviewAttendee.objects.filter(review=review)
        assert {(r.user_id, r.stakeholder_id) for r in rows} == {
            (kam.pk, None),
            (None, account.decider.pk),
        }
        elsewhere = StakeholderFactory.create(customer=account.other, name="Olli Other")
    with pytest.raises(ValidationError) as refused:
        schedule(account, our_attendees=[world.b.user("kam")], customer_attendees=[elsewhere])
    errors = refused.value.message_dict
    assert "not a member of this workspace" in errors["our_attendees"][0]
    assert (
        "Olli Other is not in the buying center of Borealis Steel"
        in errors["customer_attendees"][0]
    )


def test_every_problem_is_reported_at_once(account: Account) -> None:
    with workspace_context(account.workspace), pytest.raises(ValidationError) as refused:
        services.review_create(
            workspace=account.workspace, customer=account.customer, kind="party", scheduled_on=None
        )
    assert set(refused.value.message_dict) == {"kind", "scheduled_on"}


def test_closing_stamps_who_and_when_and_locks_the_review(
    account: Account, world: WorkspaceWorld
) -> None:
    review = schedule(account, on=-1)
    kam = world.a.user("kam")
    with workspace_context(account.workspace):
        review = services.review_close(
            workspace=account.workspace,
            review=review,
            expected_version=review.version,
            by=kam,
            held_on=days(-1),
            minutes="Agreed the relining pilot.",
        )
        assert (review.status, review.held_on, review.closed_by) == ("held", days(-1), kam)
        assert review.closed_at is not None
        with pytest.raises(ValidationError) as refused:
            services.review_update(
                workspace=account.workspace,
                review=review,
                expected_version=review.version,
                agenda="Late change",
            )
        assert "closed" in refused.value.messages[0]
        assert "no longer changes" in refused.value.messages[0]
        assert Review.objects.get(pk=review.pk).agenda == ""


def test_a_review_cannot_be_closed_as_held_in_the_future(account: Account) -> None:
    review = schedule(account)
    with workspace_context(account.workspace), pytest.raises(ValidationError) as refused:
        services.review_close(
            workspace=account.workspace,
            review=review,
            expected_version=review.version,
            by=None,
            held_on=days(2),
        )
    assert "held_on" in refused.value.message_dict


def test_starting_twice_makes_one_snapshot_and_logs_the_start(
    account: Account, world: WorkspaceWorld
) -> None:
    review = schedule(account)
    with workspace_context(account.workspace):
        first = services.review_start(
            workspace=account.workspace, review=review, by=world.a.user("kam")
        )
        again = services.review_start(workspace=account.workspace, review=review)
        assert first.pk == again.pk
        assert ReviewSnapshot.objects.filter(review=review).count() == 1
        review.refresh_from_db()
        assert review.started_at is not None
        entry = ChangeLogEntry.objects.filter(object_id=review.pk).order_by("-pk").first()
        assert entry is not None and "froze the plan's figures" in entry.sentence
        assert entry.account_id == account.customer.pk


def test_a_started_review_is_cancelled_not_deleted(account: Account) -> None:
    review = schedule(account)
    with workspace_context(account.workspace):
        services.review_start(workspace=account.workspace, review=review)
        review.refresh_from_db()
        with pytest.raises(ValidationError):
            services.review_delete(
                workspace=account.workspace, review=review, expected_version=review.version
            )
        services.review_update(
            workspace=account.workspace,
            review=review,
            expected_version=review.version,
            status="cancelled",
        )
        assert Review.objects.get(pk=review.pk).status == "cancelled"
