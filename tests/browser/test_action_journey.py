"""A KAM adds an action to an account, marks it done with one click and sees it done."""

from __future__ import annotations

import datetime
import os
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
from planning.models import Action, Opportunity
from tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KAM_ACTION_SHOTS", "/tmp/shots-actions"))


def _seed() -> tuple[Any, Customer]:
    today = timezone.localdate()
    with transaction.atomic():
        world = build_world()
        kam = world.a.user("kam")
        kam.first_name, kam.last_name = "Karin", "Dahl"
        kam.save()
        with workspace_context(world.a.workspace):
            borealis = Customer.objects.create(
                external_id="KA-BOR",
                name="Borealis Steel",
                status=CustomerStatus.KEY_ACCOUNT,
                owner=kam,
            )
            relining = Opportunity.objects.create(
                customer=borealis, title="Furnace relining", value=Decimal("200000")
            )
            Action.objects.create(
                customer=borealis,
                opportunity=relining,
                title="Site visit with the application engineer",
                owner=kam,
                due_date=today - datetime.timedelta(days=4),
            )
    return world, borealis


def test_add_an_action_and_complete_it_in_one_click(
    open_page: Callable[..., Any], transactional_db: None
) -> None:
    world, borealis = _seed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page(f"/accounts/{borealis.pk}/plan/actions/", user=world.a.user("kam"), width=1400)
    section = page.locator("#actions")
    expect(section.get_by_role("heading", name="Action plan")).to_be_visible()
    # The opportunity's task is on the account's list, marked overdue.
    late = section.locator("tr", has_text="Site visit with the application engineer")
    expect(late).to_contain_text("Overdue")
    expect(late.get_by_role("link", name="Furnace relining")).to_be_visible()

    section.get_by_text("Add an action").click()
    page.locator("#id_title").fill("Send the relining references")
    page.locator("#id_owner").select_option(label="Karin Dahl")
    page.locator("#id_milestone").fill("Before the tender")
    due = timezone.localdate() + datetime.timedelta(days=10)
    page.locator("#id_due_date").fill(due.isoformat())
    page.locator("#id_opportunity").select_option(label="Furnace relining")
    page.get_by_role("button", name="Add the action").click()

    expect(page.locator(".messages")).to_contain_text(
        "The action “Send the relining references” was added"
    )
    row = page.locator("#actions tbody tr", has_text="Send the relining references")
    expect(row).to_contain_text("Before the tender")
    expect(row).not_to_contain_text("Overdue")
    page.screenshot(path=str(SHOTS / "actions-added.png"), full_page=True)

    row.get_by_role("button", name="Done Send the relining references").click()
    expect(page.locator(".messages")).to_contain_text(
        "The action “Send the relining references” is done."
    )
    done = page.locator(".plan-actions-done")
    done.locator("summary").click()
    finished = done.locator("tr", has_text="Send the relining references")
    expect(finished).to_contain_text("Done")
    expect(finished).to_contain_text(timezone.localdate().strftime("%-d %b %Y"))
    page.screenshot(path=str(SHOTS / "actions-done.png"), full_page=True)
