"""In a real browser: two people edit one stakeholder; the stale edit shows, the log keeps both.

The journey the change log exists for: a KAM's save meets a colleague's newer
change, keeps her own after seeing both, and the account's Activity and the
stakeholder's History then tell what happened, in sentences, with names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from tests.factories import build_world
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.buying_center import StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_edit_is_kept_deliberately_and_both_changes_reach_activity_and_history(
    open_page: Callable[..., Any],
    screenshot_dir: Path,
    transactional_db: None,
) -> None:
    with transaction.atomic():
        world = build_world()
        kam, admin = world.a.user("kam"), world.a.user("admin")
        with workspace_context(world.a.workspace):
            account = CustomerFactory.create(
                workspace=world.a.workspace, name="Nordic Ore", key_account=True, owner=kam
            )
            person = StakeholderFactory.create(
                customer=account, name="Ingrid Ortega", title="Buyer", relationship_score=0
            )
    edit = f"/accounts/{account.pk}/stakeholders/{person.pk}/edit/"

    # Both open the form on the same version; the admin saves first.
    mine = open_page(edit, user=kam)
    theirs = open_page(edit, user=admin)
    theirs.fill("input[name=title]", "Head of purchasing")
    theirs.get_by_role("button", name="Save", exact=True).click()
    theirs.wait_for_url(f"**/accounts/{account.pk}/**")

    # The KAM's save is refused, with the admin's value next to hers, nothing lost.
    mine.get_by_label("+ (good)", exact=True).check()
    mine.get_by_role("button", name="Save", exact=True).click()
    conflict = mine.locator(".conflict, [role=alert]").filter(has_text="while you were editing")
    expect(conflict).to_be_visible()
    assert "Head of purchasing" in conflict.inner_text()
    with workspace_context(world.a.workspace):
        assert Stakeholder.objects.get(pk=person.pk).relationship_score == 0

    mine.get_by_role("button", name="Keep mine").click()
    mine.wait_for_url(f"**/accounts/{account.pk}/**")
    with workspace_context(world.a.workspace):
        saved = Stakeholder.objects.get(pk=person.pk)
    assert saved.relationship_score == 1
    # "Keep mine" resubmits the whole form, so the KAM's (older) title wins too:
    # she saw both values side by side before choosing.
    assert saved.title == "Buyer"

    # The account's Activity names both people, newest first.
    mine.goto(f"/accounts/{account.pk}/activity/")
    entries = mine.locator("main li")
    expect(entries.first).to_contain_text("a-kam")
    activity = mine.locator("main").inner_text()
    assert "Ingrid Ortega" in activity
    assert "a-admin" in activity
    assert activity.index("a-kam") < activity.index("a-admin")
    mine.screenshot(path=str(screenshot_dir / "account-activity.png"), full_page=True)

    # The stakeholder's History shows the fields from what to what.
    mine.get_by_role("link", name="History of Ingrid Ortega").first.click()
    history = mine.locator("main").inner_text()
    assert "Head of purchasing" in history
    assert "Buyer" in history
    mine.screenshot(path=str(screenshot_dir / "stakeholder-history.png"), full_page=True)
