"""Journeys through the layout in a real browser: sign-in, keyboard, theme, widths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Role
from tests.factories import PASSWORD, WorkspaceWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OpenPage = Callable[..., Any]


@pytest.fixture
def demo(transactional_db: None) -> WorkspaceWorld:
    """Workspace A with a named KAM who owns three key accounts, plus candidates."""
    # One transaction: on PostgreSQL the workspace setting row-level security
    # reads is transaction-local, and these tests run in autocommit mode.
    with transaction.atomic():
        return _build_demo()


def _build_demo() -> WorkspaceWorld:
    world = build_world()
    kam = world.a.user(Role.KAM)
    kam.first_name, kam.last_name = "Lena", "Hartmann"
    kam.save()
    with workspace_context(world.a.workspace):
        for number, (name, region, tier) in enumerate(
            [
                ("Nordic Mining Group", "Scandinavia", 1),
                ("Atlas Cement Holding", "Southern Europe", 2),
                ("Helios Energy Services", "DACH", 2),
            ]
        ):
            Customer.objects.create(
                external_id=f"KA-{number}",
                name=name,
                region=region,
                tier=tier,
                status=CustomerStatus.KEY_ACCOUNT,
                owner=kam,
            )
        for number in range(4):
            Customer.objects.create(
                external_id=f"CAND-{number}",
                name=f"Candidate {number}",
                status=CustomerStatus.CANDIDATE,
            )
    return world


def _has_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    )


def test_kam_signs_in_and_sees_their_key_accounts(
    open_page: OpenPage, demo: WorkspaceWorld
) -> None:
    page = open_page("/login/")
    page.fill("input[name=username]", "a-kam")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    section = page.locator("#my-accounts")
    assert section.locator("h2").inner_text() == "My accounts"
    assert "Nordic Mining Group" in section.inner_text()
    assert "Scandinavia" in section.inner_text()
    assert page.locator(".topbar-user-name").inner_text() == "Lena Hartmann"


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    open_page: OpenPage, demo: WorkspaceWorld
) -> None:
    page = open_page("/", user=demo.a.user(Role.KAM))
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_projector_theme_persists_after_reload(open_page: OpenPage, demo: WorkspaceWorld) -> None:
    page = open_page("/", user=demo.a.user(Role.KAM))
    html = page.locator("html")
    assert html.get_attribute("data-theme") == "light"
    with page.expect_response("**/ui/theme/") as answer:
        page.get_by_role("button", name="Projector view").click()
    assert answer.value.status == 204
    assert html.get_attribute("data-theme") == "projector"
    page.reload()
    assert page.locator("html").get_attribute("data-theme") == "projector"
    assert page.get_by_role("button", name="Standard view").is_visible()


def test_keyboard_shortcuts_dialog_and_theme_key(open_page: OpenPage, demo: WorkspaceWorld) -> None:
    page = open_page("/", user=demo.a.user(Role.KAM))
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    assert dialog.is_visible()
    assert "Keyboard shortcuts" in dialog.inner_text()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    with page.expect_response("**/ui/theme/"):
        page.keyboard.press("t")
    assert page.locator("html").get_attribute("data-theme") == "projector"


@pytest.mark.parametrize("theme", ["light", "projector"])
def test_no_horizontal_scroll_on_a_1024px_tablet(
    open_page: OpenPage, demo: WorkspaceWorld, live_server: Any, theme: str
) -> None:
    admin = demo.a.user(Role.ADMIN)  # the admin sees the longest navigation
    page = open_page("/", user=admin, width=1024, height=768)
    page.context.add_cookies([{"name": "kam_theme", "value": theme, "url": live_server.url}])
    page.reload()
    assert page.locator("html").get_attribute("data-theme") == theme
    assert not _has_horizontal_scroll(page)


@pytest.mark.parametrize("width", [1024, 1920])
@pytest.mark.parametrize("theme", ["light", "projector"])
def test_screenshots(
    open_page: OpenPage,
    demo: WorkspaceWorld,
    live_server: Any,
    screenshot_dir: Path,
    theme: str,
    width: int,
) -> None:
    """Pictures of home and the component style guide, for a human to look at."""
    page = open_page("/", user=demo.a.user(Role.KAM), width=width, height=900)
    page.context.add_cookies([{"name": "kam_theme", "value": theme, "url": live_server.url}])
    for name, path in (("home", "/"), ("styleguide", "/ui/styleguide/")):
        page.goto(path)
        assert not _has_horizontal_scroll(page)
        target = screenshot_dir / f"{name}-{theme}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 0
