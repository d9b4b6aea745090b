"""An executive opens the portfolio, reads the matrices, confirms one recommendation and
overrides another with a reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.urls import resolve
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from kam.charts import chart_svg, runtime_bundle
from kam.tenancy.context import workspace_context
from planning.models import PortfolioDecision
from tests.factories import WorkspaceWorld, build_world, name_the_cast
from tests.planning.portfolio.conftest import key_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTS = [
    # name, revenue, margin, upv, quadrant, difficulty, region
    ("Nordhavn Industrial", 980_000, 210_000, 400_000, "friend", 2, "North"),
    ("Borealis Steel", 640_000, 60_000, 900_000, "butterfly", 4, "North"),
    ("Kestrel Foods", 310_000, 95_000, 120_000, "vulture", 2, "South"),
    ("Marlow Chemicals", 150_000, 8_000, 40_000, "stranger", 5, "South"),
    ("Tidewater Ports", 520_000, 140_000, 650_000, "friend", 3, "West"),
]


def _seed() -> WorkspaceWorld:
    with transaction.atomic():
        world = name_the_cast(build_world())
        with workspace_context(world.a.workspace):
            Customer.objects.update(status=CustomerStatus.CUSTOMER)
        for name, revenue, margin, upv, quadrant, difficulty, region in ACCOUNTS:
            key_account(
                world,
                name,
                revenue=revenue,
                margin=margin,
                upv=upv,
                quadrant=quadrant,
                difficulty=difficulty,
                region=region,
            )
        key_account(world, "Quillon Labs", upv=None, difficulty=None)
    # vl-convert starts its JavaScript engine on first use (seconds on a busy machine):
    # start it here so the page's first request is not the one waiting.
    chart_svg({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {}})
    runtime_bundle()
    resolve("/portfolio/")
    import altair  # noqa: F401

    return world


def test_executive_reads_the_matrices_and_decides(
    open_page: Callable[..., Any], screenshot_dir: Path
) -> None:
    world = _seed()
    page = open_page("/portfolio/", user=world.a.executive, width=1440, height=1000)
    for matrix in ("fiocca", "profit", "relationship"):
        expect(
            page.locator(f"#portfolio-{matrix} svg, #portfolio-{matrix} canvas").first
        ).to_be_visible()
    expect(page.locator("[data-not-enough-data]")).to_contain_text("Quillon Labs")
    page.screenshot(path=str(screenshot_dir / "portfolio.png"), full_page=True)

    nordhavn = page.locator('tr[data-account="Nordhavn Industrial"]')
    recommended = nordhavn.locator("[data-recommendation] strong").inner_text().strip().lower()
    nordhavn.get_by_role("button", name=f"Confirm {recommended} for Nordhavn Industrial").click()
    expect(page.get_by_text("recommendation confirmed")).to_be_visible()

    marlow = page.locator('tr[data-account="Marlow Chemicals"]')
    marlow.locator("summary", has_text="Override").click()
    marlow.get_by_role("button", name="Save the override").click()
    marlow = page.locator('tr[data-account="Marlow Chemicals"]')
    expect(marlow.get_by_text("Say why you decide otherwise than recommended.")).to_be_visible()
    options = marlow.locator("select[name=decision] option:not([value=''])")
    marlow.locator("select[name=decision]").select_option(options.first.get_attribute("value"))
    marlow.get_by_label("Why").fill("Their new owner buys centrally; we keep serving them.")
    marlow.get_by_role("button", name="Save the override").click()
    marlow = page.locator('tr[data-account="Marlow Chemicals"]')
    expect(marlow.get_by_text("Overridden")).to_be_visible()
    expect(marlow.get_by_text("Their new owner buys centrally")).to_be_visible()
    page.locator("#portfolio-table").screenshot(path=str(screenshot_dir / "portfolio-table.png"))

    with workspace_context(world.a.workspace):
        assert PortfolioDecision.objects.count() == 2

    # Judging a factor from the table: refused without a reason, saved with one.
    page.get_by_role("link", name="Judge the factors of Kestrel Foods").click()
    prestige = page.locator("#factor-prestige")
    prestige.get_by_label("Score").select_option("5")
    prestige.get_by_role("button", name="Save Prestige").click()
    prestige = page.locator("#factor-prestige")
    expect(prestige.get_by_text("Say why you give this score")).to_be_visible()
    prestige.get_by_label("Why").fill("Supplier of the year award, 2026.")
    prestige.get_by_role("button", name="Save Prestige").click()
    expect(page.get_by_text("Prestige: 5/5 saved for Kestrel Foods.")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "portfolio-factors.png"), full_page=True)
