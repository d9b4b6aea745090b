"""A KAM narrows the pipeline to one quadrant and one KAM, then opens an account's matrix."""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Membership, Role
from planning.models import Opportunity, OpportunityTask
from tests.factories import build_world, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KAM_PIPELINE_SHOTS", "/tmp/shots-h4"))
QUALIFIED = {
    "compelling_reason": True,
    "authority_leverage": True,
    "budget_availability": True,
    "supporting_allies": True,
}


def _seed() -> tuple[Any, Customer, Any]:
    today = timezone.localdate()

    def days(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    with transaction.atomic():
        world = build_world()
        workspace = world.a.workspace
        kam2 = make_user("a-kam2", first_name="Jonas", last_name="Berg")
        Membership.objects.create(user=kam2, workspace=workspace, role=Role.KAM)
        kam = world.a.user("kam")
        kam.first_name, kam.last_name = "Karin", "Dahl"
        kam.save()
        with workspace_context(workspace):
            borealis = Customer.objects.create(
                external_id="KA-BOR",
                name="Borealis Steel",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=kam,
            )
            acme = Customer.objects.create(
                external_id="KA-ACM",
                name="Acme Mining",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=kam2,
            )
            deals = [
                (borealis, "Furnace relining", "in_progress", 480_000, 60, days(75), True),
                (
                    borealis,
                    "Cooling-water pumps tender",
                    "in_progress",
                    220_000,
                    45,
                    days(-12),
                    False,
                ),
                (borealis, "Slag handling retrofit", "early_stage", 650_000, 20, days(300), False),
                (
                    borealis,
                    "Energy audit of the rolling mill",
                    "early_stage",
                    60_000,
                    30,
                    days(160),
                    True,
                ),
                (borealis, "Compressed-air network", "delayed", 300_000, 15, days(420), False),
                (
                    borealis,
                    "Digital twin of the compressor house",
                    "long_term",
                    900_000,
                    10,
                    days(800),
                    False,
                ),
                (borealis, "Spare-parts pool", "long_term", 120_000, 10, days(610), False),
                (acme, "Slurry pump fleet", "in_progress", 750_000, 70, days(40), True),
                (acme, "Dewatering pumps", "early_stage", 180_000, 25, days(250), False),
                (acme, "Remote monitoring pilot", "delayed", 90_000, 20, days(30), False),
            ]
            for customer, title, state, value, probability, close, qualified in deals:
                opportunity = Opportunity.objects.create(
                    customer=customer,
                    title=title,
                    state=state,
                    value=Decimal(value),
                    probability=probability,
                    expected_close=close,
                    buying_stage="proposal_evaluation" if state == "in_progress" else "",
                    owner=customer.owner,
                    **(QUALIFIED if qualified else {}),
                )
                OpportunityTask.objects.create(
                    opportunity=opportunity,
                    title=f"Next step on {title.lower()}",
                    owner=customer.owner,
                    due_date=days(-5 if "pumps" in title else 14),
                )
    return world, borealis, kam2


def test_filter_the_pipeline_and_open_the_account_matrix(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    world, _borealis, kam2 = _seed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page("/opportunities/", user=world.a.user("kam"), width=1400, height=900)
    expect(page.get_by_role("heading", name="Pipeline", exact=True)).to_be_visible()
    rows = page.locator(".pipeline-list tbody tr")
    expect(rows).to_have_count(10)
    page.screenshot(path=str(SHOTS / "pipeline-light.png"), full_page=True)

    # Quadrant I only, chosen from the keyboard-usable form.
    page.get_by_label("Quadrant", exact=True).select_option("I")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"quadrant=I\b"))
    expect(rows).to_have_count(3)
    expect(page.locator('[data-total="count"]')).to_have_text("3")

    # ...and one KAM: the filters stay in the URL.
    page.get_by_label("KAM", exact=True).select_option(str(kam2.pk))
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Slurry pump fleet")
    assert "quadrant=I" in page.url and f"kam={kam2.pk}" in page.url
    page.screenshot(path=str(SHOTS / "pipeline-filtered-light.png"), full_page=True)

    # "Mine" in one click: the KAM's own accounts, every quadrant.
    page.get_by_role("link", name="Mine").click()
    expect(rows).to_have_count(7)

    # Sort by value from the keyboard-usable form: the largest deal comes first.
    page.get_by_label("Sort by").select_option("-value")
    page.get_by_role("button", name="Filter").click()
    expect(rows.first).to_contain_text("Digital twin of the compressor house")

    # Open Borealis' prioritization matrix from the breakdown by account.
    page.get_by_role("link", name="Prioritization matrix of Borealis Steel").click()
    expect(page.get_by_role("heading", name="Prioritization matrix")).to_be_visible()
    for code in ("I", "II", "III", "IV"):
        expect(page.locator(f'[data-quadrant="{code}"]')).to_be_visible()
    expect(page.locator(".pm-mark")).to_have_count(7 + 3)  # marks plus the legend's three
    expect(page.locator(".pm-mark.is-overdue")).to_have_count(1 + 1)
    expect(page.get_by_role("link", name="Pipeline", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.screenshot(path=str(SHOTS / "priorities-light.png"), full_page=True)

    with page.expect_response("**/ui/theme/"):
        page.keyboard.press("t")
    page.reload()
    page.screenshot(path=str(SHOTS / "priorities-projector.png"), full_page=True)
    page.goto("/opportunities/")
    page.screenshot(path=str(SHOTS / "pipeline-projector.png"), full_page=True)
