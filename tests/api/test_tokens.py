"""Personal access tokens: the settings pages, the API, and what a refused token hears."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from kam.api.tokens import AccessToken, hash_token
from kam.workspaces.models import Membership
from tests.api.conftest import bearer_client, session_client, token_for
from tests.factories import WorkspaceWorld


def browser(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- pages -------------------------------------------------------------------


def test_token_page_lists_only_my_tokens_in_this_workspace(world: WorkspaceWorld) -> None:
    token_for(world.a, "kam", name="ERP sync")
    token_for(world.a, "admin", name="Someone else's")
    token_for(world.b, "kam", name="Other workspace")

    response = browser(world.a.user("kam")).get(reverse("tokens"))

    assert response.status_code == 200
    assert [t.name for t in response.context["tokens"]] == ["ERP sync"]
    assert b"Someone else" not in response.content


def test_created_token_secret_is_shown_once_and_works(world: WorkspaceWorld) -> None:
    client = browser(world.a.user("kam"))

    response = client.post(reverse("token-create"), {"name": "Reporting script"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    secret = re.search(rb'value="(kam_[^"]+)"', response.content).group(1).decode()
    token = AccessToken.objects.get(name="Reporting script")
    assert token.key_hash == hash_token(secret)
    assert secret not in {token.key_prefix, token.key_hash}
    assert b"shown only this once" in response.content

    listing = client.get(reverse("tokens"))
    assert secret.encode() not in listing.content
    assert token.key_prefix.encode() in listing.content

    me = bearer_client(secret).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "a-kam"


def test_create_without_name_says_what_is_missing(world: WorkspaceWorld) -> None:
    response = browser(world.a.user("kam")).post(reverse("token-create"), {"name": "   "})

    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not AccessToken.objects.filter(user=world.a.user("kam")).exists()


def test_viewer_may_not_create_tokens(world: WorkspaceWorld) -> None:
    client = browser(world.a.user("viewer"))

    assert client.get(reverse("tokens")).status_code == 403
    assert client.post(reverse("token-create"), {"name": "x"}).status_code == 403
    assert not AccessToken.objects.filter(user=world.a.user("viewer")).exists()


def test_revoke_page_stops_the_token(world: WorkspaceWorld) -> None:
    token, raw = token_for(world.a, "kam")

    response = browser(world.a.user("kam")).post(reverse("token-revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer_client(raw).get("/api/v1/me/").status_code == 401


def test_revoking_someone_elses_token_is_404(world: WorkspaceWorld) -> None:
    colleague_token, _ = token_for(world.a, "admin")
    other_workspace_token, _ = token_for(world.b, "kam")
    client = browser(world.a.user("kam"))

    for token in (colleague_token, other_workspace_token):
        assert client.post(reverse("token-revoke", args=[token.pk])).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


# -- API ---------------------------------------------------------------------


def test_api_lists_own_tokens_without_secrets(world: WorkspaceWorld) -> None:
    mine, raw = token_for(world.a, "kam", name="mine")
    token_for(world.a, "admin", name="colleague")

    response = bearer_client(raw).get("/api/v1/tokens/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["mine"]
    assert rows[0]["key_prefix"] == mine.key_prefix
    assert "key_hash" not in rows[0]


def test_api_revoke_own_token_and_404_for_others(world: WorkspaceWorld) -> None:
    _, raw = token_for(world.a, "kam", name="mine")
    spare, _ = token_for(world.a, "kam", name="spare")
    colleague, _ = token_for(world.a, "admin")
    elsewhere, _ = token_for(world.b, "kam")
    client = bearer_client(raw)

    assert client.delete(f"/api/v1/tokens/{colleague.pk}/").status_code == 404
    assert client.delete(f"/api/v1/tokens/{elsewhere.pk}/").status_code == 404
    assert client.delete(f"/api/v1/tokens/{spare.pk}/").status_code == 204

    spare.refresh_from_db()
    colleague.refresh_from_db()
    assert spare.revoked_at is not None
    assert colleague.revoked_at is None
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert {row["name"]: row["is_active"] for row in listed} == {"mine": True, "spare": False}


def test_revoked_token_gets_401_saying_so(world: WorkspaceWorld) -> None:
    token, raw = token_for(world.a, "kam")
    token.revoke()

    response = bearer_client(raw).get("/api/v1/customers/")

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_of_removed_member_gets_401(world: WorkspaceWorld) -> None:
    _, raw = token_for(world.a, "kam")
    Membership.objects.filter(user=world.a.user("kam"), workspace=world.a.workspace).delete()

    response = bearer_client(raw).get("/api/v1/customers/")

    assert response.status_code == 401
    assert "no longer a member" in response.json()["detail"]


def test_unknown_token_gets_401(world: WorkspaceWorld) -> None:
    response = bearer_client("kam_not-a-real-token").get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["detail"].startswith("Invalid access token")


def test_no_credentials_gets_401(world: WorkspaceWorld) -> None:
    assert bearer_client("").get("/api/v1/customers/").status_code == 401


def test_token_acts_only_in_its_own_workspace(world: WorkspaceWorld) -> None:
    # The user is a member of A only; even if they were in B, the token names A.
    _, raw = token_for(world.a, "admin")

    response = bearer_client(raw).get("/api/v1/customers/")

    assert [row["name"] for row in response.json()["results"]] == ["A Mining Group"]


def test_session_writes_need_the_csrf_token(world: WorkspaceWorld) -> None:
    client = session_client(world.a.user("admin"), enforce_csrf=True)
    payload = {"code": "NEW", "name": "New offering"}

    refused = client.post("/api/v1/offerings/", payload, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    page = client.get(reverse("tokens"))  # any page sets the CSRF cookie
    csrf = page.cookies["csrftoken"].value
    accepted = client.post("/api/v1/offerings/", payload, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


def test_token_writes_need_no_csrf_token(world: WorkspaceWorld) -> None:
    _, raw = token_for(world.a, "admin")
    client = bearer_client(raw)
    client.handler.enforce_csrf_checks = True

    response = client.post("/api/v1/offerings/", {"code": "NEW", "name": "New"}, format="json")

    assert response.status_code == 201
