"""Customer scores, scorecard inputs on customers, and selection history through the API."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from accounts.models import Customer, CustomerScore
from kam.tenancy.context import workspace_context
from tests.api.conftest import TokenClient
from tests.factories import WorkspaceWorld


def _scores(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        CustomerScore.objects.all().delete()
        for rank, (name, quadrant, composite, status) in enumerate(
            [
                ("Alpha", "friend", 0.9, "key_account"),
                ("Beta", "vulture", 0.7, "candidate"),
                ("Gamma", "friend", 0.5, "customer"),
            ],
            start=1,
        ):
            customer = Customer.objects.create(external_id=name, name=name, status=status)
            CustomerScore.objects.create(
                customer=customer,
                currency="EUR",
                quadrant=quadrant,
                composite=composite,
                revenue_rank=4 - rank,
                computed_at=timezone.now(),
            )


def test_scores_filter_by_quadrant_and_status_and_order(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    _scores(world)
    client = token_client(world.a, "viewer")

    def names(**params: object) -> list[str]:
        body = client.get("/api/v1/customer-scores/", params).json()
        return [row["customer_name"] for row in body["results"]]

    assert names(ordering="-composite") == ["Alpha", "Beta", "Gamma"]
    assert names(ordering="revenue_rank") == ["Gamma", "Beta", "Alpha"]
    assert names(quadrant="friend", ordering="-composite") == ["Alpha", "Gamma"]
    assert names(status="candidate") == ["Beta"]
    assert set(names(status=["candidate", "key_account"])) == {"Alpha", "Beta"}


def test_scores_are_read_only_and_scoped(world: WorkspaceWorld, token_client: TokenClient) -> None:
    _scores(world)
    with workspace_context(world.b.workspace):
        score_of_b = CustomerScore.objects.get()
    admin = token_client(world.a, "admin")
    assert admin.get(f"/api/v1/customer-scores/{score_of_b.pk}/").status_code == 404
    assert admin.post("/api/v1/customer-scores/", {}, format="json").status_code == 405
    body = admin.get("/api/v1/customer-scores/", {"ordering": "-composite"}).json()
    assert body["results"][0]["recomputing"] is True  # new customers start dirty


def test_customers_carry_their_scorecard_inputs(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.a.customer
    url = f"/api/v1/customers/{world.a.customer.pk}/"
    admin = token_client(world.a, "admin")
    with workspace_context(world.a.workspace):
        Customer.objects.update(scores_dirty=False)
    response = admin.patch(
        url,
        {
            "strategic_importance": 5,
            "strategic_importance_reason": "Sets the standard for the whole industry.",
            "fit_strategic": 4,
            "fit_operational": 3,
            "fit_cultural": 5,
            "upv_estimate": "250000.00",
            "retention_override": "0.95",
        },
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["strategic_importance"], body["fit_cultural"], body["upv_estimate"]) == (
        5,
        5,
        "250000.00",
    )
    assert body["scores_dirty"] is True
    with workspace_context(world.a.workspace):
        assert Customer.objects.get(pk=world.a.customer.pk).retention_override == Decimal("0.95")


def test_scorecard_inputs_are_checked(world: WorkspaceWorld, token_client: TokenClient) -> None:
    assert world.a.customer
    url = f"/api/v1/customers/{world.a.customer.pk}/"
    admin = token_client(world.a, "admin")
    response = admin.patch(
        url,
        {"fit_strategic": 6, "retention_override": "1.5"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["fit_strategic"] == ["Use a whole number from 1 to 5."]
    response = admin.patch(url, {"strategic_importance": 4}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert "needs a written reason" in response.json()["errors"]["strategic_importance_reason"][0]
    response = admin.patch(url, {"retention_override": "1.5"}, format="json", HTTP_IF_MATCH='"1"')
    assert (
        "Override: Retention must be between 0 and 1"
        in (response.json()["errors"]["retention_override"][0])
    )


def test_selection_history_is_readable_and_scoped(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    viewer = token_client(world.a, "viewer")
    decisions = viewer.get("/api/v1/selection-decisions/").json()["results"]
    assert [(row["to_status"], row["reason"]) for row in decisions] == [
        ("candidate", "Large and loyal")
    ]
    reviews = viewer.get("/api/v1/selection-reviews/").json()["results"]
    assert [row["period"] for row in reviews] == ["2025-Q4"]
    other = token_client(world.b, "viewer").get("/api/v1/selection-decisions/").json()
    assert other["results"][0]["id"] != decisions[0]["id"]
    assert (
        viewer.get(f"/api/v1/selection-decisions/{other['results'][0]['id']}/").status_code == 404
    )


def test_promote_refuses_until_warnings_are_acknowledged_then_keeps_the_reason(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.a.customer
    url = "/api/v1/selection-decisions/promote/"
    body = {"customer": world.a.customer.pk, "reason": "Our largest loyal account."}
    assert token_client(world.a, "kam").post(url, body, format="json").status_code == 403
    executive = token_client(world.a, "executive")
    # No score yet: not known to be a friend, so the rules warn.
    refused = executive.post(url, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["warnings"]
    with workspace_context(world.a.workspace):
        assert Customer.objects.get(pk=world.a.customer.pk).status != "key_account"
    accepted = executive.post(url, {**body, "acknowledge_warnings": True}, format="json")
    assert accepted.status_code == 201, accepted.json()
    decision = accepted.json()
    assert (decision["to_status"], decision["reason"]) == (
        "key_account",
        "Our largest loyal account.",
    )
    demoted = executive.post(
        "/api/v1/selection-decisions/demote/",
        {"customer": world.a.customer.pk, "reason": "Merged into a group account."},
        format="json",
    )
    assert demoted.status_code == 201
    assert demoted.json()["to_status"] == "former_key_account"


def test_decisions_need_a_reason_and_a_customer_of_this_workspace(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.a.customer and world.b.customer
    executive = token_client(world.a, "executive")
    url = "/api/v1/selection-decisions/promote/"
    no_reason = executive.post(
        url, {"customer": world.a.customer.pk, "reason": " ", "acknowledge_warnings": True}
    )
    assert no_reason.status_code == 400
    foreign = executive.post(
        url, {"customer": world.b.customer.pk, "reason": "x", "acknowledge_warnings": True}
    )
    assert foreign.status_code == 400
    assert "does not exist" in foreign.json()["errors"]["customer"][0]
