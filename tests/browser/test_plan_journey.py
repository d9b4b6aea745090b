"""In a real browser: a KAM opens an account's plan, edits a profile text, and meets a conflict.

The text saves itself after a pause in typing (no button pressed); a reload shows
it saved. Then two pages of the same plan edit the same text: the second save is
refused with the other person's text shown, and "Keep mine" saves it on top.
Screenshots of the plan in the light and projector themes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus, CustomerYearFigures
from kam.tenancy.context import workspace_context
from planning.models import Opportunity, PlanText
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _account() -> tuple[Any, Customer]:
    with transaction.atomic():
        world = build_world()
        with workspace_context(world.a.workspace):
            customer = Customer.objects.create(
                external_id="KA-NORD",
                name="Nordic Copper",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=world.a.user("kam"),
            )
            year = timezone.localdate().year
            for back, (sales, margin) in enumerate([("1200000", "240000"), ("1100000", "200000")]):
                CustomerYearFigures.objects.create(
                    customer=customer,
                    year=year - 1 - back,
                    net_sales=Decimal(sales),
                    cost_of_goods=Decimal("600000"),
                    cost_to_serve=Decimal("150000"),
                    contribution_margin=Decimal(margin),
                    computed_at=timezone.now(),
                )
            PlanText.objects.create(
                customer=customer,
                topic="competitors",
                text="Metso and Weir in every tender.",
                confirmed_on=timezone.localdate() - datetime.timedelta(days=120),
            )
            Opportunity.objects.create(
                customer=customer,
                title="Mill liner service contract",
                state="in_progress",
                value=Decimal("380000"),
                growth_type="enhance",
            )
    return world, customer


def _market(page: Any) -> Any:
    return page.locator("#text-market textarea")


def test_kam_edits_a_profile_text_and_it_saves_itself(
    open_page: Callable[..., Any], screenshot_dir: Path, transactional_db: None
) -> None:
    world, customer = _account()
    url = f"/accounts/{customer.pk}/plan/"
    page = open_page(url, user=world.a.user("kam"), height=1000)
    expect(page.get_by_role("heading", name="Overview and scorecard")).to_be_visible()
    expect(page.locator("#text-competitors").get_by_text("Stale")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "plan-light.png"), full_page=True)

    _market(page).fill("Copper demand rises with grid investment.")
    # No button: the pause after typing saves it.
    expect(page.locator("#status-market").get_by_text("Saved")).to_be_visible()
    page.reload()
    expect(_market(page)).to_have_value("Copper demand rises with grid investment.")
    expect(page.locator("#status-market")).to_contain_text("Confirmed on")

    # Confirm the stale text unchanged: the stale mark goes.
    page.locator("#text-competitors").get_by_role("button", name="Confirm unchanged").click()
    expect(page.locator("#text-competitors").get_by_text("Confirmed unchanged on")).to_be_visible()
    expect(page.locator("#text-competitors").get_by_text("Stale")).to_have_count(0)

    page.keyboard.press("t")
    expect(page.locator("html")).to_have_attribute("data-theme", "projector")
    page.screenshot(path=str(screenshot_dir / "plan-projector.png"), full_page=False)
    page.keyboard.press("t")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")


def test_two_pages_edit_the_same_text_and_keep_mine_wins(
    open_page: Callable[..., Any], screenshot_dir: Path, transactional_db: None
) -> None:
    world, customer = _account()
    url = f"/accounts/{customer.pk}/plan/"
    mine = open_page(url, user=world.a.user("kam"))
    theirs = open_page(url, user=world.a.user("admin"))

    _market(theirs).fill("Theirs: smelters consolidate.")
    expect(theirs.locator("#status-market").get_by_text("Saved")).to_be_visible()

    _market(mine).fill("Mine: new mines in the north.")
    conflict = mine.locator("#text-market #conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Theirs: smelters consolidate.")
    expect(conflict).to_contain_text("Mine: new mines in the north.")
    mine.screenshot(path=str(screenshot_dir / "plan-conflict.png"))
    conflict.get_by_role("button", name="Keep mine").click()
    expect(mine.locator("#text-market #conflict")).to_have_count(0)
    expect(mine.locator("#text-market").get_by_text("your version is the one kept")).to_be_visible()
    with workspace_context(world.a.workspace):
        saved = PlanText.objects.get(customer=customer, topic="market")
    assert saved.text == "Mine: new mines in the north."
