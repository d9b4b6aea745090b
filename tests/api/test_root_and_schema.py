"""API root, "me", rate limits, the OpenAPI schema and the offline docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from rest_framework.test import APIClient

from tests.api.conftest import TokenClient, forget_rate_limits, session_client, token_for
from tests.factories import WorkspaceWorld


def test_root_lists_every_resource(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.a, "admin").get("/api/v1/")  # an admin may use every one

    assert response.status_code == 200
    resources = response.json()["resources"]
    for name in ("me", "tokens", "customers", "offerings", "sales-lines", "schema", "docs"):
        assert name in resources
    assert resources["customers"] == "http://testserver/api/v1/customers/"


def test_me_by_token(world: WorkspaceWorld) -> None:
    _, raw = token_for(world.a, "kam", name="laptop")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    body = client.get("/api/v1/me/").json()

    assert body["user"]["username"] == "a-kam"
    assert body["workspace"]["slug"] == "a"
    assert body["role"] == "kam"
    assert "edit_accounts" in body["capabilities"]
    assert "manage_data" not in body["capabilities"]
    assert body["authenticated_by"] == "token"
    assert body["token"]["name"] == "laptop"


def test_me_by_session(world: WorkspaceWorld) -> None:
    body = session_client(world.b.user("viewer")).get("/api/v1/me/").json()

    assert (body["workspace"]["slug"], body["role"]) == ("b", "viewer")
    assert body["capabilities"] == ["view"]
    assert (body["authenticated_by"], body["token"]) == ("session", None)


def test_signed_in_person_without_membership_is_refused(world: WorkspaceWorld) -> None:
    response = session_client(world.outsider).get("/api/v1/me/")

    assert response.status_code == 403


def test_rate_limit_answers_429_with_retry_after(
    world: WorkspaceWorld, token_client: TokenClient, settings: Any
) -> None:
    settings.API_RATE_LIMIT = "3/minute"
    forget_rate_limits(world.a)
    client = token_client(world.a, "viewer")
    statuses = [client.get("/api/v1/customers/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/customers/")
    assert 0 < int(refused["Retry-After"]) <= 60
    # The bucket is per person and workspace: a colleague is not slowed down.
    assert token_client(world.a, "admin").get("/api/v1/customers/").status_code == 200


def test_schema_validates_without_warnings() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            "/dev/null",
        ],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]


def test_schema_describes_bearer_tokens_and_preconditions(world: WorkspaceWorld) -> None:
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["accessToken"]["scheme"] == "bearer"
    patch = schema["paths"]["/api/v1/customers/{id}/"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])


def _referenced_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_docs_load_nothing_from_outside(world: WorkspaceWorld) -> None:
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = APIClient().get(page)
        assert response.status_code == 200
        html = response.content.decode()
        urls = _referenced_urls(html)
        assert urls, page
        assert all(url.startswith("/static/") for url in urls), (page, urls)
        assert "googleapis" not in html
        assert "cdn" not in html.lower()
        assert "/api/v1/schema/" in html
