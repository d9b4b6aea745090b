"""The selection journey in a real browser: rank, sort, open a candidate, promote with a reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.urls import resolve

from accounts.models import Customer, CustomerStatus, SelectionDecision
from kam.charts import chart_svg, runtime_bundle
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role
from tests.accounts.selection_factories import scored_customer
from tests.factories import WorkspaceWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OpenPage = Callable[..., Any]

CUSTOMERS = [
    # name, region, industry, revenue, composite, quadrant
    ("Nordic Mining Group", "Scandinavia", "Mining", 4_800_000, 0.86, "friend"),
    ("Atlas Cement Holding", "Southern Europe", "Cement", 3_100_000, 0.74, "butterfly"),
    ("Helios Energy Services", "DACH", "Energy", 2_650_000, 0.69, "friend"),
    ("Baltic Ports Authority", "Baltics", "Logistics", 1_900_000, 0.58, "stranger"),
    ("Iberia Steelworks", "Southern Europe", "Steel", 1_200_000, 0.41, "vulture"),
]


@pytest.fixture
def selection_world(transactional_db: None) -> WorkspaceWorld:
    # One transaction: on PostgreSQL the workspace setting row-level security
    # reads is transaction-local, and these tests run in autocommit mode.
    with transaction.atomic():
        world = build_world()
        executive = world.a.user(Role.EXECUTIVE)
        executive.first_name, executive.last_name = "Marta", "Lindqvist"
        executive.save()
        kam = world.a.user(Role.KAM)
        kam.first_name, kam.last_name = "Lena", "Hartmann"
        kam.save()
        with workspace_context(world.a.workspace):
            Customer.objects.filter(pk=world.a.customer.pk).delete()
            for number, (name, region, industry, revenue, composite, quadrant) in enumerate(
                CUSTOMERS
            ):
                scored_customer(
                    world.a.workspace,
                    name=name,
                    region=region,
                    industry=industry,
                    revenue=revenue,
                    composite=composite,
                    quadrant=quadrant,
                    owner=kam if number < 2 else None,
                    revenue_rank=number + 1,
                    clv_transactional=revenue * 1.6 if number % 2 == 0 else None,
                    upv_source="open_space" if number == 0 else "estimate",
                )
            # A long tail, so the Pareto curve looks like a real customer base.
            for number in range(60):
                scored_customer(
                    world.a.workspace,
                    name=f"Tail customer {number:02}",
                    revenue=900_000 / (number + 1),
                    composite=0.3 - number / 400,
                    quadrant=("stranger", "friend", "butterfly", "vulture")[number % 4],
                )
    # vl-convert starts its JavaScript engine on first use (seconds on a busy
    # machine); start it here so the page's first request is not the one waiting.
    # The same for the URL map and the scoring and charting libraries it loads.
    chart_svg({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {}})
    runtime_bundle()
    resolve("/selection/")
    import altair  # noqa: F401

    import accounts.scores  # noqa: F401

    return world


def _shoot(page: Any, screenshot_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)


def test_executive_sorts_opens_a_candidate_and_promotes_it(
    open_page: OpenPage, selection_world: WorkspaceWorld, screenshot_dir: Path
) -> None:
    world = selection_world
    page = open_page("/selection/", user=world.a.user(Role.EXECUTIVE), width=1440, height=900)
    # The Pareto chart is drawn by the bundled Vega runtime, not only the fallback.
    page.wait_for_selector("#pareto-chart.chart-ready svg")
    sentence = page.get_by_test_id("pareto-sentence").inner_text()
    assert sentence.endswith("of 3-year revenue (65 customers in all).")
    _shoot(page, screenshot_dir, "selection-list-light")

    page.get_by_role("link", name="Revenue 3 y").click()
    page.wait_for_url("**/selection/?sort=revenue")
    first = page.locator("tbody tr").first
    assert "Nordic Mining Group" in first.inner_text()

    page.get_by_role("link", name="Atlas Cement Holding").click()
    page.wait_for_url("**/selection/customers/*/")
    assert page.locator("h1").inner_text() == "Atlas Cement Holding"
    _shoot(page, screenshot_dir, "selection-candidate-light")

    page.get_by_role("link", name="Promote to key account…").click()
    assert "Atlas is a butterfly" not in page.content()  # the full name is used
    assert "Atlas Cement Holding is a butterfly, not a friend" in page.content()
    page.get_by_label("Reason (required)").fill("Reference customer for the new cement line.")
    page.get_by_label("I have read the warnings").check()
    _shoot(page, screenshot_dir, "selection-promote-light")
    page.get_by_role("button", name="Promote to key account").click()
    page.wait_for_url("**/selection/customers/*/")
    assert "promoted to key account" in page.content()
    assert "Reference customer for the new cement line." in page.content()

    # A transaction: row-level security reads a transaction-local setting.
    with transaction.atomic(), workspace_context(world.a.workspace):
        customer = Customer.objects.get(name="Atlas Cement Holding")
        assert customer.status == CustomerStatus.KEY_ACCOUNT
        decision = SelectionDecision.objects.get(customer=customer)
    assert decision.decided_by == world.a.user(Role.EXECUTIVE)


def test_selection_on_the_projector(
    open_page: OpenPage, selection_world: WorkspaceWorld, screenshot_dir: Path
) -> None:
    page = open_page("/selection/", user=selection_world.a.user(Role.EXECUTIVE), width=1280)
    page.context.add_cookies([{"name": "kam_theme", "value": "projector", "url": page.url}])
    page.reload()
    assert page.locator("html").get_attribute("data-theme") == "projector"
    page.wait_for_selector("#pareto-chart.chart-ready svg")
    _shoot(page, screenshot_dir, "selection-list-projector")
