"""Needs, decision criteria and challenge questions through the REST API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from kam.tenancy.context import workspace_context
from planning.models import ChallengeQuestion, DecisionCriterion, StakeholderNeed
from selling_center.models import SellingCenterMember
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.planning.analysis.conftest import Deal, fill_analyses

pytestmark = pytest.mark.django_db


def _client(world: WorkspaceWorld, tenant: str = "a", role: str = "kam") -> APIClient:
    _, raw = token_for(getattr(world, tenant), role)
    return bearer_client(raw)


@pytest.fixture
def api(world: WorkspaceWorld) -> APIClient:
    return _client(world)


def _need(deal: Deal, **extra: Any) -> dict[str, Any]:
    return {
        "opportunity": deal.opportunity.pk,
        "stakeholder": deal.decider.pk,
        "kind": "concern",
        "nature": "solution",
        "description": "Downtime",
        "severity": "high",
        **extra,
    }


def test_needs_list_create_update_delete_with_if_match(api: APIClient, deal: Deal) -> None:
    created = api.post("/api/v1/stakeholder-needs/", _need(deal), format="json")
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"'
    assert created.data["check_again"] is True
    url = f"/api/v1/stakeholder-needs/{created.data['id']}/"
    assert api.patch(url, {"status": "addressed"}, format="json").status_code == 428
    changed = api.patch(url, {"status": "addressed"}, format="json", headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.data["status"] == "addressed"
    stale = api.patch(url, {"status": "not_met"}, format="json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.data["current"]["status"] == "addressed"
    listed = api.get("/api/v1/stakeholder-needs/", {"opportunity": deal.opportunity.pk})
    assert [row["id"] for row in listed.data["results"]] == [created.data["id"]]
    assert api.delete(url, headers={"If-Match": '"1"'}).status_code == 412
    assert api.delete(url, headers={"If-Match": '"2"'}).status_code == 204


def test_need_of_another_accounts_stakeholder_is_400_with_the_message(
    api: APIClient, deal: Deal
) -> None:
    answer = api.post(
        "/api/v1/stakeholder-needs/", _need(deal, stakeholder=deal.stranger.pk), format="json"
    )
    assert answer.status_code == 400
    assert answer.data["errors"]["stakeholder"] == [
        "That stakeholder (Carl Dahl) belongs to another account (Acme Mining), not to"
        " Borealis Steel. Choose someone from Borealis Steel's buying center."
    ]


def test_need_bad_input_messages(api: APIClient, deal: Deal) -> None:
    signs = api.post(
        "/api/v1/stakeholder-needs/", _need(deal, high_anxiety=["sweaty_palms"]), format="json"
    )
    assert signs.status_code == 400
    assert "'sweaty_palms'" in signs.data["errors"]["high_anxiety"][0]
    future = api.post(
        "/api/v1/stakeholder-needs/", _need(deal, verified_on="2999-01-01"), format="json"
    )
    assert "in the future" in future.data["errors"]["verified_on"][0]
    no_severity = api.post("/api/v1/stakeholder-needs/", _need(deal, severity=""), format="json")
    assert "A concern needs a severity" in no_severity.data["errors"]["severity"][0]


def test_criteria_relevance_and_is_weak_are_read_only(api: APIClient, deal: Deal) -> None:
    created = api.post(
        "/api/v1/decision-criteria/",
        {
            "opportunity": deal.opportunity.pk,
            "role": "buyer",
            "stakeholder": deal.buyer.pk,
            "group": "core_transactional",
            "name": "Price",
            "importance": 7,
            "difference": 2,
            "relevance": 49,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (created.data["relevance"], created.data["is_weak"], created.data["needs_strategy"]) == (
        14,
        True,
        True,
    )
    url = f"/api/v1/decision-criteria/{created.data['id']}/"
    changed = api.patch(
        url,
        {"vulnerability_strategy": "facilitator", "difference": 3},
        format="json",
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.data["relevance"], changed.data["needs_strategy"]) == (21, False)
    assert changed["ETag"] == '"2"'
    out_of_range = api.patch(url, {"importance": 8}, format="json", headers={"If-Match": '"2"'})
    assert out_of_range.status_code == 400
    assert "between 1 and 7" in out_of_range.data["errors"]["importance"][0]
    zero = api.post(
        "/api/v1/decision-criteria/",
        {
            "opportunity": deal.opportunity.pk,
            "role": "buyer",
            "group": "service",
            "name": "X",
            "importance": 0,
            "difference": 3,
        },
        format="json",
    )
    assert "between 1 and 7" in zero.data["errors"]["importance"][0]
    cross = api.patch(
        url, {"stakeholder": deal.stranger.pk}, format="json", headers={"If-Match": '"2"'}
    )
    assert cross.status_code == 400
    assert "another account (Acme Mining)" in cross.data["errors"]["stakeholder"][0]
    listed = api.get("/api/v1/decision-criteria/", {"opportunity": deal.opportunity.pk})
    assert listed.data["results"][0]["relevance"] == 21
    assert api.delete(url).status_code == 204


def test_challenge_questions_carry_averages_rag_and_gap(
    api: APIClient, world: WorkspaceWorld, deal: Deal
) -> None:
    with workspace_context(deal.workspace):
        SellingCenterMember.objects.create(
            customer=deal.customer, user=world.a.user("member"), role="contributor"
        )
    created = api.post(
        "/api/v1/challenge-questions/",
        {
            "opportunity": deal.opportunity.pk,
            "category": "customer_issues",
            "question": "Why now?",
            "team_confidence": 5,
            "team_implications": 4,
            "team_actions": 4,
            "reviewer": world.a.user("member").pk,
            "reviewer_confidence": 2,
            "reviewer_implications": 3,
            "reviewer_actions": 2,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    data = created.data
    assert (data["team_rag"], data["reviewer_rag"]) == ("green", "red")
    assert data["team_average"] == pytest.approx(4.33)
    assert data["gap"] == pytest.approx(2.0) and data["gap_flagged"] is True
    assert data["reviewer_on_team"] is True
    listed = api.get("/api/v1/challenge-questions/", {"opportunity": deal.opportunity.pk})
    assert listed.data["results"][0]["reviewer_on_team"] is True
    url = f"/api/v1/challenge-questions/{data['id']}/"
    bad = api.patch(url, {"team_actions": 6}, format="json", headers={"If-Match": '"1"'})
    assert bad.status_code == 400
    assert bad.data["errors"]["team_actions"] == [
        "Team actions must be a whole number between 1 and 5; 6 is not."
    ]
    reworded = api.patch(
        url, {"question": "Why did they start now?"}, format="json", headers={"If-Match": '"1"'}
    )
    assert reworded.status_code == 200 and reworded.data["question"] == "Why did they start now?"
    moved = api.patch(url, {"opportunity": 999999}, format="json", headers={"If-Match": '"2"'})
    assert moved.status_code == 400


def test_viewer_reads_but_cannot_write(world: WorkspaceWorld, deal: Deal) -> None:
    viewer = _client(world, role="viewer")
    assert viewer.get("/api/v1/challenge-questions/").status_code == 200
    refused = viewer.post("/api/v1/stakeholder-needs/", _need(deal), format="json")
    assert refused.status_code == 403


def test_workspace_b_sees_none_of_a_and_gets_404(world: WorkspaceWorld, deal: Deal) -> None:
    with workspace_context(deal.workspace):
        need = StakeholderNeed.objects.create(
            opportunity=deal.opportunity,
            stakeholder=deal.buyer,
            kind="expectation",
            nature="relational",
            description="Monthly review",
        )
        criterion = DecisionCriterion.objects.filter(workspace=deal.workspace).first()
        question = ChallengeQuestion.objects.filter(workspace=deal.workspace).first()
    b = _client(world, "b")
    for path, pk in [
        ("stakeholder-needs", need.pk),
        ("decision-criteria", criterion.pk),
        ("challenge-questions", question.pk),
    ]:
        assert b.get(f"/api/v1/{path}/{pk}/").status_code == 404
        ids = [row["id"] for row in b.get(f"/api/v1/{path}/").data["results"]]
        assert pk not in ids
    # B cannot attach a need to A's opportunity either: it "does not exist" for B.
    smuggled = b.post("/api/v1/stakeholder-needs/", _need(deal), format="json")
    assert smuggled.status_code == 400
    assert "does not exist" in str(smuggled.data["errors"]["opportunity"])


@pytest.mark.parametrize("path", ["stakeholder-needs", "decision-criteria", "challenge-questions"])
def test_list_queries_do_not_grow_with_rows(
    api: APIClient, world: WorkspaceWorld, deal: Deal, path: str
) -> None:
    counts = []
    for rows in (3, 27):
        with workspace_context(deal.workspace):
            fill_analyses(deal, world, rows)
        with CaptureQueriesContext(connection) as queries:
            answer = api.get(f"/api/v1/{path}/", {"opportunity": deal.opportunity.pk})
        assert answer.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
