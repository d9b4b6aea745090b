"""The one layout: landmarks, navigation by role, workspace switcher, theme."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kam.workspaces.models import Membership, Role
from tests.factories import WorkspaceWorld


def _home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    assert nav is not None, "the page has no primary navigation"
    return re.findall(r"<a [^>]*data-nav=[^>]*>([^<]+)</a>", nav.group(0))


def test_layout_has_skip_link_first_and_landmarks(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    html = _home(client)
    body = html.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>", body)
    assert first_link is not None and 'class="skip-link"' in first_link.group(0)
    assert 'href="#main"' in first_link.group(0)
    assert '<main id="main"' in html
    assert '<header class="site-header">' in html
    assert 'aria-label="Primary"' in html


def test_layout_shows_workspace_user_and_sign_out(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    html = _home(client)
    assert "Workspace A" in html
    assert "a-kam" in html
    assert f'action="{reverse("logout")}"' in html
    assert "Sign out" in html


def test_htmx_and_csrf_header_are_wired(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.VIEWER))
    html = _home(client)
    assert "django_htmx/htmx-2.min.js" in html
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html)
    assert token is not None and len(token.group(1)) >= 32


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.ADMIN,
            [
                "Overview",
                "My accounts",
                "Portfolio",
                "Pipeline",
                "Selection",
                "Reviews",
                "Import data",
                "Valuation settings",
                "Members",
                "API tokens",
                "API docs",
            ],
        ),
        (
            Role.EXECUTIVE,
            [
                "Overview",
                "My accounts",
                "Portfolio",
                "Pipeline",
                "Selection",
                "Reviews",
                "Import data",
                "API tokens",
                "API docs",
            ],
        ),
        (
            Role.KAM,
            [
                "Overview",
                "My accounts",
                "Portfolio",
                "Pipeline",
                "Selection",
                "Reviews",
                "API tokens",
                "API docs",
            ],
        ),
        (
            Role.MEMBER,
            [
                "Overview",
                "My accounts",
                "Pipeline",
                "Selection",
                "Reviews",
                "API tokens",
                "API docs",
            ],
        ),
        (Role.VIEWER, ["Overview", "My accounts", "Pipeline", "Selection", "Reviews", "API docs"]),
    ],
)
def test_navigation_follows_the_role(
    client: Client, world: WorkspaceWorld, role: str, expected: list[str]
) -> None:
    client.force_login(world.a.user(role))
    assert _nav_labels(_home(client)) == expected


@pytest.mark.parametrize("role", Role.values)
def test_no_navigation_link_leads_to_a_missing_page(
    client: Client, world: WorkspaceWorld, role: str
) -> None:
    """With the real URL map, items whose page does not exist yet are anchors or absent."""
    client.force_login(world.a.user(role))
    html = _home(client)
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    assert nav is not None
    for href in re.findall(r'href="([^"]+)"', nav.group(0)):
        response = client.get(href.split("#")[0])
        assert response.status_code != 404, href


def test_overview_is_the_current_page_on_home(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    html = _home(client)
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', html)
    assert current == ["Overview"]


def test_moments_link_to_their_page_or_to_a_home_section(
    client: Client, world: WorkspaceWorld
) -> None:
    """A moment with its own page links there; one without links to its home section."""
    client.force_login(world.a.user(Role.KAM))
    html = _home(client)
    assert f'href="{reverse("my-accounts")}"' in html
    assert f'href="{reverse("portfolio")}"' in html
    for anchor in ("reviews",):
        assert f'href="/#{anchor}"' in html
        assert f'id="{anchor}"' in html


def test_switcher_lists_workspaces_only_with_two_or_more(
    client: Client, world: WorkspaceWorld
) -> None:
    person = world.a.user(Role.KAM)
    client.force_login(person)
    assert 'name="workspace_id"' not in _home(client)

    Membership.objects.create(user=person, workspace=world.b.workspace, role=Role.VIEWER)
    html = _home(client)
    assert 'name="workspace_id"' in html
    assert f'action="{reverse("workspace-switch")}"' in html
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', html)
    assert [(name, bool(selected)) for _, selected, name in options] == [
        ("Workspace A", True),
        ("Workspace B", False),
    ]


def test_anonymous_pages_render_without_navigation(client: Client, db: None) -> None:
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-nav"' not in html
    assert "Sign out" not in html
