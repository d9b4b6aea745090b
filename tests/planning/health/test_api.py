"""Account health in the REST API: read with reasons, override with If-Match."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from planning.health.services import health_recompute
from planning.models import AccountHealth
from tests.api.conftest import _generous_rate_limit, bearer_client, token_for  # noqa: F401
from tests.factories import WorkspaceWorld
from tests.planning.health.conftest import Account

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _client(world: WorkspaceWorld, role: str = "kam") -> APIClient:
    _, raw = token_for(world.a, role)
    return bearer_client(raw)


@pytest.fixture
def computed(account: Account) -> AccountHealth:
    health_recompute(workspace=account.workspace)
    return AccountHealth.objects.get(customer=account.customer)


def test_list_and_read_with_reasons(world: WorkspaceWorld, computed: AccountHealth) -> None:
    api = _client(world, "viewer")
    listed = api.get(f"/api/v1/account-health/?customer={computed.customer_id}")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert row["rating"] == row["computed_rating"] == "green"
    assert row["override_holds"] is False
    unknown = [r for r in row["reasons"] if r["unknown"]]
    assert unknown and all(not r["active"] and r["as_of"] is None for r in unknown)
    one = api.get(f"/api/v1/account-health/{computed.pk}/")
    assert one.status_code == 200
    assert one["ETag"] == f'"{computed.version}"'


def test_override_needs_if_match_and_a_reason(
    world: WorkspaceWorld, computed: AccountHealth
) -> None:
    api = _client(world)
    url = f"/api/v1/account-health/{computed.pk}/"
    body = {"override_rating": "red", "override_reason": "", "override_until": str(TOMORROW)}
    assert api.patch(url, body, format="json").status_code == 428
    refused = api.patch(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert refused.status_code == 400
    assert "Say why" in refused.json()["errors"]["override_reason"][0]
    body["override_reason"] = "Tender announced"
    saved = api.patch(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["rating"], saved.json()["computed_rating"]) == ("red", "green")
    assert saved.json()["override_holds"] is True
    stale = api.patch(url, {"override_rating": ""}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    cleared = api.patch(url, {"override_rating": ""}, format="json", HTTP_IF_MATCH='"2"')
    assert cleared.status_code == 200
    assert cleared.json()["rating"] == "green"


def test_no_create_or_delete(world: WorkspaceWorld, computed: AccountHealth) -> None:
    api = _client(world, "admin")
    assert api.post("/api/v1/account-health/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/account-health/{computed.pk}/").status_code == 405
