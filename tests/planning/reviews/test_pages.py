"""The review pages: the list with "schedule a review", one review, edit, start and close."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.tenancy.context import workspace_context
from planning.models import Review, ReviewSnapshot
from planning.reviews import services
from tests.factories import WorkspaceWorld
from tests.planning.opportunities.conftest import Account
from tests.planning.reviews.conftest import client_for, days, schedule

pytestmark = pytest.mark.django_db


def _list(account: Account) -> str:
    return reverse("account-reviews", kwargs={"customer_id": account.customer.pk})


def _one(review: Review, name: str = "account-review") -> str:
    return reverse(name, kwargs={"customer_id": review.customer_id, "review_id": review.pk})


def test_the_list_marks_overdue_reviews_and_links_each(kam: Client, account: Account) -> None:
    late = schedule(account, "management", on=-3)
    schedule(account, "day_60", on=20)
    html = kam.get(_list(account)).content.decode()
    assert "Management review" in html and "60-day review" in html
    assert html.count("Overdue") == 1
    assert _one(late) in html
    assert "Schedule a review" in html


def test_scheduling_a_review_with_attendees(
    kam: Client, account: Account, world: WorkspaceWorld
) -> None:
    response = kam.post(
        reverse("account-review-add", kwargs={"customer_id": account.customer.pk}),
        {
            "kind": "day_60",
            "scheduled_on": days(10).isoformat(),
            "status": "scheduled",
            "our_attendees": [world.a.user("kam").pk],
            "customer_attendees": [account.decider.pk],
            "agenda": "Scorecard\nOpen actions",
        },
    )
    assert response.status_code == 302
    with workspace_context(account.workspace):
        review = Review.objects.get(customer=account.customer)
    page = kam.get(_one(review)).content.decode()
    assert "60-day review" in page
    assert "Ines Aalto" in page
    assert "Open actions" in page


def test_a_refused_schedule_comes_back_filled_with_errors_by_the_fields(
    kam: Client, account: Account
) -> None:
    response = kam.post(
        reverse("account-review-add", kwargs={"customer_id": account.customer.pk}),
        {"kind": "day_60", "scheduled_on": "", "status": "scheduled", "agenda": "Keep me"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep me" in html
    assert "field-errors" in html


def test_a_viewer_reads_but_cannot_schedule(world: WorkspaceWorld, account: Account) -> None:
    viewer = client_for(world, "viewer")
    assert viewer.get(_list(account)).status_code == 200
    assert "Schedule a review" not in viewer.get(_list(account)).content.decode()
    refused = viewer.post(
        reverse("account-review-add", kwargs={"customer_id": account.customer.pk}),
        {"kind": "day_60", "scheduled_on": days(3).isoformat(), "status": "scheduled"},
    )
    assert refused.status_code == 403


def test_start_freezes_the_plan_and_the_page_shows_the_snapshot(
    kam: Client, account: Account
) -> None:
    review = schedule(account)
    assert "Not started yet" in kam.get(_one(review)).content.decode()
    assert kam.post(_one(review, "account-review-start")).status_code == 302
    kam.post(_one(review, "account-review-start"))
    with workspace_context(account.workspace):
        assert ReviewSnapshot.objects.filter(review=review).count() == 1
    html = kam.get(_one(review)).content.decode()
    assert "Frozen" in html and "These figures never change" in html
    assert "Start the review" not in html


def test_close_locks_the_review(kam: Client, account: Account) -> None:
    review = schedule(account, on=-1)
    response = kam.post(
        _one(review, "account-review-close"),
        {"version": review.version, "held_on": days(-1).isoformat(), "minutes": "Pilot agreed."},
    )
    assert response.status_code == 302
    html = kam.get(_one(review)).content.decode()
    assert "Pilot agreed." in html
    assert "This review is closed" in html
    assert "Edit the review" not in html
    edit = kam.post(
        _one(review, "account-review-edit"),
        {
            "kind": "day_60",
            "scheduled_on": days(1).isoformat(),
            "status": "scheduled",
            "version": 2,
        },
    )
    assert edit.status_code == 400
    assert "no longer changes" in edit.content.decode()


def test_a_stale_edit_offers_keep_mine_or_take_theirs(kam: Client, account: Account) -> None:
    review = schedule(account)
    form = {
        "kind": "management",
        "scheduled_on": days(4).isoformat(),
        "status": "scheduled",
        "agenda": "Mine",
        "version": review.version,
    }
    assert kam.post(_one(review, "account-review-edit"), form).status_code == 302
    stale = kam.post(_one(review, "account-review-edit"), {**form, "agenda": "Also mine"})
    assert stale.status_code == 409
    assert "Keep mine" in stale.content.decode()


def test_the_plan_shows_the_review_log_and_the_next_review(kam: Client, account: Account) -> None:
    review = schedule(account, "day_90", on=12)
    html = kam.get(f"/accounts/{account.customer.pk}/plan/").content.decode()
    log = html.split('id="reviews-title"')[1]
    assert "90-day review" in log
    assert _one(review) in log
    assert _list(account) in log
    overview = html.split("Next review")[1].split("</div>")[0]
    assert "90-day review" in overview


def test_the_list_reads_in_the_same_queries_for_2_and_20_reviews(
    kam: Client, account: Account, world: WorkspaceWorld
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert kam.get(_list(account)).status_code == 200
        return len(queries)

    for n in range(2):
        schedule(account, on=n, our_attendees=[world.a.user("kam")])
    kam.get(_list(account))
    few = count()
    for n in range(18):
        schedule(
            account,
            on=n + 5,
            our_attendees=[world.a.user("kam")],
            customer_attendees=[account.decider],
        )
    assert count() == few


def test_starting_the_plan_on_its_page_schedules_the_cadence(kam: Client, account: Account) -> None:
    response = kam.post(reverse("account-plan-start", kwargs={"customer_id": account.customer.pk}))
    assert response.status_code in (200, 302)
    html = kam.get(_list(account)).content.decode()
    for kind in ("Management review", "60-day review", "90-day review"):
        assert kind in html


def test_a_review_of_another_account_is_not_found_under_this_one(
    kam: Client, account: Account
) -> None:
    with workspace_context(account.workspace):
        theirs = services.review_create(
            workspace=account.workspace,
            customer=account.other,
            kind="management",
            scheduled_on=days(2),
        )
    url = reverse(
        "account-review", kwargs={"customer_id": account.customer.pk, "review_id": theirs.pk}
    )
    assert kam.get(url).status_code == 404
    start = reverse(
        "account-review-start",
        kwargs={"customer_id": account.customer.pk, "review_id": theirs.pk},
    )
    assert kam.post(start).status_code == 404
    with workspace_context(account.workspace):
        assert not ReviewSnapshot.objects.filter(review=theirs).exists()
