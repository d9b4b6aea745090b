"""Starting a plan through the API: POST /api/v1/account-plans/start/, with If-Match."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kam.tenancy.context import workspace_context
from planning.models import AccountPlan
from tests.planning.plan.conftest import Plan

pytestmark = pytest.mark.django_db

START = "/api/v1/account-plans/start/"


def _api(plan: Plan) -> Client:
    return Client(headers={"Authorization": f"Bearer {plan.world.a.access_token_secret}"})


def _start(api: Client, customer_id: int, **headers: str) -> Any:
    return api.post(
        START, {"customer": customer_id}, content_type="application/json", headers=headers
    )


def test_start_without_a_plan_row_creates_it_with_a_frozen_baseline(plan: Plan) -> None:
    api = _api(plan)
    answer = _start(api, plan.customer.pk)
    assert answer.status_code == 201, answer.content
    row = answer.json()
    assert row["started_on"] == timezone.localdate().isoformat()
    assert row["baseline"]["opportunities"] >= 1
    assert answer["ETag"] == f'"{row["version"]}"'
    again = _start(api, plan.customer.pk, **{"If-Match": f'"{row["version"]}"'})
    assert again.status_code == 400
    assert "baseline stays frozen" in again.content.decode()


def test_start_of_an_existing_plan_needs_its_etag(plan: Plan) -> None:
    api = _api(plan)
    made = api.post(
        "/api/v1/account-plans/", {"customer": plan.customer.pk}, content_type="application/json"
    ).json()
    missing = _start(api, plan.customer.pk)
    assert missing.status_code == 428
    stale = _start(api, plan.customer.pk, **{"If-Match": '"99"'})
    assert stale.status_code == 412
    assert stale.json()["current"]["started_on"] is None
    started = _start(api, plan.customer.pk, **{"If-Match": f'"{made["version"]}"'})
    assert started.status_code == 200, started.content
    body = started.json()
    assert body["id"] == made["id"]
    assert body["version"] == made["version"] + 1
    with workspace_context(plan.workspace):
        assert AccountPlan.objects.get(pk=made["id"]).started_on == timezone.localdate()


def test_start_refuses_another_workspaces_account_and_viewers(plan: Plan) -> None:
    api = _api(plan)
    other = plan.world.b.customer
    assert other is not None
    answer = _start(api, other.pk)
    assert answer.status_code == 400
    assert "does not exist" in answer.content.decode()
    viewer = plan.client("viewer")
    assert _start(viewer, plan.customer.pk).status_code == 403


def test_start_is_in_the_openapi_schema(plan: Plan) -> None:
    schema = plan.client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert schema.status_code == 200
    assert "/api/v1/account-plans/start/" in text
    assert "Start an account's plan" in text
