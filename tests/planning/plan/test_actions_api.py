"""The account's actions through /api/v1/actions/, and opportunity tasks as actions."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from kam.tenancy.context import workspace_context
from planning.models import Action
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.model_factories.plan import ActionFactory, SwotItemFactory
from tests.planning.opportunities import conftest as opportunity_world
from tests.planning.opportunities.conftest import Account

pytestmark = pytest.mark.django_db

# The opportunity tests' world: Borealis Steel with an opportunity, Acme Mining to refuse.
account = opportunity_world.account


@pytest.fixture
def api(world: WorkspaceWorld) -> APIClient:
    _, raw = token_for(world.a, "kam")
    return bearer_client(raw)


def test_action_crud_with_if_match(api: APIClient, account: Account, world: WorkspaceWorld) -> None:
    with workspace_context(account.workspace):
        swot = SwotItemFactory.create(customer=account.customer)
    made = api.post(
        "/api/v1/actions/",
        {
            "customer": account.customer.pk,
            "title": "Send references",
            "owner": world.a.user("kam").pk,
            "milestone": "Before the tender",
            "due_date": "2020-01-01",
            "swot_item": swot.pk,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["overdue"] is True and body["status"] == "open" and body["swot_item"] == swot.pk
    url = f"/api/v1/actions/{body['id']}/"
    assert api.get(url)["ETag"] == '"1"'
    done = api.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done["ETag"] == '"2"'
    assert done.json()["done_on"] == datetime.date.today().isoformat()
    assert done.json()["overdue"] is False
    stale = api.patch(url, {"title": "Older"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current"]["title"] == "Send references"
    moved = api.patch(url, {"customer": account.other.pk}, format="json", HTTP_IF_MATCH='"2"')
    assert moved.status_code == 400 and "customer" in moved.json()["errors"]
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


def test_a_link_to_another_account_is_refused_on_its_field(
    api: APIClient, account: Account
) -> None:
    refused = api.post(
        "/api/v1/actions/",
        {"customer": account.customer.pk, "title": "Call", "stakeholder": account.stranger.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert "belongs to another account" in str(refused.json()["errors"]["stakeholder"])


def test_list_filters(api: APIClient, account: Account, world: WorkspaceWorld) -> None:
    today = datetime.date.today()
    kam = world.a.user("kam")
    with workspace_context(account.workspace):
        late = ActionFactory.create(
            customer=account.customer, owner=kam, due_date=today - datetime.timedelta(days=1)
        )
        ActionFactory.create(customer=account.customer, due_date=today + datetime.timedelta(1))
        ActionFactory.create(
            customer=account.customer,
            status="done",
            due_date=today - datetime.timedelta(days=9),
        )
        ActionFactory.create(customer=account.customer, title="Undated")
        ActionFactory.create(customer=account.other, owner=kam)

    def ids(query: str) -> set[int]:
        response = api.get(f"/api/v1/actions/?{query}")
        assert response.status_code == 200
        rows = response.json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        return {row["id"] for row in rows}

    customer = f"customer={account.customer.pk}"
    assert len(ids(customer)) == 4
    assert ids(f"{customer}&overdue=true") == {late.pk}
    assert len(ids(f"{customer}&overdue=false")) == 3
    assert len(ids(f"{customer}&status=done")) == 1
    assert late.pk in ids(f"owner={kam.pk}") and len(ids(f"owner={kam.pk}&{customer}")) == 1


def test_opportunity_tasks_are_actions_of_the_account(api: APIClient, account: Account) -> None:
    task = api.post(
        "/api/v1/opportunity-tasks/",
        {"opportunity": account.opportunity.pk, "title": "Site visit", "status": "open"},
        format="json",
    )
    assert task.status_code == 201
    assert set(task.json()) == {
        "id",
        "opportunity",
        "title",
        "owner",
        "due_date",
        "status",
        "overdue",
        "version",
    }
    with workspace_context(account.workspace):
        action = Action.objects.get(pk=task.json()["id"])
        plain = ActionFactory.create(customer=account.customer, title="Not a task")
    assert action.customer_id == account.customer.pk
    assert action.opportunity_id == account.opportunity.pk
    as_action = api.get(f"/api/v1/actions/?opportunity={account.opportunity.pk}").json()
    rows = as_action["results"] if isinstance(as_action, dict) else as_action
    assert [row["title"] for row in rows] == ["Site visit"]
    # An action without an opportunity is no task.
    assert api.get(f"/api/v1/opportunity-tasks/{plain.pk}/").status_code == 404


def test_the_schema_describes_actions(world: WorkspaceWorld) -> None:
    schema = (
        APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    patch = schema["paths"]["/api/v1/actions/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    listed = {p["name"] for p in schema["paths"]["/api/v1/actions/"]["get"]["parameters"]}
    assert {"customer", "owner", "status", "overdue"} <= listed
