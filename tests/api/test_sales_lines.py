"""Sales lines and offerings through the API: same-workspace references, filters, deletes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from accounts.models import Customer, Offering, SalesLine
from kam.tenancy.context import workspace_context
from tests.api.conftest import TokenClient
from tests.factories import WorkspaceWorld


def line_payload(customer_id: int, **extra: object) -> dict[str, object]:
    return {"customer": customer_id, "date": "2025-04-02", "net_sales": "250.00", **extra}


def test_create_sales_line_for_own_customer(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.a.customer and world.a.offering
    response = token_client(world.a, "admin").post(
        "/api/v1/sales-lines/",
        line_payload(world.a.customer.pk, offering=world.a.offering.pk, currency="USD"),
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["customer"], body["offering"], body["net_sales"], body["currency"]) == (
        world.a.customer.pk,
        world.a.offering.pk,
        "250.00",
        "USD",
    )
    assert body["source_key"].startswith("api-")


def test_customer_of_another_workspace_does_not_exist(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.b.customer and world.b.offering and world.a.customer
    client = token_client(world.a, "admin")

    response = client.post("/api/v1/sales-lines/", line_payload(world.b.customer.pk), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "customer": [f"Customer {world.b.customer.pk} does not exist."]
    }

    response = client.post(
        "/api/v1/sales-lines/",
        line_payload(world.a.customer.pk, offering=world.b.offering.pk),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["offering"] == [
        f"Offering {world.b.offering.pk} does not exist."
    ]
    with workspace_context(world.a.workspace):
        assert SalesLine.objects.count() == 1


def test_moving_a_line_to_another_workspaces_customer_is_refused(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.a.sales_line and world.b.customer
    response = token_client(world.a, "admin").patch(
        f"/api/v1/sales-lines/{world.a.sales_line.pk}/",
        {"customer": world.b.customer.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["errors"]["customer"][0]


def test_sales_line_validation_messages(world: WorkspaceWorld, token_client: TokenClient) -> None:
    response = token_client(world.a, "admin").post(
        "/api/v1/sales-lines/",
        {"customer": "abc", "date": "2025-13-01", "net_sales": "lots", "currency": "euro"},
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"customer", "date", "net_sales", "currency"}
    assert errors["currency"] == ["Use a three-letter ISO 4217 code in capitals, e.g. EUR."]


def test_filter_lines_by_customer_and_date_range(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    with workspace_context(world.a.workspace):
        other = Customer.objects.create(external_id="a-C2", name="Other")
        for day, customer in [(5, world.a.customer), (20, world.a.customer), (10, other)]:
            SalesLine.objects.create(
                customer=customer,
                date=datetime.date(2025, 5, day),
                net_sales=Decimal(day),
                source_key=f"may-{day}",
            )
    assert world.a.customer
    client = token_client(world.a, "viewer")

    def keys(query: str) -> list[str]:
        response = client.get(f"/api/v1/sales-lines/?{query}")
        assert response.status_code == 200, response.json()
        return [row["source_key"] for row in response.json()["results"]]

    assert keys(f"customer={world.a.customer.pk}") == ["may-20", "may-5", "a-L1"]
    assert keys("date_from=2025-05-01&date_to=2025-05-10") == ["may-10", "may-5"]
    assert keys(f"customer={other.pk}&date_from=2025-05-11") == []
    assert keys("ordering=net_sales&date_from=2025-05-01") == ["may-5", "may-10", "may-20"]


def test_filtering_by_another_workspaces_customer_finds_nothing(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.b.customer
    response = token_client(world.a, "viewer").get(
        f"/api/v1/sales-lines/?customer={world.b.customer.pk}"
    )

    assert response.json()["results"] == []


def test_offering_crud_and_unique_code(world: WorkspaceWorld, token_client: TokenClient) -> None:
    client = token_client(world.a, "admin")

    created = client.post(
        "/api/v1/offerings/", {"code": "SPARES", "name": "Spare parts"}, format="json"
    )
    assert created.status_code == 201
    offering_id = created.json()["id"]

    duplicate = client.post("/api/v1/offerings/", {"code": "SPARES", "name": "x"}, format="json")
    assert duplicate.status_code == 400
    assert list(duplicate.json()["errors"]) == ["code"]

    renamed = client.patch(
        f"/api/v1/offerings/{offering_id}/", {"business_unit": "Parts"}, format="json"
    )
    assert renamed.json()["business_unit"] == "Parts"

    assert client.delete(f"/api/v1/offerings/{offering_id}/").status_code == 204
    with workspace_context(world.a.workspace):
        assert not Offering.objects.filter(pk=offering_id).exists()


def test_offering_in_use_cannot_be_deleted(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.a.offering
    response = token_client(world.a, "admin").delete(f"/api/v1/offerings/{world.a.offering.pk}/")

    assert response.status_code == 409
    assert "still used by 1 open space column and 1 sales line" in response.json()["detail"]
    with workspace_context(world.a.workspace):
        assert Offering.objects.filter(pk=world.a.offering.pk).exists()


def test_other_workspace_sales_line_is_404(
    world: WorkspaceWorld, token_client: TokenClient
) -> None:
    assert world.b.sales_line
    client = token_client(world.a, "admin")
    url = f"/api/v1/sales-lines/{world.b.sales_line.pk}/"

    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_a_new_sales_line_refreshes_the_customer_figures(
    world: WorkspaceWorld,
    token_client: TokenClient,
    django_capture_on_commit_callbacks: Any,
    eager_tasks: None,
) -> None:
    """Embedded mode runs the debounced recompute right after the commit."""
    from accounts.models import CustomerYearFigures

    assert world.a.customer
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(world.a, "admin").post(
            "/api/v1/sales-lines/",
            line_payload(world.a.customer.pk, date="2025-06-01", net_sales="300.00"),
            format="json",
        )
    assert response.status_code == 201, response.json()
    with workspace_context(world.a.workspace):
        figures = CustomerYearFigures.objects.get(customer=world.a.customer, year=2025)
    # The factory line (1,200 sales, 700 cost of goods) plus this one (300, no costs).
    assert (figures.net_sales, figures.contribution_margin) == (
        Decimal("1500.00"),
        Decimal("800.00"),
    )
