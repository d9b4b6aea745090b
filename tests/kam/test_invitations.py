"""Invitations: an admin invites an address, the person opens the link and joins."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kam.api.tokens import hash_token
from kam.tenancy.context import workspace_context
from kam.workspaces import services
from kam.workspaces.models import Invitation, Membership, MembershipChange, Role
from tests.factories import PASSWORD, WorkspaceWorld

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "plan-the-account-2025"


def invite(world: WorkspaceWorld, email: str, role: str = Role.KAM) -> tuple[Invitation, str]:
    return services.invitation_create(
        workspace=world.a.workspace, invited_by=world.a.user("admin"), email=email, role=role
    )


def accept_path(token: str) -> str:
    return reverse("invitation-accept", args=[token])


def sign_up(client: Client, token: str) -> Any:
    return client.post(
        accept_path(token),
        {"name": "Dana Scully", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_admin_invites_and_an_email_with_the_link_goes_out(
    client: Client,
    world: WorkspaceWorld,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.SITE_URL = "https://kam.example.org"
    client.force_login(world.a.user("admin"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation-create"), {"email": "Dana@Example.com", "role": Role.KAM}
        )

    assert response["Location"] == reverse("members")
    invitation = Invitation.objects.get(workspace=world.a.workspace, email="dana@example.com")
    assert (invitation.email, invitation.role) == ("dana@example.com", Role.KAM)
    assert invitation.invited_by == world.a.user("admin")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.com"]
    assert "Workspace A" in message.subject
    token = re.search(r"https://kam\.example\.org/invitations/([\w-]+)/", message.body).group(1)
    # Only a hash of the secret is stored.
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash


def test_inviting_a_member_again_is_refused_next_to_the_field(
    client: Client,
    world: WorkspaceWorld,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client.force_login(world.a.user("admin"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation-create"), {"email": "a-viewer@example.com", "role": Role.KAM}
        )

    assert response.status_code == 200
    assert re.search(
        r'id="id_email_error"[^>]*>\s*<li>This person is already a member',
        response.content.decode(),
    )
    assert not Invitation.objects.filter(email="a-viewer@example.com").exists()
    assert mail.outbox == []


def test_new_person_sets_name_and_password_and_becomes_a_member(
    client: Client, world: WorkspaceWorld
) -> None:
    invitation, token = invite(world, "dana@example.com", role=Role.KAM)
    page = client.get(accept_path(token))
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="name"[^>]*autofocus', page.content.decode())

    response = sign_up(client, token)

    assert response["Location"] == reverse("home")
    user = User.objects.get(email="dana@example.com")
    assert (user.first_name, user.last_name) == ("Dana", "Scully")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.workspace, membership.role) == (world.a.workspace, Role.KAM)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["workspace_id"] == world.a.workspace.pk
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None


def test_new_person_can_sign_in_with_the_invited_address(
    client: Client, world: WorkspaceWorld
) -> None:
    _invitation, token = invite(world, "dana@example.com")
    sign_up(Client(), token)

    client.post(reverse("login"), {"username": "dana@example.com", "password": NEW_PASSWORD})

    assert "_auth_user_id" in client.session


def test_sign_up_with_mismatched_passwords_shows_the_error_next_to_the_field(
    client: Client, world: WorkspaceWorld
) -> None:
    _invitation, token = invite(world, "dana@example.com")

    response = client.post(
        accept_path(token), {"name": "Dana", "password1": NEW_PASSWORD, "password2": "other"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="id_password2_error"[^>]*>\s*<li>The two passwords are different', page)
    assert not User.objects.filter(email="dana@example.com").exists()


def test_existing_user_signs_in_and_accepts(client: Client, world: WorkspaceWorld) -> None:
    person = world.b.user("viewer")
    _invitation, token = invite(world, person.email, role=Role.MEMBER)

    page = client.get(accept_path(token))
    assert "Sign in to accept" in page.content.decode()
    signed_in = client.post(
        f"{reverse('login')}?next={accept_path(token)}",
        {"username": person.username, "password": PASSWORD, "next": accept_path(token)},
    )
    assert signed_in["Location"] == accept_path(token)
    assert "Accept and join" in client.get(accept_path(token)).content.decode()

    response = client.post(accept_path(token))

    assert response["Location"] == reverse("home")
    membership = Membership.objects.get(user=person, workspace=world.a.workspace)
    assert membership.role == Role.MEMBER
    assert client.session["workspace_id"] == world.a.workspace.pk
    assert User.objects.filter(email=person.email).count() == 1


def test_signed_in_as_someone_else_cannot_accept(client: Client, world: WorkspaceWorld) -> None:
    _invitation, token = invite(world, "dana@example.com")
    client.force_login(world.b.user("kam"))

    response = client.post(accept_path(token))

    assert response.status_code == 403
    assert "This invitation is for someone else" in response.content.decode()
    assert not Membership.objects.filter(
        user=world.b.user("kam"), workspace=world.a.workspace
    ).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_expired_link_shows_a_clear_page_and_creates_nothing(
    client: Client, world: WorkspaceWorld, method: str
) -> None:
    invitation, token = invite(world, "dana@example.com")
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    users_before = User.objects.count()

    response = sign_up(client, token) if method == "post" else client.get(accept_path(token))

    assert response.status_code == 410
    assert "This invitation has expired." in response.content.decode()
    assert User.objects.count() == users_before
    assert "_auth_user_id" not in client.session


def test_reused_link_shows_a_clear_page_and_creates_nothing(
    client: Client, world: WorkspaceWorld
) -> None:
    _invitation, token = invite(world, "dana@example.com")
    sign_up(Client(), token)
    users_before = User.objects.count()
    memberships_before = Membership.objects.count()

    response = client.post(
        accept_path(token),
        {"name": "Mallory", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 410
    assert "This invitation has already been used." in response.content.decode()
    assert (User.objects.count(), Membership.objects.count()) == (
        users_before,
        memberships_before,
    )


def test_revoked_link_shows_a_clear_page(client: Client, world: WorkspaceWorld) -> None:
    invitation, token = invite(world, "dana@example.com")
    services.invitation_revoke(
        workspace=world.a.workspace, invitation=invitation, revoked_by=world.a.user("admin")
    )

    response = sign_up(client, token)

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email="dana@example.com").exists()


def test_unknown_link_is_not_found(client: Client, world: WorkspaceWorld) -> None:
    response = client.get(accept_path("made-up-token"))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_inviting_again_replaces_the_pending_invitation(
    client: Client, world: WorkspaceWorld
) -> None:
    _first, old_token = invite(world, "dana@example.com")
    _second, new_token = invite(world, "dana@example.com")

    assert client.get(accept_path(old_token)).status_code == 410
    assert client.get(accept_path(new_token)).status_code == 200


def test_history_keeps_who_invited_whom_and_when(client: Client, world: WorkspaceWorld) -> None:
    _invitation, token = invite(world, "dana@example.com", role=Role.VIEWER)
    sign_up(client, token)

    with workspace_context(world.a.workspace):
        entries = list(
            MembershipChange.objects.filter(member_label__contains="dana")
            .order_by("created_at", "id")
            .values_list("action", "actor__username", "member_label", "new_role")
        )
    assert entries == [
        ("invited", "a-admin", "dana@example.com", Role.VIEWER),
        ("joined", "a-admin", "Dana Scully <dana@example.com>", Role.VIEWER),
    ]
