"""Small builders for selling-center tests: a key account with people on both sides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from selling_center.models import SellingCenterMember
from tests.factories import Tenant, WorkspaceWorld
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.selling_center import SellingCenterMemberFactory


@pytest.fixture
def in_a(world: WorkspaceWorld) -> Iterator[Tenant]:
    """Run the test body inside workspace A's context."""
    with workspace_context(world.a.workspace):
        yield world.a


def key_account(tenant: Tenant, name: str = "Fjord Paper") -> Customer:
    return CustomerFactory.create(
        workspace=tenant.workspace,
        external_id=f"{tenant.workspace.slug}-{name}",
        name=name,
        key_account=True,
    )


def member(customer: Customer, role: str, **fields: Any) -> SellingCenterMember:
    return SellingCenterMemberFactory.create(customer=customer, role=role, **fields)


def stakeholder(customer: Customer, name: str, **fields: Any) -> Stakeholder:
    fields.setdefault("roles", [])
    return StakeholderFactory.create(customer=customer, name=name, **fields)


def client_for(tenant: Tenant, role: str = "kam") -> Client:
    client = Client()
    client.force_login(tenant.user(role))
    return client


# The API clients and the generous rate limit of the API tests.
from tests.api.conftest import _generous_rate_limit, token_client  # noqa: E402, F401
