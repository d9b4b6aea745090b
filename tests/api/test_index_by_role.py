"""The API index lists only the collections the caller's role may read."""

from __future__ import annotations

from tests.api.conftest import TokenClient
from tests.factories import WorkspaceWorld


def _resources(token_client: TokenClient, world: WorkspaceWorld, role: str) -> dict[str, str]:
    response = token_client(world.a, role).get("/api/v1/")
    assert response.status_code == 200
    return response.json()["resources"]


def test_a_kam_is_not_offered_imports(world: WorkspaceWorld, token_client: TokenClient) -> None:
    resources = _resources(token_client, world, "kam")
    assert "imports" not in resources
    assert {"customers", "tokens", "jobs", "me"} <= set(resources)
    assert token_client(world.a, "kam").get("/api/v1/imports/").status_code == 403


def test_an_admin_is_offered_imports(world: WorkspaceWorld, token_client: TokenClient) -> None:
    resources = _resources(token_client, world, "admin")
    assert resources["imports"] == "http://testserver/api/v1/imports/"


def test_every_listed_collection_answers_the_caller(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    for role in ("admin", "executive", "kam", "member", "viewer"):
        client = token_client(world.a, role)
        for name, url in _resources(token_client, world, role).items():
            if name in {"schema", "docs", "redoc"}:
                continue
            status = client.get(url).status_code
            assert status not in {401, 403, 404}, (role, name, status)
