"""The "customer figures" job, end to end in eager mode (no broker)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.customer_figures import customer_figures_request
from accounts.models import Customer, CustomerYearFigures
from kam.tenancy.context import workspace_context
from tests.factories import WorkspaceWorld
from tests.jobs.conftest import add_sale, new_jobs, signed_in


def test_changed_sales_lines_recompute_the_figures(
    world: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    workspace = world.a.workspace
    with workspace_context(workspace):
        customer = world.a.customer
        assert customer is not None
        # Already there (factories): 2025-03-01, net 1200.00, goods 700.00.
        add_sale(customer, "a-return", datetime.date(2025, 6, 1), "-200.00", "-100.00", "30.00")
        add_sale(customer, "a-2024", datetime.date(2024, 2, 1), "500.00", "250.00", "50.00")
        add_sale(customer, "a-usd", datetime.date(2024, 2, 1), "999.00", currency="USD")
        quiet = Customer.objects.create(external_id="a-C2", name="Quiet Customer")
        with django_capture_on_commit_callbacks(execute=True):
            customer_figures_request(workspace=workspace)

    with workspace_context(workspace):
        job = new_jobs(world.a).get()
        figures = {
            f.year: (f.net_sales, f.cost_of_goods, f.cost_to_serve, f.contribution_margin)
            for f in CustomerYearFigures.objects.filter(customer=customer)
        }
        quiet_has_figures = CustomerYearFigures.objects.filter(customer=quiet).exists()
    with workspace_context(world.b.workspace):
        figures_in_b = CustomerYearFigures.objects.count()

    assert job.status == "succeeded", job.error
    assert (job.progress_done, job.progress_total, job.percent) == (2, 2, 100)
    assert figures == {
        # 1200 - 200 = 1000 net; 700 - 100 = 600 goods; 30 to serve; 1000 - 600 - 30
        2025: (Decimal("1000.00"), Decimal("600.00"), Decimal("30.00"), Decimal("370.00")),
        2024: (Decimal("500.00"), Decimal("250.00"), Decimal("50.00"), Decimal("200.00")),
    }
    assert "1 sales lines in USD were left out" in job.message
    assert not quiet_has_figures
    assert figures_in_b == 0


def test_recompute_replaces_old_figures(
    world: WorkspaceWorld, django_capture_on_commit_callbacks: Any
) -> None:
    workspace = world.a.workspace
    with workspace_context(workspace):
        with django_capture_on_commit_callbacks(execute=True):
            customer_figures_request(workspace=workspace)
        assert world.a.sales_line is not None
        world.a.sales_line.delete()
        with django_capture_on_commit_callbacks(execute=True):
            customer_figures_request(workspace=workspace)
        assert list(new_jobs(world.a).values_list("status", flat=True)) == [
            "succeeded",
            "succeeded",
        ]
        assert not CustomerYearFigures.objects.exists()


def test_the_result_csv_downloads_for_members_only(
    world: WorkspaceWorld, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with workspace_context(world.a.workspace):
        with django_capture_on_commit_callbacks(execute=True):
            customer_figures_request(workspace=world.a.workspace)
        job = new_jobs(world.a).get()

    response = signed_in(client, world.a).get(reverse("job-download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[:2] == [
        "Customer number,Customer,Year,Net sales (EUR),Cost of goods (EUR),"
        "Cost to serve (EUR),Contribution margin (EUR),Sales lines",
        "a-C1,A Mining Group,2025,1200.00,700.00,0.00,500.00,1",
    ]

    client.logout()
    other = signed_in(client, world.b).get(reverse("job-download", args=[job.pk]))
    assert other.status_code == 404


def test_a_person_with_data_rights_can_start_a_recompute(
    world: WorkspaceWorld, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("job-start", args=["customer_figures"])
    assert signed_in(client, world.a, "viewer").post(url).status_code == 403
    client.logout()
    signed_in(client, world.a, "admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    with workspace_context(world.a.workspace):
        job = new_jobs(world.a).get()
    assert response["Location"] == reverse("job-status", args=[job.pk])
    assert job.status == "succeeded"
    assert job.requested_by == world.a.user("admin")
