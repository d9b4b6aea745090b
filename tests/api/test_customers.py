"""Customers through the API: scoping, rights, validation, filters and pages."""

from __future__ import annotations

import pytest

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from tests.api.conftest import TokenClient
from tests.factories import WorkspaceWorld


def add_customers(tenant, count: int, **fields: object) -> None:  # type: ignore[no-untyped-def]
    with workspace_context(tenant.workspace):
        for number in range(count):
            Customer.objects.create(
                external_id=f"X{number:03}", name=f"Customer {number:03}", **fields
            )


def test_list_shows_only_this_workspace(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.b, "viewer").get("/api/v1/customers/")

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["B Mining Group"]


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_workspace_customer_is_404(
    world: WorkspaceWorld, token_client: TokenClient, method: str
) -> None:
    assert world.b.customer is not None
    client = token_client(world.a, "admin")

    response = getattr(client, method)(
        f"/api/v1/customers/{world.b.customer.pk}/",
        {"name": "hijacked"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 404
    with workspace_context(world.b.workspace):
        assert Customer.objects.get(pk=world.b.customer.pk).name == "B Mining Group"


def test_create_returns_the_customer_with_an_etag(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    owner = world.a.user("kam")
    response = token_client(world.a, "executive").post(
        "/api/v1/customers/",
        {"external_id": "C-77", "name": "Nordic Paper", "tier": 1, "owner": owner.pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["tier"], body["owner"], body["version"]) == (
        "Nordic Paper",
        1,
        owner.pk,
        1,
    )
    assert body["status"] == CustomerStatus.CUSTOMER
    assert response["ETag"] == '"1"'
    with workspace_context(world.a.workspace):
        assert Customer.objects.filter(external_id="C-77").exists()


def test_validation_errors_name_the_field(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.a, "admin").post(
        "/api/v1/customers/",
        {"external_id": "a-C1", "name": "", "tier": 7, "status": "vip"},
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name", "tier", "status"}
    assert errors["tier"] == ['"7" is not a valid choice.']


def test_duplicate_external_id_is_a_field_error(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    response = token_client(world.a, "admin").post(
        "/api/v1/customers/", {"external_id": "a-C1", "name": "Twin"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "external_id": ["Another customer of this workspace already has this external id."]
    }


def test_same_external_id_is_fine_in_another_workspace(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    response = token_client(world.b, "admin").post(
        "/api/v1/customers/", {"external_id": "a-C1", "name": "Same number"}, format="json"
    )

    assert response.status_code == 201


def test_owner_from_another_workspace_is_refused(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    stranger = world.b.user("kam")
    response = token_client(world.a, "admin").post(
        "/api/v1/customers/",
        {"external_id": "C-9", "name": "Acme", "owner": stranger.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["owner"] == [
        f"User {stranger.pk} is not a member of this workspace."
    ]


@pytest.mark.parametrize("role", ["viewer", "kam", "member"])
def test_roles_without_manage_data_cannot_write(
    world: WorkspaceWorld, token_client: TokenClient, role: str
) -> None:
    assert world.a.customer is not None
    client = token_client(world.a, role)
    url = f"/api/v1/customers/{world.a.customer.pk}/"

    assert client.get(url).status_code == 200
    assert client.post("/api/v1/customers/", {"external_id": "N", "name": "N"}).status_code == 403
    assert client.patch(url, {"name": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code == 403
    assert client.delete(url).status_code == 403
    with workspace_context(world.a.workspace):
        assert Customer.objects.count() == 1


def test_delete_removes_the_customer(world: WorkspaceWorld, token_client: TokenClient) -> None:
    assert world.a.customer is not None
    response = token_client(world.a, "admin").delete(f"/api/v1/customers/{world.a.customer.pk}/")

    assert response.status_code == 204
    with workspace_context(world.a.workspace):
        assert not Customer.objects.exists()


def test_filters_by_status_region_industry_and_tier(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.a.workspace):
        Customer.objects.create(
            external_id="K1", name="Key One", status="key_account", region="South", tier=1
        )
        Customer.objects.create(
            external_id="K2",
            name="Key Two",
            status="key_account",
            region="North",
            tier=1,
            industry="Mining",
        )
        Customer.objects.create(external_id="P1", name="Prospect", status="candidate", tier=2)
    client = token_client(world.a, "viewer")

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/customers/?{query}")
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names("status=key_account") == ["Key One", "Key Two"]
    assert names("status=key_account&status=candidate") == ["Key One", "Key Two", "Prospect"]
    assert names("status=key_account&region=north") == ["Key Two"]
    assert names("industry=MINING") == ["Key Two"]
    assert names("tier=2") == ["Prospect"]
    assert names("search=key") == ["Key One", "Key Two"]
    assert names("ordering=-name&tier=1") == ["Key Two", "Key One"]


def test_invalid_filter_value_is_a_400(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.a, "viewer").get("/api/v1/customers/?tier=9")

    assert response.status_code == 400
    assert "tier" in response.json()["errors"]


def test_pagination_walks_every_customer_once(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    # Same tier for all: the ordering needs its tie-breaker to page stably.
    add_customers(world.a, 11, tier=2)
    client = token_client(world.a, "viewer")

    seen: list[str] = []
    url: str | None = "/api/v1/customers/?ordering=tier&page_size=5"
    while url:
        body = client.get(url).json()
        assert body["count"] == 12
        seen += [row["external_id"] for row in body["results"]]
        url = body["next"]

    assert len(seen) == 12
    assert len(set(seen)) == 12


def test_page_size_is_capped(world: WorkspaceWorld, token_client: TokenClient) -> None:
    add_customers(world.a, 3)
    body = token_client(world.a, "viewer").get("/api/v1/customers/?page_size=2").json()

    assert len(body["results"]) == 2
    assert body["next"] is not None
