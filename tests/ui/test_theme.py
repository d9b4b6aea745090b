"""The display theme: chosen with a cookie, switched by a small view."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kam.workspaces.models import Role
from tests.factories import WorkspaceWorld


def _theme_attribute(client: Client) -> str:
    html = client.get(reverse("home")).content.decode()
    return html.split('<html lang="en" data-theme="', 1)[1].split('"', 1)[0]


def test_light_theme_by_default(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    assert _theme_attribute(client) == "light"


def test_theme_cookie_sets_the_data_theme_attribute(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    client.cookies["kam_theme"] = "projector"
    assert _theme_attribute(client) == "projector"


def test_unknown_theme_cookie_falls_back_to_light(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    client.cookies["kam_theme"] = '"><script>alert(1)</script>'
    assert _theme_attribute(client) == "light"


def test_switching_theme_sets_a_lasting_cookie_and_returns(
    client: Client, world: WorkspaceWorld
) -> None:
    client.force_login(world.a.user(Role.KAM))
    response = client.post(reverse("theme-switch"), {"theme": "projector", "next": "/#portfolio"})
    assert response.status_code == 302
    assert response["Location"] == "/#portfolio"
    cookie = response.cookies["kam_theme"]
    assert cookie.value == "projector"
    assert int(cookie["max-age"]) > 30 * 24 * 3600
    assert _theme_attribute(client) == "projector"


def test_background_switch_answers_no_content(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    response = client.post(
        reverse("theme-switch"), {"theme": "projector"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    assert response.cookies["kam_theme"].value == "projector"


def test_switch_refuses_unknown_theme_and_foreign_redirect(
    client: Client, world: WorkspaceWorld
) -> None:
    client.force_login(world.a.user(Role.KAM))
    assert client.post(reverse("theme-switch"), {"theme": "neon"}).status_code == 400
    response = client.post(
        reverse("theme-switch"), {"theme": "light", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_switch_needs_post_and_csrf(world: WorkspaceWorld) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.user(Role.KAM))
    assert client.get(reverse("theme-switch")).status_code == 405
    assert client.post(reverse("theme-switch"), {"theme": "projector"}).status_code == 403


def test_toggle_offers_the_other_theme(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user(Role.KAM))
    assert "Projector view" in client.get(reverse("home")).content.decode()
    client.cookies["kam_theme"] = "projector"
    html = client.get(reverse("home")).content.decode()
    assert 'name="theme" value="light"' in html
    assert "Standard view" in html
