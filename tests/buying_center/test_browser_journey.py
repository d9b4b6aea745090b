"""In a real browser: a KAM opens an account and adds a stakeholder from the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from planning.plan.links import plan_url
from tests.factories import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kam_adds_a_stakeholder_from_the_keyboard(
    open_page: Callable[..., Any],
    screenshot_dir: Path,
    transactional_db: None,
) -> None:
    with transaction.atomic():
        world = build_world()
        with workspace_context(world.a.workspace):
            account = Customer.objects.create(
                external_id="KA-1",
                name="Nordic Ore",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=world.a.user("kam"),
            )
    page = open_page("/login/")
    page.fill("input[name=username]", "a-kam")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    page.goto("/accounts/")
    # The list links to the account's plan; the buying center is the account's next tab.
    page.get_by_role("link", name="Nordic Ore").click()
    page.wait_for_url(f"**{plan_url(account.pk)}")
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_role("link", name="Add a stakeholder").click()
    page.wait_for_url(f"**/accounts/{account.pk}/stakeholders/new/")
    # The name field has focus: type, tab through, pick roles and a score by keyboard.
    # (Wait for the focus itself: typing before the new page settles would be lost.)
    expect(page.locator("input[name=name]")).to_be_focused()
    page.keyboard.type("Anna Berg")
    page.keyboard.press("Tab")
    page.keyboard.type("Plant director")
    page.get_by_label("Decider").press("Space")
    page.get_by_label("Decider").focus()
    page.locator("input[name=relationship_score]").first.focus()
    page.keyboard.press("5")
    page.get_by_label("Title").press("Enter")
    page.wait_for_url(f"**/accounts/{account.pk}/")
    row = page.locator("#stakeholders tbody tr", has_text="Anna Berg")
    assert "Plant director" in row.inner_text()
    assert "Decider" in row.inner_text()
    assert "++" in row.inner_text()
    page.screenshot(path=str(screenshot_dir / "buying-center-tab.png"), full_page=True)
