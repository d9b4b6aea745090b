"""Headless Chromium through Playwright, against pytest-django's live server.

The system Chromium (/usr/bin/chromium, from apt) is used; Playwright's own
browser download is never needed. The tests run when Chromium is present or
when KAM_RUN_BROWSER_TESTS=1 asks for them (CI), and are skipped otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

WANTED = os.environ.get("KAM_RUN_BROWSER_TESTS") == "1" or CHROMIUM.exists()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if WANTED:
        return
    skip = pytest.mark.skip(reason="no Chromium at /usr/bin/chromium (KAM_RUN_BROWSER_TESTS unset)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module.

    While Playwright's sync API is started, its event loop counts as running in
    this thread, so Django refuses ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE is
    set. Both are confined to the module: later tests get Django's usual
    protection back, and no subprocess inherits the variable.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Open a page of the live server, optionally signed in, at a given window width."""
    contexts: list[Any] = []

    def _open(
        path: str = "/", *, user: AbstractUser | None = None, width: int = 1280, height: int = 800
    ) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session_cookie.value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
