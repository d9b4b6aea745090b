"""Fixtures for the job tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Customer, SalesLine
from tests.factories import PASSWORD, Tenant


@pytest.fixture(autouse=True)
def media_in_tmp(settings: object, tmp_path: Path) -> Path:
    # Result files of jobs go to a throw-away folder, never the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


def signed_in(client: Client, tenant: Tenant, role: str = "viewer") -> Client:
    assert client.login(username=tenant.user(role).username, password=PASSWORD)
    return client


def add_sale(
    customer: Customer,
    key: str,
    date: datetime.date,
    net: str,
    cogs: str = "0",
    cts: str = "0",
    currency: str = "EUR",
) -> SalesLine:
    """Call inside the customer's workspace context."""
    return SalesLine.objects.create(
        customer=customer,
        date=date,
        net_sales=Decimal(net),
        cost_of_goods=Decimal(cogs),
        cost_to_serve=Decimal(cts),
        currency=currency,
        source_key=key,
    )
