"""A KAM creates an opportunity, qualifies it with CABS and quantifies its value, in a browser."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KAM_OPPORTUNITY_SHOTS", "/tmp/shots-h2"))

CABS = {
    "compelling_reason": "Furnace 3 fails its safety audit in June",
    "authority_leverage": "The plant director asked us for a plan",
    "budget_availability": "Relining is in the approved 2027 capex",
    "supporting_allies": "The maintenance lead backs our bid",
}


def _seed() -> tuple[Any, Customer]:
    with transaction.atomic():
        world = build_world()
        with workspace_context(world.a.workspace):
            customer = Customer.objects.create(
                external_id="KA-BOR",
                name="Borealis Steel",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=world.a.user("kam"),
            )
            Stakeholder.objects.create(
                customer=customer, name="Ines Aalto", title="Plant director", roles=["decider"]
            )
    return world, customer


def test_kam_creates_qualifies_and_quantifies_an_opportunity(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    world, customer = _seed()
    page = open_page(f"/accounts/{customer.pk}/opportunities/", user=world.a.user("kam"))
    expect(page.get_by_text("Borealis Steel has no opportunities yet")).to_be_visible()
    page.screenshot(path=str(SHOTS / "pipeline-empty-light.png"), full_page=True)

    page.get_by_role("link", name="New opportunity").first.click()
    page.locator("#id_title").fill("Furnace 3 relining")
    page.locator("#id_value").fill("250,000")
    page.locator("#id_probability").fill("40")
    page.locator("#id_economic_objectives").fill("Price held, 22 % margin")
    page.screenshot(path=str(SHOTS / "opportunity-form-light.png"), full_page=True)
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_role("heading", name="Furnace 3 relining")).to_be_visible()
    expect(page.locator("#cabs")).to_contain_text("Not qualified: 0 of 4")

    # A tick without evidence is refused with its reason, the tick kept (in place, by htmx).
    page.locator("#id_compelling_reason").check()
    page.get_by_role("button", name="Save CABS").click()
    expect(page.get_by_text("Say what shows the customer has a compelling reason.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "cabs-refused-light.png"), full_page=True)
    expect(page.locator("#id_compelling_reason")).to_be_checked()
    for name, evidence in CABS.items():
        page.locator(f"#id_{name}").check()
        page.locator(f"#id_{name}_evidence").fill(evidence)
    page.get_by_role("button", name="Save CABS").click()
    expect(page.locator("#cabs")).to_contain_text("all four checkpoints hold")
    expect(page.locator("#cabs")).to_contain_text("Qualified")
    expect(page.locator('[data-qualified="yes"]')).to_be_visible()

    # A value driver with an unknown input shows the message, then the right one computes.
    page.locator("#id_driver").fill("Higher furnace availability")
    page.locator("#id_inputs").fill(
        "wafers_per_month = 2,000\nprice_per_wafer = 4,000\nyield_gain = 3%"
    )
    page.locator("#id_formula").fill("wafer * price_per_wafer * yield_gain")
    page.get_by_role("button", name="Add and compute").click()
    expect(
        page.get_by_text("The formula uses `wafer`, which is not an input.", exact=False)
    ).to_be_visible()
    page.screenshot(path=str(SHOTS / "formula-refused-light.png"), full_page=True)
    page.locator("#id_formula").fill("wafers_per_month * price_per_wafer * yield_gain")
    page.locator("#id_formula").press("Enter")
    expect(page.locator('[data-result="240000.00"]')).to_be_visible()
    expect(page.locator("#value-drivers")).to_contain_text("240,000.00")
    page.screenshot(path=str(SHOTS / "opportunity-light.png"), full_page=True)

    with page.expect_response("**/ui/theme/"):
        page.keyboard.press("t")
    page.reload()
    page.screenshot(path=str(SHOTS / "opportunity-projector.png"), full_page=True)
    page.goto(f"/accounts/{customer.pk}/opportunities/")
    expect(page.locator("table")).to_contain_text("Qualified")
    page.screenshot(path=str(SHOTS / "pipeline-projector.png"), full_page=True)
