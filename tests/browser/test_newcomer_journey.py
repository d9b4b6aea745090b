"""Issue 10, "Done when": as ``kam`` in the demo, a newcomer opens a key account, lands
on its plan, sees why it is amber, fixes one reason in two clicks and sees health change.

The demo is built as ``manage.py demo`` builds it; the KAM's amber account is the one
the demo makes amber (stale sections and two overdue actions), found by its rating.
"""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Customer
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Membership, Workspace
from planning.models import AccountHealth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo() -> tuple[Workspace, Any, Customer]:
    call_command("demo", "--customers", "50", "--seed", "3", stdout=StringIO())
    workspace = Workspace.objects.get(slug="nordhavn")
    kam = Membership.objects.get(workspace=workspace, user__username="kam").user
    with workspace_context(workspace):
        amber = AccountHealth.objects.select_related("customer").get(
            computed_rating="amber", customer__owner=kam
        )
        return workspace, kam, amber.customer


def test_newcomer_fixes_why_an_account_is_amber(
    open_page: Callable[..., Any], eager_tasks: None, screenshot_dir: Path
) -> None:
    workspace, kam, customer = _demo()
    page = open_page("/", user=kam)
    # ``kam`` also administers the demo's sandbox, which sorts first: they switch to
    # the real workspace as any member of two workspaces would.
    page.get_by_label("Workspace").select_option(label=workspace.name)
    page.get_by_role("button", name="Switch").click()

    # Home: the KAM's accounts, each with its health; the amber one says so.
    accounts = page.locator("#my-accounts")
    row = accounts.get_by_role("row").filter(has_text=customer.name)
    expect(row.get_by_text("Needs attention")).to_be_visible()
    row.get_by_role("link", name=customer.name).click()

    # The account opens on its plan, the first tab.
    expect(page).to_have_url(f"{page.url.split('/accounts/')[0]}/accounts/{customer.pk}/plan/")
    expect(page.locator('a[aria-current="page"]', has_text="Plan")).to_be_visible()
    health = page.locator("#health")
    expect(health.get_by_text("Needs attention")).to_be_visible()

    # Why: each reason with its evidence, and a way to fix every line.
    overdue = health.locator('[data-reason="overdue_actions"]')
    expect(overdue).to_contain_text("Overdue actions")
    lines = overdue.locator(".health-evidence")
    expect(lines).to_have_count(2)
    expect(lines.first.get_by_role("link", name="Edit the action")).to_be_visible()
    stale = health.locator('[data-reason="stale_plan_sections"]')
    expect(stale.get_by_role("button", name="Confirm unchanged").first).to_be_visible()
    score_before = health.locator("p.field-help", has_text="score ").inner_text()
    page.screenshot(path=str(screenshot_dir / "newcomer-amber-plan.png"), full_page=False)
    health.screenshot(path=str(screenshot_dir / "newcomer-amber-why.png"))

    # Fix the reason "overdue actions": two clicks, one "Done" per overdue action.
    for _ in range(2):
        page.locator('#health [data-reason="overdue_actions"]').get_by_role(
            "button", name="Done"
        ).first.click()
        expect(page.locator(".messages, [role=status], .notice").first).to_contain_text("is done")

    # Health follows at once (the page the fix returns to shows it), and on reload too.
    expect(page.locator("#health").get_by_text("Healthy")).to_be_visible()
    page.reload()
    health = page.locator("#health")
    expect(health.locator('[data-reason="overdue_actions"]')).to_have_count(0)
    expect(health.get_by_text("Healthy")).to_be_visible()
    assert health.locator("p.field-help", has_text="score ").inner_text() != score_before
    health.screenshot(path=str(screenshot_dir / "newcomer-fixed.png"))
    with workspace_context(workspace):
        after = AccountHealth.objects.get(customer=customer)
    assert after.computed_rating == "green"
