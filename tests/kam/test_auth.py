"""Signing in and out, login throttling, password reset and the no-membership page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from kam.workspaces.models import LoginAttempt
from tests.factories import PASSWORD, WorkspaceWorld

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_with_user_name_goes_home(client: Client, world: WorkspaceWorld) -> None:
    response = sign_in(client, "a-kam", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert is_signed_in(client)


def test_sign_in_with_email_address_in_any_case(client: Client, world: WorkspaceWorld) -> None:
    response = sign_in(client, "A-KAM@Example.com", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.a.user("kam").pk


def test_wrong_password_says_so_clearly(client: Client, world: WorkspaceWorld) -> None:
    response = sign_in(client, "a-kam", "not-my-password")
    assert response.status_code == 200
    assert "user name or e-mail address and password do not match" in response.content.decode()
    assert not is_signed_in(client)


def test_sign_in_page_is_keyboard_friendly(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert re.search(r'<input[^>]*name="username"[^>]*autofocus', page)
    assert re.search(r'<input[^>]*name="username"[^>]*maxlength="254"', page)
    assert '<label for="id_username">User name or e-mail address:</label>' in page
    assert reverse("password_reset") in page


def test_repeated_failures_lock_the_user_name_and_say_how_long(
    client: Client, world: WorkspaceWorld, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    for _ in range(3):
        sign_in(client, "a-kam", "wrong")

    response = sign_in(client, "a-kam", PASSWORD)

    assert not is_signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-ins" in page
    assert "try again in 10 minutes" in page


def test_lockout_counts_failures_typed_as_email_too(
    client: Client, world: WorkspaceWorld, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    sign_in(client, "a-kam", "wrong")
    sign_in(client, "a-kam@example.com", "wrong")

    sign_in(client, "a-kam", PASSWORD)

    assert not is_signed_in(client)


def test_lockout_applies_only_to_that_user_name(
    client: Client, world: WorkspaceWorld, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, "a-kam", "wrong")

    sign_in(client, "a-viewer", PASSWORD)

    assert int(client.session["_auth_user_id"]) == world.a.user("viewer").pk


def test_lockout_ends_after_the_waiting_time(
    client: Client, world: WorkspaceWorld, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    for _ in range(3):
        sign_in(client, "a-kam", "wrong")
    LoginAttempt.objects.update(
        attempted_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=601)
    )

    sign_in(client, "a-kam", PASSWORD)

    assert is_signed_in(client)


def test_successful_sign_in_forgets_earlier_failures(
    client: Client, world: WorkspaceWorld, settings
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    sign_in(client, "a-kam", "wrong")
    sign_in(client, "a-kam", "wrong")
    sign_in(client, "a-kam", PASSWORD)
    client.post(reverse("logout"))

    sign_in(client, "a-kam", "wrong")
    sign_in(client, "a-kam", PASSWORD)

    assert is_signed_in(client)


def test_sign_out_needs_a_post(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.a.user("kam"))
    assert client.get(reverse("logout")).status_code == 405
    assert is_signed_in(client)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not is_signed_in(client)


def test_password_reset_email_has_a_working_link(
    client: Client, world: WorkspaceWorld, settings
) -> None:
    settings.SITE_URL = "https://kam.example.org"
    response = client.post(reverse("password_reset"), {"email": "a-kam@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a-kam@example.com"]
    match = re.search(r"https://kam\.example\.org(/\S+)", message.body)
    assert match, message.body

    form_page = client.get(match.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-42", "new_password2": "a-brand-new-secret-42"},
    )
    assert done["Location"] == reverse("password_reset_complete")

    sign_in(client, "a-kam", "a-brand-new-secret-42")
    assert is_signed_in(client)


def test_password_reset_for_unknown_address_sends_nothing(client: Client, db: None) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_used_password_reset_link_shows_a_clear_page(client: Client, world: WorkspaceWorld) -> None:
    client.post(reverse("password_reset"), {"email": "a-kam@example.com"})
    path = re.search(re.escape(settings.SITE_URL) + r"(/\S+)", mail.outbox[0].body).group(1)
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret-42", "new_password2": "a-brand-new-secret-42"},
    )

    again = Client().get(path, follow=True)

    assert "This link does not work any more" in again.content.decode()


def test_signed_in_person_without_membership_gets_a_clear_page(
    client: Client, world: WorkspaceWorld
) -> None:
    client.force_login(world.outsider)

    response = client.get(reverse("home"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "You are not a member of any workspace yet" in page
    assert f'action="{reverse("logout")}"' in page


def test_person_removed_from_their_only_workspace_sees_the_no_membership_page(
    client: Client, world: WorkspaceWorld
) -> None:
    viewer = world.a.user("viewer")
    client.force_login(viewer)
    get_user_model().objects.get(pk=viewer.pk).memberships.all().delete()

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "You are not a member of any workspace yet" in response.content.decode()
