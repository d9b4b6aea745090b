"""The opportunity tests' key account (Borealis Steel) and helpers to schedule its reviews."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kam.tenancy.context import workspace_context
from planning.models import Review
from planning.reviews import services
from tests.factories import WorkspaceWorld
from tests.planning.opportunities import conftest as opportunity_world
from tests.planning.opportunities.conftest import Account

account = opportunity_world.account
client_for = opportunity_world.client_for

TODAY = timezone.localdate()


def days(count: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=count)


def schedule(account: Account, kind: str = "management", on: int = 3, **fields: Any) -> Review:
    with workspace_context(account.workspace):
        return services.review_create(
            workspace=account.workspace,
            customer=account.customer,
            kind=kind,
            scheduled_on=days(on),
            **fields,
        )


@pytest.fixture
def kam(world: WorkspaceWorld) -> Client:
    return client_for(world)


__all__ = ["TODAY", "account", "client_for", "days", "kam", "schedule"]
