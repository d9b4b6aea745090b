"""Optimistic concurrency on customers: ETag, If-Match, 428, 412, no lost update."""

from __future__ import annotations

import pytest

from accounts import services
from accounts.models import Customer
from kam.api.concurrency import VersionConflict
from kam.tenancy.context import workspace_context
from tests.api.conftest import TokenClient
from tests.factories import WorkspaceWorld


def url_of(customer: Customer | None) -> str:
    assert customer is not None
    return f"/api/v1/customers/{customer.pk}/"


def stored(world: WorkspaceWorld) -> Customer:
    assert world.a.customer is not None
    with workspace_context(world.a.workspace):
        return Customer.objects.get(pk=world.a.customer.pk)


def test_read_carries_the_version_as_etag(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.a, "viewer").get(url_of(world.a.customer))

    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_without_if_match_is_428(
    world: WorkspaceWorld, token_client: TokenClient, method: str
) -> None:
    client = token_client(world.a, "admin")

    response = getattr(client, method)(
        url_of(world.a.customer), {"external_id": "a-C1", "name": "Renamed"}, format="json"
    )

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert stored(world).name == "A Mining Group"


def test_if_match_star_is_refused(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.a, "admin").patch(
        url_of(world.a.customer), {"name": "Renamed"}, format="json", HTTP_IF_MATCH="*"
    )

    assert response.status_code == 428


def test_matching_if_match_updates_and_bumps_the_version(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    response = token_client(world.a, "admin").patch(
        url_of(world.a.customer), {"name": "Renamed"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    assert (stored(world).name, stored(world).version) == ("Renamed", 2)


def test_full_update_with_put(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.a, "admin").put(
        url_of(world.a.customer),
        {"external_id": "a-C1", "name": "Put name", "region": "West", "tier": 2},
        format="json",
        HTTP_IF_MATCH='W/"1"',
    )

    assert response.status_code == 200, response.json()
    customer = stored(world)
    assert (customer.name, customer.region, customer.tier, customer.version) == (
        "Put name",
        "West",
        2,
        2,
    )


def test_stale_if_match_is_412_with_the_other_change(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    alice = token_client(world.a, "admin")
    bob = token_client(world.a, "executive")
    url = url_of(world.a.customer)
    etag = alice.get(url)["ETag"]
    assert (
        bob.patch(url, {"region": "Bob's region"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )

    response = alice.patch(url, {"region": "Alice's region"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    body = response.json()
    assert "changed by someone else" in body["detail"]
    assert body["current"]["region"] == "Bob's region"
    assert body["current"]["version"] == 2
    assert response["ETag"] == '"2"'
    assert stored(world).region == "Bob's region"


def test_invalid_input_with_current_version_is_400_not_written(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    response = token_client(world.a, "admin").patch(
        url_of(world.a.customer), {"tier": 0}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 400
    assert stored(world).version == 1


def test_stale_if_match_on_delete_is_412(world: WorkspaceWorld, token_client: TokenClient) -> None:
    client = token_client(world.a, "admin")
    url = url_of(world.a.customer)

    assert client.delete(url, HTTP_IF_MATCH='"7"').status_code == 412
    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 204


def test_update_racing_a_committed_change_is_refused(world: WorkspaceWorld) -> None:
    """Two writers read version 1; the second write must not overwrite the first."""
    with workspace_context(world.a.workspace):
        first_reader = Customer.objects.get(pk=world.a.customer.pk)  # type: ignore[union-attr]
        second_reader = Customer.objects.get(pk=world.a.customer.pk)  # type: ignore[union-attr]
        services.customer_update(
            workspace=world.a.workspace, customer=first_reader, expected_version=1, region="One"
        )
        with pytest.raises(VersionConflict):
            services.customer_update(
                workspace=world.a.workspace,
                customer=second_reader,
                expected_version=1,
                region="Two",
            )
        customer = Customer.objects.get(pk=world.a.customer.pk)  # type: ignore[union-attr]
    assert (customer.region, customer.version) == ("One", 2)
