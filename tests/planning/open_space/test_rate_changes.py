"""A changed exchange rate reaches the Open Space UPV at once, whichever way it changes.

Sales lines in a foreign currency count for a cell only when a rate converts
them, so a rate added, edited or deleted can open or close cells. The UPV fed
back to the account must follow immediately, not at the nightly refresh.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Customer, ExchangeRate, ImportStatus
from kam.tenancy.context import workspace_context
from planning.models import OpenSpace
from planning.open_space.selectors import open_space_matrix
from planning.open_space.services import open_spaces
from tests.accounts.imports.conftest import Importer
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    LAST_YEAR,
    add_sales,
    cell_at,
    fill_oil_field_potentials,
    oil_field_open_space,
)

pytestmark = pytest.mark.django_db

#: Pressure pumping in Europe: 3M potential, open while it has no (converted) sales.
OPEN_UPV = Decimal("9750000.00")
CLOSED_UPV = Decimal("6750000.00")


@pytest.fixture
def dollar_sale(world: WorkspaceWorld) -> tuple[OpenSpace, ExchangeRate]:
    """A USD sale in Europe last June, and a USD rate only from July on: not counted yet."""
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        fill_oil_field_potentials(world.a, open_space)
        rate = ExchangeRate.objects.create(
            currency="USD", valid_from=datetime.date(LAST_YEAR, 7, 1), rate=Decimal("0.9")
        )
        add_sales(
            world.a, segment="Europe", offering="Pressure Pumping", amount="10", currency="USD"
        )
        open_spaces.upv_refresh(workspace_id=world.a.workspace.pk)
        assert _upv(open_space) == OPEN_UPV
    return open_space, rate


def _upv(open_space: OpenSpace) -> Decimal | None:
    return Customer.objects.get(pk=open_space.customer_id).upv_open_space


def _europe_pressure_pumping_sales(open_space: OpenSpace) -> Decimal | None:
    matrix = open_space_matrix(OpenSpace.objects.get(pk=open_space.pk))
    return matrix.cells[cell_at(open_space, "Europe", "Pressure Pumping")].sales


def _admin(world: WorkspaceWorld) -> Client:
    client = Client()
    client.force_login(world.a.user("admin"))
    return client


def test_editing_a_rate_on_the_settings_page_refreshes_the_upv(
    world: WorkspaceWorld,
    dollar_sale: tuple[OpenSpace, ExchangeRate],
    django_capture_on_commit_callbacks: Any,
) -> None:
    open_space, rate = dollar_sale
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin(world).post(
            reverse("valuation:exchange_rate_edit", args=[rate.pk]),
            {"currency": "USD", "valid_from": f"{LAST_YEAR}-01-01", "rate": "0.9"},
        )
    assert response.status_code == 302
    with workspace_context(world.a.workspace):
        # The June line now converts: Europe bought pressure pumping, the cell is closed.
        assert _europe_pressure_pumping_sales(open_space) == Decimal("9.00")
        assert _upv(open_space) == CLOSED_UPV


def test_adding_then_deleting_a_rate_on_the_settings_page_refreshes_the_upv(
    world: WorkspaceWorld,
    dollar_sale: tuple[OpenSpace, ExchangeRate],
    django_capture_on_commit_callbacks: Any,
) -> None:
    open_space, _ = dollar_sale
    admin = _admin(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("valuation:exchange_rate_add"),
            {"currency": "USD", "valid_from": f"{LAST_YEAR}-06-01", "rate": "0.5"},
        )
    assert response.status_code == 302
    with workspace_context(world.a.workspace):
        assert _europe_pressure_pumping_sales(open_space) == Decimal("5.00")
        assert _upv(open_space) == CLOSED_UPV
        june = ExchangeRate.objects.get(currency="USD", valid_from=datetime.date(LAST_YEAR, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("valuation:exchange_rate_delete", args=[june.pk]))
    assert response.status_code == 302
    with workspace_context(world.a.workspace):
        assert _upv(open_space) == OPEN_UPV


def test_editing_a_rate_through_the_api_refreshes_the_upv(
    world: WorkspaceWorld, dollar_sale: tuple[OpenSpace, ExchangeRate]
) -> None:
    open_space, rate = dollar_sale
    client = _admin(world)
    response = client.patch(
        f"/api/v1/exchange-rates/{rate.pk}/",
        {"valid_from": f"{LAST_YEAR}-01-01"},
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    with workspace_context(world.a.workspace):
        assert _upv(open_space) == CLOSED_UPV


def test_importing_exchange_rates_refreshes_the_upv(
    world: WorkspaceWorld,
    dollar_sale: tuple[OpenSpace, ExchangeRate],
    django_capture_on_commit_callbacks: Any,
    eager_tasks: None,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    open_space, _ = dollar_sale
    importer = Importer(_admin(world), world, django_capture_on_commit_callbacks)
    rates = f"currency,valid from,rate\nUSD,{LAST_YEAR}-01-01,0.9\n".encode()
    batch = importer.run("exchange_rates", "rates.csv", rates)
    assert batch.status == ImportStatus.APPLIED, batch.summary
    with workspace_context(world.a.workspace):
        assert _upv(open_space) == CLOSED_UPV
