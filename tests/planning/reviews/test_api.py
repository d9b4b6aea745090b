"""Reviews through /api/v1/reviews/ (If-Match) and snapshots through /api/v1/review-snapshots/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kam.tenancy.context import workspace_context
from planning.reviews import services
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.planning.opportunities.conftest import Account
from tests.planning.reviews.conftest import days, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: WorkspaceWorld) -> APIClient:
    _, raw = token_for(world.a, "kam")
    return bearer_client(raw)


def test_review_crud_with_if_match(api: APIClient, account: Account, world: WorkspaceWorld) -> None:
    made = api.post(
        "/api/v1/reviews/",
        {
            "customer": account.customer.pk,
            "kind": "day_60",
            "scheduled_on": days(5).isoformat(),
            "our_attendees": [world.a.user("kam").pk],
            "customer_attendees": [account.decider.pk],
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["our_attendees"] == [world.a.user("kam").pk]
    assert body["customer_attendees"] == [account.decider.pk]
    assert body["snapshot"] is None
    url = f"/api/v1/reviews/{body['id']}/"
    assert api.get(url)["ETag"] == '"1"'
    changed = api.patch(url, {"agenda": "Scorecard"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    stale = api.patch(url, {"agenda": "Older"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    listed = api.get(f"/api/v1/reviews/?customer={account.customer.pk}").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert api.get(f"/api/v1/reviews/?customer={account.other.pk}").json()["results"] == []
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


def test_a_closed_review_refuses_changes(api: APIClient, account: Account) -> None:
    review = schedule(account, on=-1)
    with workspace_context(account.workspace):
        review = services.review_close(
            workspace=account.workspace, review=review, expected_version=review.version, by=None
        )
    refused = api.patch(
        f"/api/v1/reviews/{review.pk}/",
        {"agenda": "Late"},
        format="json",
        HTTP_IF_MATCH=f'"{review.version}"',
    )
    assert refused.status_code == 400
    assert "no longer changes" in str(refused.json())


def test_snapshots_are_read_only(api: APIClient, account: Account) -> None:
    review = schedule(account)
    with workspace_context(account.workspace):
        snapshot = services.review_start(workspace=account.workspace, review=review)
    body = api.get(f"/api/v1/review-snapshots/?review={review.pk}").json()["results"]
    assert [row["content_hash"] for row in body] == [snapshot.content_hash]
    assert body[0]["content"]["schema_version"] == 1
    url = f"/api/v1/review-snapshots/{snapshot.pk}/"
    assert api.patch(url, {"content": {}}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    assert api.get(f"/api/v1/reviews/{review.pk}/").json()["snapshot"] == snapshot.pk
