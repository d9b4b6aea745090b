"""Clients for the API tests: by personal access token or by browser session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from rest_framework.test import APIClient

from kam.api.tokens import AccessToken
from tests.factories import Tenant, WorkspaceWorld

TokenClient = Callable[..., APIClient]


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings: Any) -> None:
    # Throttle counters live in the (possibly shared Redis) cache and ids repeat
    # across tests, so requests of earlier tests would count against later ones.
    # The rate-limit test sets its own small limit and forgets old counts.
    settings.API_RATE_LIMIT = "100000/minute"


def forget_rate_limits(tenant: Tenant) -> None:
    """Drop the throttle history of every member of ``tenant`` (and nothing else)."""
    keys = [f"throttle_user_{user.pk}:{tenant.workspace.pk}" for user in tenant.members.values()]
    cache.delete_many(keys)


def token_for(tenant: Tenant, role: str = "admin", name: str = "test") -> tuple[AccessToken, str]:
    return AccessToken.issue(user=tenant.user(role), workspace=tenant.workspace, name=name)


def bearer_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def token_client(world: WorkspaceWorld) -> TokenClient:
    """``token_client(world.a, "viewer")``: an API client acting as that member by token."""

    def make(tenant: Tenant | None = None, role: str = "admin") -> APIClient:
        _, raw = token_for(tenant or world.a, role)
        return bearer_client(raw)

    return make


def session_client(user: AbstractUser, *, enforce_csrf: bool = False) -> APIClient:
    client = APIClient(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client
