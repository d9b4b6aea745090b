"""Small factories for buying-center tests: an account with people in it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from selling_center.models import SellingCenterMember
from tests.browser.conftest import browser, open_page, screenshot_dir  # noqa: F401  (browser journey)
from tests.factories import WorkspaceWorld
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.selling_center import SellingCenterMemberFactory


@pytest.fixture
def account(world: WorkspaceWorld) -> Customer:
    """A key account of workspace A owned by A's KAM."""
    with workspace_context(world.a.workspace):
        return Customer.objects.create(
            external_id="KA-ORE",
            name="Nordic Ore",
            status=CustomerStatus.KEY_ACCOUNT,
            owner=world.a.user("kam"),
        )


@pytest.fixture
def make_person(world: WorkspaceWorld) -> Callable[..., Stakeholder]:
    def _make(customer: Customer, name: str, **fields: Any) -> Stakeholder:
        fields.setdefault("assessed_at", timezone.now() - datetime.timedelta(days=10))
        fields.setdefault("roles", [])
        return StakeholderFactory.create(customer=customer, name=name, **fields)

    return _make


@pytest.fixture
def make_member(world: WorkspaceWorld) -> Callable[..., SellingCenterMember]:
    def _make(customer: Customer, name: str, role: str = "kam") -> SellingCenterMember:
        return SellingCenterMemberFactory.create(customer=customer, name=name, role=role)

    return _make
