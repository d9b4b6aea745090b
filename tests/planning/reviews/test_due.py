"""Reviews due or overdue: on My week, on home, and "no review in 90 days" in health."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from kam.tenancy.context import workspace_context
from planning.health.inputs import health_inputs
from planning.health.rules.signals import no_recent_review
from planning.models import AccountPlan
from planning.plan.my_week import LineKind, my_week
from planning.reviews import services
from tests.factories import WorkspaceWorld
from tests.planning.opportunities.conftest import Account
from tests.planning.reviews.conftest import TODAY, days, schedule

pytestmark = pytest.mark.django_db


def _week_reviews(account: Account, world: WorkspaceWorld) -> list:
    with workspace_context(account.workspace):
        week = my_week(workspace=account.workspace, user=world.a.user("kam"), today=TODAY)
    return [line for line in week.lines if line.kind == LineKind.REVIEW_DUE]


def test_my_week_lists_reviews_due_this_week_and_overdue_ones(
    account: Account, world: WorkspaceWorld
) -> None:
    late = schedule(account, "management", on=-2)
    soon = schedule(account, "day_60", on=3)
    schedule(account, "day_90", on=30)  # not this week
    lines = _week_reviews(account, world)
    assert [(line.text, line.overdue) for line in lines] == [
        ("Management review", True),
        ("60-day review", False),
    ]
    assert "overdue" in lines[0].detail and "2 days ago" in lines[0].detail
    assert lines[0].url == reverse(
        "account-review", kwargs={"customer_id": account.customer.pk, "review_id": late.pk}
    )
    assert str(soon.pk) in lines[1].url


def test_held_and_cancelled_reviews_are_not_due(account: Account, world: WorkspaceWorld) -> None:
    held = schedule(account, on=-1)
    cancelled = schedule(account, "day_60", on=1)
    with workspace_context(account.workspace):
        services.review_close(
            workspace=account.workspace, review=held, expected_version=held.version, by=None
        )
        services.review_update(
            workspace=account.workspace,
            review=cancelled,
            expected_version=cancelled.version,
            status="cancelled",
        )
    assert _week_reviews(account, world) == []


def test_home_lists_the_next_reviews(account: Account, world: WorkspaceWorld) -> None:
    schedule(account, "day_90", on=5)
    client = Client()
    client.force_login(world.a.user("kam"))
    html = client.get(reverse("home")).content.decode()
    card = html.split('id="reviews-title"')[1].split("</section>")[0]
    assert "90-day review" in card and "Borealis Steel" in card


def _verdict(account: Account, started: datetime.date | None) -> tuple[bool | None, str]:
    with workspace_context(account.workspace):
        if started is not None:
            AccountPlan.objects.update_or_create(
                customer=account.customer, defaults={"started_on": started}
            )
        inputs = health_inputs(
            workspace=account.workspace, customer_ids=[account.customer.pk], today=TODAY
        )[account.customer.pk]
    verdict = no_recent_review(inputs)
    return verdict.active, " ".join(verdict.evidence)


def test_health_no_review_in_90_days_is_known_from_the_reviews(account: Account) -> None:
    # A young plan owes no review yet.
    active, why = _verdict(account, days(-30))
    assert active is False and "30 days ago" in why
    # A plan started 120 days ago with no review held: active.
    active, why = _verdict(account, days(-120))
    assert active is True and "No review held since the plan started 120 days ago" in why
    # A review held 20 days ago clears it.
    review = schedule(account, on=-20)
    with workspace_context(account.workspace):
        services.review_close(
            workspace=account.workspace,
            review=review,
            expected_version=review.version,
            by=None,
            held_on=days(-20),
        )
    active, why = _verdict(account, None)
    assert active is False and "20 days ago" in why


def test_an_executive_home_lists_reviews_of_every_key_account(
    account: Account, world: WorkspaceWorld
) -> None:
    schedule(account, "executive", on=-4)
    client = Client()
    client.force_login(world.a.user("executive"))
    html = client.get(reverse("home")).content.decode()
    card = html.split('id="reviews-title"')[1].split("</section>")[0]
    assert "Executive-to-executive meeting" in card and "Overdue" in card
