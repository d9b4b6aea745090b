"""The plan's API: plans, texts and satisfaction entries, with If-Match."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.planning.plan.conftest import Plan

pytestmark = pytest.mark.django_db


def _api(plan: Plan) -> Client:
    return Client(headers={"Authorization": f"Bearer {plan.world.a.access_token_secret}"})


def test_plan_texts_list_by_customer_and_change_with_if_match(plan: Plan) -> None:
    api = _api(plan)
    listed = api.get(f"/api/v1/plan-texts/?customer={plan.customer.pk}").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["topic"] for row in rows] == ["market"]
    row = rows[0]
    assert row["stale"] is False
    url = f"/api/v1/plan-texts/{row['id']}/"
    body = {"text": "Copper demand doubles by 2030."}
    assert api.patch(url, body, content_type="application/json").status_code == 428
    response = api.patch(
        url, body, content_type="application/json", headers={"If-Match": f'"{row["version"]}"'}
    )
    assert response.status_code == 200, response.content
    assert response.json()["text"] == "Copper demand doubles by 2030."
    stale = api.patch(
        url,
        {"text": "Old"},
        content_type="application/json",
        headers={"If-Match": f'"{row["version"]}"'},
    )
    assert stale.status_code == 412
    assert stale.json()["current"]["text"] == "Copper demand doubles by 2030."


def test_plan_texts_create_once_per_topic(plan: Plan) -> None:
    api = _api(plan)
    body = {"customer": plan.customer.pk, "topic": "strategy", "text": "Acquire in Chile."}
    created = api.post("/api/v1/plan-texts/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = api.post("/api/v1/plan-texts/", body, content_type="application/json")
    assert again.status_code == 400
    assert "has that text already" in again.content.decode()


def test_account_plan_owner_changes_with_if_match(plan: Plan) -> None:
    api = _api(plan)
    created = api.post(
        "/api/v1/account-plans/", {"customer": plan.customer.pk}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    row = created.json()
    assert row["owner"] == plan.world.a.user("kam").pk
    found = api.get(f"/api/v1/account-plans/?customer={plan.customer.pk}").json()
    assert (found["results"] if isinstance(found, dict) else found)[0]["id"] == row["id"]
    admin = plan.world.a.user("admin")
    response = api.patch(
        f"/api/v1/account-plans/{row['id']}/",
        {"owner": admin.pk},
        content_type="application/json",
        headers={"If-Match": f'"{row["version"]}"'},
    )
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == admin.pk
    # A PATCH without the owner changes nothing and keeps the owner.
    kept = api.patch(
        f"/api/v1/account-plans/{row['id']}/",
        {},
        content_type="application/json",
        headers={"If-Match": f'"{response.json()["version"]}"'},
    )
    assert kept.status_code == 200 and kept.json()["owner"] == admin.pk
    assert api.delete(f"/api/v1/account-plans/{row['id']}/").status_code == 405


def test_satisfaction_entries_refuse_a_bad_score(plan: Plan) -> None:
    api = _api(plan)
    bad = api.post(
        "/api/v1/satisfaction-entries/",
        {"customer": plan.customer.pk, "measured_on": "2026-01-10", "score": 14},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "0 to 10" in bad.json()["errors"]["score"][0]
    good = api.post(
        "/api/v1/satisfaction-entries/",
        {"customer": plan.customer.pk, "measured_on": "2026-01-10", "score": 7, "source": "Survey"},
        content_type="application/json",
    )
    assert good.status_code == 201, good.content
    entry = good.json()
    gone = api.delete(
        f"/api/v1/satisfaction-entries/{entry['id']}/",
        headers={"If-Match": f'"{entry["version"]}"'},
    )
    assert gone.status_code == 204


def test_the_schema_describes_the_plan_routes(plan: Plan) -> None:
    schema = _api(plan).get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/account-plans/", "/api/v1/plan-texts/", "/api/v1/satisfaction-entries/"):
        assert path in schema
