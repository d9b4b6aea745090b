"""The portfolio in the API: positions read-only, decisions read, confirmed and overridden."""

from __future__ import annotations

from rest_framework.test import APIClient

from accounts.models import Customer, CustomerStatus
from planning.models import PortfolioDecision
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.planning.portfolio.conftest import key_account


def _api(world: WorkspaceWorld, role: str) -> APIClient:
    _, raw = token_for(world.a, role)
    return bearer_client(raw)


def _only(world: WorkspaceWorld) -> None:
    Customer.objects.filter(workspace=world.a.workspace).update(status=CustomerStatus.CUSTOMER)


def test_positions_name_what_is_missing_and_a_kam_gets_own_accounts(world: WorkspaceWorld) -> None:
    _only(world)
    key_account(world, "Nordhavn")
    key_account(world, "Unjudged", difficulty=None, owner_role="member")
    answer = _api(world, "executive").get("/api/v1/portfolio/")
    assert answer.status_code == 200, answer.content
    rows = {row["name"]: row for row in answer.json()}
    assert rows["Nordhavn"]["recommendation"] == "maintain"
    assert rows["Nordhavn"]["profit"] == "desirable"
    assert rows["Unjudged"]["fiocca"] is None
    assert rows["Unjudged"]["missing"]["fiocca"] == ["no difficulty factor judged yet"]
    mine = _api(world, "kam").get("/api/v1/portfolio/").json()
    assert [row["name"] for row in mine] == ["Nordhavn"]
    assert _api(world, "viewer").get("/api/v1/portfolio/").status_code == 403
    assert _api(world, "executive").post("/api/v1/portfolio/", {}).status_code == 405


def test_decisions_confirm_override_and_history(world: WorkspaceWorld) -> None:
    _only(world)
    account = key_account(world, "Nordhavn")
    client = _api(world, "executive")
    confirmed = client.post(
        "/api/v1/portfolio-decisions/",
        {"customer": account.pk, "action": "confirm", "recommendation": "maintain"},
        format="json",
    )
    assert confirmed.status_code == 201, confirmed.content
    refused = client.post(
        "/api/v1/portfolio-decisions/",
        {"customer": account.pk, "action": "override", "decision": "reduce"},
        format="json",
    )
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"] or "reason" in str(refused.json())
    overridden = client.post(
        "/api/v1/portfolio-decisions/",
        {"customer": account.pk, "action": "override", "decision": "reduce", "reason": "Sold."},
        format="json",
    )
    assert overridden.status_code == 201
    assert overridden.json()["overridden"] is True
    history = client.get(f"/api/v1/portfolio-decisions/?customer={account.pk}").json()
    decisions = [row["decision"] for row in history["results"]]
    assert decisions == ["reduce", "maintain"]
    kam = _api(world, "kam").post(
        "/api/v1/portfolio-decisions/",
        {"customer": account.pk, "action": "confirm"},
        format="json",
    )
    assert kam.status_code == 403
    assert PortfolioDecision.objects.count() == 2


def test_factors_are_judged_and_changed_with_if_match(world: WorkspaceWorld) -> None:
    account = key_account(world, "Nordhavn")
    client = _api(world, "kam")
    refused = client.post(
        "/api/v1/portfolio-factors/",
        {"customer": account.pk, "code": "prestige", "score": 6, "reason": ""},
        format="json",
    )
    assert refused.status_code == 400
    assert "score" in str(refused.json()) and "reason" in str(refused.json())
    created = client.post(
        "/api/v1/portfolio-factors/",
        {"customer": account.pk, "code": "prestige", "score": 4, "reason": "Award winner."},
        format="json",
    )
    assert created.status_code == 201, created.content
    row = created.json()
    url = f"/api/v1/portfolio-factors/{row['id']}/"
    stale = client.patch(url, {"score": 2}, format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412
    changed = client.patch(url, {"score": 2}, format="json", HTTP_IF_MATCH=f'"{row["version"]}"')
    assert changed.status_code == 200, changed.content
    assert changed.json()["score"] == 2 and changed.json()["reason"] == "Award winner."
    assert _api(world, "viewer").get("/api/v1/portfolio-factors/").status_code == 403
