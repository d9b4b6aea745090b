"""The members page: roles, removals, pending invitations, and who may use it."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from kam.permissions import ROLE_SUMMARIES
from kam.tenancy.context import workspace_context
from kam.workspaces import services
from kam.workspaces.models import Invitation, Membership, MembershipChange, Role
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


def membership(world_tenant, role: str) -> Membership:
    return Membership.objects.get(workspace=world_tenant.workspace, user=world_tenant.user(role))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def admin_client(client: Client, world: WorkspaceWorld) -> Client:
    client.force_login(world.a.user("admin"))
    return client


def test_admin_sees_members_with_their_roles_and_pending_invitations(
    admin_client: Client, world: WorkspaceWorld
) -> None:
    services.invitation_create(
        workspace=world.a.workspace,
        invited_by=world.a.user("admin"),
        email="dana@example.com",
        role=Role.VIEWER,
    )

    page = admin_client.get(reverse("members")).content.decode()

    for role in Role.values:
        assert f"{world.a.user(role).email}" in page
    assert "b-admin@example.com" not in page
    assert "dana@example.com" in page
    assert "Key account manager" in page


def test_members_page_explains_every_role(admin_client: Client, world: WorkspaceWorld) -> None:
    page = admin_client.get(reverse("members")).content.decode()
    assert "Roles" in page
    for summary in ROLE_SUMMARIES.values():
        assert summary in page


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.KAM, Role.MEMBER, Role.VIEWER])
def test_only_admins_reach_the_members_page(
    client: Client, world: WorkspaceWorld, role: str
) -> None:
    client.force_login(world.a.user(role))
    target = membership(world.a, "viewer")

    assert client.get(reverse("members")).status_code == 403
    response = client.post(reverse("member-role", args=[target.pk]), {"role": Role.ADMIN})
    assert response.status_code == 403
    assert client.post(reverse("member-remove", args=[target.pk])).status_code == 403
    response = client.post(
        reverse("invitation-create"), {"email": "x@example.com", "role": Role.ADMIN}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER
    assert not Invitation.objects.filter(email="x@example.com").exists()


def test_signed_out_visitor_is_sent_to_sign_in(client: Client, world: WorkspaceWorld) -> None:
    response = client.get(reverse("members"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_admin_of_b_cannot_change_members_of_a(client: Client, world: WorkspaceWorld) -> None:
    client.force_login(world.b.user("admin"))
    target = membership(world.a, "kam")
    invitation, _token = services.invitation_create(
        workspace=world.a.workspace,
        invited_by=world.a.user("admin"),
        email="dana@example.com",
        role=Role.KAM,
    )

    role_change = client.post(reverse("member-role", args=[target.pk]), {"role": Role.VIEWER})
    removal = client.post(reverse("member-remove", args=[target.pk]))
    revoke = client.post(reverse("invitation-revoke", args=[invitation.pk]))

    assert (role_change.status_code, removal.status_code, revoke.status_code) == (404, 404, 404)
    target.refresh_from_db()
    assert target.role == Role.KAM
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_admin_changes_a_role_and_it_is_recorded(
    admin_client: Client, world: WorkspaceWorld
) -> None:
    target = membership(world.a, "viewer")

    response = admin_client.post(reverse("member-role", args=[target.pk]), {"role": Role.KAM})

    assert response["Location"] == reverse("members")
    target.refresh_from_db()
    assert target.role == Role.KAM
    with workspace_context(world.a.workspace):
        change = MembershipChange.objects.get(member=world.a.user("viewer"))
    assert (change.action, change.actor, change.member) == (
        MembershipChange.Action.ROLE_CHANGED,
        world.a.user("admin"),
        world.a.user("viewer"),
    )
    assert (change.old_role, change.new_role) == (Role.VIEWER, Role.KAM)
    history = admin_client.get(reverse("members")).content.decode()
    assert "Viewer → Key account manager" in history


def test_admin_removes_a_member_and_it_is_recorded(
    admin_client: Client, world: WorkspaceWorld
) -> None:
    target = membership(world.a, "member")

    response = admin_client.post(reverse("member-remove", args=[target.pk]))

    assert response["Location"] == reverse("members")
    assert not Membership.objects.filter(pk=target.pk).exists()
    # The account itself stays; only the access to this workspace goes.
    assert world.a.user("member").is_active
    with workspace_context(world.a.workspace):
        change = MembershipChange.objects.get(member=world.a.user("member"))
    assert (change.action, change.old_role) == (MembershipChange.Action.REMOVED, Role.MEMBER)
    assert change.member_label == "a-member <a-member@example.com>"


def test_admin_revokes_a_pending_invitation(admin_client: Client, world: WorkspaceWorld) -> None:
    invitation, _token = services.invitation_create(
        workspace=world.a.workspace,
        invited_by=world.a.user("admin"),
        email="dana@example.com",
        role=Role.KAM,
    )

    admin_client.post(reverse("invitation-revoke", args=[invitation.pk]))

    invitation.refresh_from_db()
    assert invitation.revoked_by == world.a.user("admin")
    assert "dana@example.com" not in _pending_section(admin_client)


def _pending_section(client: Client) -> str:
    page = client.get(reverse("members")).content.decode()
    return page.split('id="invitations-heading"')[1].split('id="roles-heading"')[0]


def test_last_admin_cannot_be_demoted(admin_client: Client, world: WorkspaceWorld) -> None:
    only_admin = membership(world.a, "admin")

    response = admin_client.post(
        reverse("member-role", args=[only_admin.pk]), {"role": Role.VIEWER}
    )

    only_admin.refresh_from_db()
    assert only_admin.role == Role.ADMIN
    assert any("only admin of this workspace" in text for text in messages_of(response))


def test_last_admin_cannot_be_removed(admin_client: Client, world: WorkspaceWorld) -> None:
    only_admin = membership(world.a, "admin")

    response = admin_client.post(reverse("member-remove", args=[only_admin.pk]))

    assert Membership.objects.filter(pk=only_admin.pk).exists()
    assert any("Make someone else an admin first" in text for text in messages_of(response))
    with workspace_context(world.a.workspace):
        assert not MembershipChange.objects.filter(member=world.a.user("admin")).exists()


def test_an_admin_may_step_down_when_another_admin_remains(
    admin_client: Client, world: WorkspaceWorld
) -> None:
    executive = membership(world.a, "executive")
    admin_client.post(reverse("member-role", args=[executive.pk]), {"role": Role.ADMIN})
    me = membership(world.a, "admin")

    admin_client.post(reverse("member-role", args=[me.pk]), {"role": Role.KAM})

    me.refresh_from_db()
    assert me.role == Role.KAM
    # No longer an admin: the page is closed now.
    assert admin_client.get(reverse("members")).status_code == 403


def test_unknown_role_is_refused(admin_client: Client, world: WorkspaceWorld) -> None:
    target = membership(world.a, "viewer")
    response = admin_client.post(reverse("member-role", args=[target.pk]), {"role": "owner"})
    target.refresh_from_db()
    assert target.role == Role.VIEWER
    assert messages_of(response) == ["Choose one of the roles in the list."]


def test_an_admin_may_leave_when_another_admin_remains(
    admin_client: Client, world: WorkspaceWorld
) -> None:
    Membership.objects.filter(workspace=world.a.workspace, user=world.a.user("executive")).update(
        role=Role.ADMIN
    )
    me = membership(world.a, "admin")

    response = admin_client.post(reverse("member-remove", args=[me.pk]))

    assert response["Location"] == reverse("home")
    assert not Membership.objects.filter(pk=me.pk).exists()
    assert (
        "You are not a member of any workspace yet"
        in admin_client.get(reverse("home")).content.decode()
    )
