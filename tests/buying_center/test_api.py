"""Stakeholders, influence links and their history through the REST API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Customer
from buying_center.models import Stakeholder
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: WorkspaceWorld) -> APIClient:
    _, raw = token_for(world.a, "kam")
    return bearer_client(raw)


def test_create_read_and_change_with_if_match(api: APIClient, account: Customer) -> None:
    created = api.post(
        "/api/v1/stakeholders/",
        {
            "customer": account.pk,
            "name": "Anna Berg",
            "roles": ["decider"],
            "relationship_score": 1,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"'
    url = f"/api/v1/stakeholders/{created.data['id']}/"
    assert api.patch(url, {"attitude": "champion"}, format="json").status_code == 428
    changed = api.patch(url, {"attitude": "champion"}, format="json", headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.data["attitude"] == "champion"
    stale = api.patch(url, {"attitude": "opposed"}, format="json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.data["current"]["attitude"] == "champion"
    history = api.get("/api/v1/stakeholder-changes/", {"stakeholder": created.data["id"]})
    fields = sorted(change["field"] for change in history.data["results"])
    assert fields == ["attitude", "relationship_score", "roles"]


def test_bad_input_gets_specific_messages(
    api: APIClient,
    world: WorkspaceWorld,
    account: Customer,
    make_person: Callable[..., Stakeholder],
) -> None:
    anna = make_person(account, "Anna Berg")
    tom = make_person(account, "Tom Li", reports_to=anna)
    cycle = api.patch(
        f"/api/v1/stakeholders/{anna.pk}/",
        {"reports_to": tom.pk},
        format="json",
        headers={"If-Match": '"1"'},
    )
    assert cycle.status_code == 400
    assert cycle.data["errors"]["reports_to"] == [
        "Anna Berg cannot report to Tom Li: Tom already reports to Anna (Tom -> Anna)."
    ]
    score = api.post(
        "/api/v1/stakeholders/",
        {"customer": account.pk, "name": "X", "relationship_score": 5},
        format="json",
    )
    assert score.status_code == 400
    assert "from -2 (--) to 2 (++)" in score.data["errors"]["relationship_score"][0]
    assert world.b.customer is not None
    foreign = api.post(
        "/api/v1/stakeholders/", {"customer": world.b.customer.pk, "name": "X"}, format="json"
    )
    assert foreign.status_code == 400
    assert "does not exist" in foreign.data["errors"]["customer"][0]
    self_link = api.post(
        "/api/v1/influence-links/", {"source": anna.pk, "target": anna.pk}, format="json"
    )
    assert self_link.status_code == 400
    assert "cannot influence themselves" in self_link.data["errors"]["target"][0]


def test_influence_links_crud(
    api: APIClient, account: Customer, make_person: Callable[..., Stakeholder]
) -> None:
    anna = make_person(account, "Anna Berg")
    tom = make_person(account, "Tom Li")
    created = api.post(
        "/api/v1/influence-links/",
        {"source": anna.pk, "target": tom.pk, "strength": 3},
        format="json",
    )
    assert created.status_code == 201, created.content
    url = f"/api/v1/influence-links/{created.data['id']}/"
    assert api.patch(url, {"strength": 1}, format="json").data["strength"] == 1
    assert api.get("/api/v1/influence-links/", {"source": anna.pk}).data["count"] == 1
    assert api.delete(url).status_code == 204


def test_viewer_token_cannot_write(world: WorkspaceWorld, account: Customer) -> None:
    _, raw = token_for(world.a, "viewer")
    client = bearer_client(raw)
    assert client.get("/api/v1/stakeholders/").status_code == 200
    denied = client.post("/api/v1/stakeholders/", {"customer": account.pk, "name": "X"})
    assert denied.status_code == 403
