"""Opportunities, value drivers, contributors and tasks through the REST API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kam.tenancy.context import workspace_context
from planning.models import Opportunity, OpportunityTask, ValueDriver
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.planning.opportunities.conftest import Account

pytestmark = pytest.mark.django_db


def _client(world: WorkspaceWorld, tenant: str = "a", role: str = "kam") -> APIClient:
    _, raw = token_for(getattr(world, tenant), role)
    return bearer_client(raw)


@pytest.fixture
def api(world: WorkspaceWorld) -> APIClient:
    return _client(world)


def test_opportunity_crud_with_if_match(api: APIClient, account: Account) -> None:
    created = api.post(
        "/api/v1/opportunities/",
        {
            "customer": account.customer.pk,
            "title": "Sensor retrofit",
            "value": "1000",
            "probability": 40,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert float(body["weighted_value"]) == 400
    assert body["priority_quadrant"] == "II" and body["is_qualified"] is False
    url = f"/api/v1/opportunities/{body['id']}/"
    assert api.patch(url, {"title": "x"}, format="json").status_code == 428
    changed = api.patch(url, {"title": "Sensor retrofit 2"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    stale = api.patch(url, {"title": "Old"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


def test_opportunity_list_filters(api: APIClient, account: Account) -> None:
    with workspace_context(account.workspace):
        Opportunity.objects.create(
            customer=account.customer,
            title="Qualified one",
            state="in_progress",
            buying_stage="proposal_requests",
            compelling_reason=True,
            authority_leverage=True,
            budget_availability=True,
            supporting_allies=True,
        )

    def titles(query: str) -> set[str]:
        answer = api.get(f"/api/v1/opportunities/?{query}")
        assert answer.status_code == 200, answer.json()
        data = answer.json()
        rows = data["results"] if isinstance(data, dict) else data
        return {row["title"] for row in rows}

    assert titles(f"customer={account.customer.pk}") == {"Furnace relining", "Qualified one"}
    assert titles("qualified=true") == {"Qualified one"}
    assert titles(f"customer={account.customer.pk}&qualified=false") == {"Furnace relining"}
    assert titles("state=in_progress") == {"Qualified one"}
    assert titles("buying_stage=proposal_requests") == {"Qualified one"}


def test_cross_account_cell_and_cabs_without_evidence_are_400(
    api: APIClient, account: Account
) -> None:
    url = f"/api/v1/opportunities/{account.opportunity.pk}/"
    cell = api.patch(
        url, {"open_space_cell": account.other_cell.pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert cell.status_code == 400
    assert "another account (Acme Mining), not to Borealis Steel" in str(cell.json())
    cabs = api.patch(url, {"compelling_reason": True}, format="json", HTTP_IF_MATCH='"1"')
    assert cabs.status_code == 400
    assert "Say what shows the customer has a compelling reason." in str(cabs.json())


def test_value_driver_result_and_formula_errors(api: APIClient, account: Account) -> None:
    payload = {
        "opportunity": account.opportunity.pk,
        "driver": "Higher wafer yield",
        "metric_owner": account.decider.pk,
        "formula": "wafers_per_month * price_per_wafer * yield_gain",
        "inputs": {"wafers_per_month": 2000, "price_per_wafer": 4000, "yield_gain": "3%"},
        "unit": "USD per month",
    }
    created = api.post("/api/v1/value-drivers/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert float(created.json()["result"]) == 240000
    bad = api.post("/api/v1/value-drivers/", {**payload, "formula": "wafer * 2"}, format="json")
    assert bad.status_code == 400
    assert "The formula uses `wafer`, which is not an input." in str(
        bad.json()["errors"]["formula"]
    )
    zero = api.post(
        "/api/v1/value-drivers/", {**payload, "formula": "1 / (yield_gain - 0.03)"}, format="json"
    )
    assert "divides by zero" in str(zero.json()["errors"]["formula"])
    stranger = api.post(
        "/api/v1/value-drivers/", {**payload, "metric_owner": account.stranger.pk}, format="json"
    )
    assert stranger.status_code == 400 and "Acme Mining" in str(stranger.json())
    url = f"/api/v1/value-drivers/{created.json()['id']}/"
    yearly = api.patch(
        url,
        {"formula": "wafers_per_month * 12 * price_per_wafer * yield_gain"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert yearly.status_code == 200 and float(yearly.json()["result"]) == 2880000
    assert api.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


def test_contributors_and_tasks(api: APIClient, account: Account, world: WorkspaceWorld) -> None:
    other = api.post(
        "/api/v1/opportunity-contributors/",
        {"opportunity": account.opportunity.pk, "member": account.other_member.pk},
        format="json",
    )
    assert other.status_code == 400 and "Acme Mining" in str(other.json())
    mine = api.post(
        "/api/v1/opportunity-contributors/",
        {
            "opportunity": account.opportunity.pk,
            "member": account.expert.pk,
            "contribution": "Expert",
        },
        format="json",
    )
    assert mine.status_code == 201
    contributor_url = f"/api/v1/opportunity-contributors/{mine.json()['id']}/"
    assert api.patch(contributor_url, {"contribution": "x"}, format="json").status_code == 428
    lead = api.patch(
        contributor_url, {"contribution": "Lead expert"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert lead.status_code == 200 and lead["ETag"] == '"2"'
    stale = api.patch(
        contributor_url, {"contribution": "Expert again"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412 and stale.json()["current"]["contribution"] == "Lead expert"
    assert api.delete(contributor_url, HTTP_IF_MATCH='"1"').status_code == 412
    assert api.delete(contributor_url, HTTP_IF_MATCH='"2"').status_code == 204
    task = api.post(
        "/api/v1/opportunity-tasks/",
        {
            "opportunity": account.opportunity.pk,
            "title": "Call",
            "due_date": "2020-01-01",
            "owner": world.a.user("kam").pk,
        },
        format="json",
    )
    assert task.status_code == 201 and task.json()["overdue"] is True
    url = f"/api/v1/opportunity-tasks/{task.json()['id']}/"
    done = api.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done.json()["overdue"] is False
    assert api.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412


def test_another_workspace_cannot_see_or_touch(world: WorkspaceWorld, account: Account) -> None:
    with workspace_context(account.workspace):
        driver = ValueDriver.objects.create(
            opportunity=account.opportunity, driver="D", formula="1"
        )
        task = OpportunityTask.objects.create(opportunity=account.opportunity, title="T")
    outsider = _client(world, "b")
    for url in (
        f"/api/v1/opportunities/{account.opportunity.pk}/",
        f"/api/v1/value-drivers/{driver.pk}/",
        f"/api/v1/opportunity-tasks/{task.pk}/",
    ):
        assert outsider.get(url).status_code == 404
    made = outsider.post(
        "/api/v1/opportunities/", {"customer": account.customer.pk, "title": "x"}, format="json"
    )
    assert made.status_code == 400


def test_viewer_reads_but_cannot_write(world: WorkspaceWorld, account: Account) -> None:
    viewer = _client(world, role="viewer")
    assert viewer.get("/api/v1/opportunities/").status_code == 200
    refused = viewer.post(
        "/api/v1/opportunities/", {"customer": account.customer.pk, "title": "x"}, format="json"
    )
    assert refused.status_code == 403


def test_list_queries_do_not_grow_with_rows(api: APIClient, account: Account) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (5, 45):
        with workspace_context(account.workspace):
            for i in range(n):
                o = Opportunity.objects.create(customer=account.customer, title=f"D{i}")
                ValueDriver.objects.create(opportunity=o, driver="D", formula="1")
                OpportunityTask.objects.create(opportunity=o, title="T")
        row_counts = []
        for url in (
            "/api/v1/opportunities/",
            "/api/v1/value-drivers/",
            "/api/v1/opportunity-tasks/",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            row_counts.append(len(queries))
        counts.append(row_counts)
    assert counts[0] == counts[1], counts
