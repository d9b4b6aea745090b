"""My week in a real browser: the KAM's overdue action, the executive's every-account home."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role
from planning.models import Action, PlanTopic
from planning.plan.my_week import action_url
from tests.factories import WorkspaceWorld, build_world, name_the_cast
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.plan import ActionFactory, PlanTextFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OpenPage = Callable[..., Any]


@pytest.fixture
def story(transactional_db: None) -> tuple[WorkspaceWorld, Action]:
    """Like the demo: a KAM with a calm, an amber and a red account, another KAM's account."""
    with transaction.atomic():
        world = name_the_cast(build_world())
        today = timezone.localdate()
        kam, other = world.a.user(Role.KAM), world.a.user(Role.MEMBER)
        with workspace_context(world.a.workspace):
            accounts = {}
            for name, owner, industry in (
                ("Boreal Minerals AB", kam, "Mining"),
                ("Fjord Paper Mills", kam, "Pulp & Paper"),
                ("Granite Heat & Power", kam, "Power Generation"),
                ("Harbor Shipping SA", other, "Marine & Shipping"),
            ):
                accounts[name] = Customer.objects.create(
                    external_id=f"KA-{name[:5]}",
                    name=name,
                    industry=industry,
                    status=CustomerStatus.KEY_ACCOUNT,
                    owner=owner,
                )
                PlanTextFactory.create(
                    customer=accounts[name], topic=PlanTopic.MARKET, confirmed_on=today
                )
            late = ActionFactory.create(
                customer=accounts["Fjord Paper Mills"],
                title="Send the cost-per-hour comparison to procurement",
                owner=kam,
                due_date=today - datetime.timedelta(days=5),
            )
            ActionFactory.create(
                customer=accounts["Boreal Minerals AB"],
                title="Book the site survey",
                owner=kam,
                due_date=today + datetime.timedelta(days=2),
            )
            PlanTextFactory.create(
                customer=accounts["Fjord Paper Mills"],
                topic=PlanTopic.COMPETITORS,
                confirmed_on=today - datetime.timedelta(days=130),
            )
            StakeholderFactory.create(
                customer=accounts["Granite Heat & Power"],
                name="Sofia Lund",
                roles=["decider"],
                assessed_at=timezone.now(),
            )
            ActionFactory.create(
                customer=accounts["Harbor Shipping SA"],
                title="Renew the repair framework",
                owner=other,
                due_date=today - datetime.timedelta(days=1),
            )
    return world, late


def test_kam_opens_the_overdue_action_from_my_week(
    open_page: OpenPage, story: tuple[WorkspaceWorld, Action], screenshot_dir: Path
) -> None:
    world, late = story
    page = open_page("/", user=world.a.user(Role.KAM))
    week = page.locator("#my-week")
    overdue = week.locator(".my-week-line.is-overdue")
    assert overdue.count() == 1
    assert "Send the cost-per-hour comparison to procurement" in overdue.inner_text()
    assert "5 days overdue" in overdue.inner_text()
    assert "Sofia Lund" in week.inner_text()  # a decider nobody owns
    assert "Harbor Shipping SA" not in week.inner_text()  # someone else's account
    page.screenshot(path=str(screenshot_dir / "home-kam-my-week.png"), full_page=True)
    overdue.get_by_role("link", name="Send the cost-per-hour comparison to procurement").click()
    page.wait_for_load_state()
    # The action's own place: its edit page, or the plan's action list while that is missing.
    opened = urlsplit(page.url)
    fragment = f"#{opened.fragment}" if opened.fragment else ""
    assert opened.path + fragment == action_url(late.customer_id, late.pk)


def test_executive_home_lists_every_key_account(
    open_page: OpenPage, story: tuple[WorkspaceWorld, Action], screenshot_dir: Path
) -> None:
    world, _late = story
    page = open_page("/", user=world.a.user(Role.EXECUTIVE))
    table = page.locator("#key-accounts table")
    names = table.locator("tbody th").all_inner_texts()
    assert names == [
        "Boreal Minerals AB",
        "Fjord Paper Mills",
        "Granite Heat & Power",
        "Harbor Shipping SA",
    ]
    assert "No key accounts are assigned to you yet" not in page.content()
    kams = page.locator("#weeks-per-kam details")
    assert kams.count() == 2
    first = kams.first
    assert not first.locator(".my-week-line").first.is_visible()  # collapsed by default
    page.screenshot(path=str(screenshot_dir / "home-exec.png"), full_page=True)
    first.locator("summary").click()
    assert first.locator(".my-week-line").first.is_visible()
    page.screenshot(path=str(screenshot_dir / "home-exec-open.png"), full_page=True)


def test_accounts_list_marks_what_is_late(
    open_page: OpenPage, story: tuple[WorkspaceWorld, Action], screenshot_dir: Path
) -> None:
    world, _late = story
    page = open_page("/accounts/", user=world.a.user(Role.KAM))
    row = page.locator("tr", has_text="Fjord Paper Mills")
    assert "1 overdue" in row.inner_text()
    assert "1 stale" in row.inner_text()
    assert "Up to date" in page.locator("tr", has_text="Boreal Minerals AB").inner_text()
    page.screenshot(path=str(screenshot_dir / "accounts-list.png"), full_page=True)
