"""The demo's reviews: two held with snapshots on every key account, one this week."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from planning.models import Review, ReviewSnapshot
from planning.plan.my_week import LineKind, my_week
from planning.reviews.snapshot import content_hash, snapshot_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def main() -> Workspace:
    call_command("demo", "--customers", "50", "--seed", "3", stdout=StringIO())
    return Workspace.objects.get(slug="nordhavn")


def test_every_key_account_has_held_reviews_with_snapshots_and_one_this_week(
    main: Workspace,
) -> None:
    today = timezone.localdate()
    with workspace_context(main):
        accounts = list(Customer.objects.filter(status=CustomerStatus.KEY_ACCOUNT))
        assert accounts
        for customer in accounts:
            reviews = list(Review.objects.filter(customer=customer).order_by("scheduled_on"))
            held = [r for r in reviews if r.status == "held"]
            assert [r.kind for r in held] == ["management", "day_60"]
            assert all(r.held_on and r.held_on < today and r.closed_at for r in held)
            upcoming = [r for r in reviews if r.status == "scheduled"]
            assert len(upcoming) == 1 and 0 <= (upcoming[0].scheduled_on - today).days < 7
            for review in held:
                snapshot = ReviewSnapshot.objects.get(review=review)
                assert snapshot.taken_at.date() == review.held_on
                assert snapshot.content_hash == content_hash(snapshot.content)
                assert snapshot_read(snapshot.content).customer_name == customer.name
        kam = User.objects.get(username="kam")
        week = my_week(workspace=main, user=kam, today=today)
        assert any(line.kind == LineKind.REVIEW_DUE for line in week.lines)
