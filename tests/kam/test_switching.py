"""Switching between the workspaces a person belongs to."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kam.workspaces.models import Membership, Role
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_of_both(client: Client, world: WorkspaceWorld) -> Client:
    """a-admin, also an admin of B."""
    Membership.objects.create(
        user=world.a.user("admin"), workspace=world.b.workspace, role=Role.ADMIN
    )
    client.force_login(world.a.user("admin"))
    client.get(reverse("home"))
    assert client.session["workspace_id"] == world.a.workspace.pk
    return client


def test_switching_to_another_of_my_workspaces(
    member_of_both: Client, world: WorkspaceWorld
) -> None:
    response = member_of_both.post(
        reverse("workspace-switch"), {"workspace_id": world.b.workspace.pk}
    )

    assert response["Location"] == reverse("home")
    assert member_of_both.session["workspace_id"] == world.b.workspace.pk
    # The next page acts in B: its members page lists B's people.
    page = member_of_both.get(reverse("members")).content.decode()
    assert "Members of Workspace B" in page
    assert "b-kam@example.com" in page


def test_switching_to_a_workspace_i_do_not_belong_to_is_not_found(
    client: Client, world: WorkspaceWorld
) -> None:
    client.force_login(world.a.user("kam"))
    client.get(reverse("home"))

    response = client.post(reverse("workspace-switch"), {"workspace_id": world.b.workspace.pk})

    assert response.status_code == 404
    assert client.session["workspace_id"] == world.a.workspace.pk


@pytest.mark.parametrize("value", ["", "B", "999999"])
def test_switching_with_a_bad_workspace_id_is_not_found(member_of_both: Client, value: str) -> None:
    response = member_of_both.post(reverse("workspace-switch"), {"workspace_id": value})
    assert response.status_code == 404


def test_switching_needs_a_post(member_of_both: Client, world: WorkspaceWorld) -> None:
    url = reverse("workspace-switch") + f"?workspace_id={world.b.workspace.pk}"
    assert member_of_both.get(url).status_code == 405


def test_switching_needs_sign_in(client: Client, world: WorkspaceWorld) -> None:
    response = client.post(reverse("workspace-switch"), {"workspace_id": world.a.workspace.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_switcher_in_the_layout_lists_my_workspaces(
    member_of_both: Client, world: WorkspaceWorld
) -> None:
    response = member_of_both.get(reverse("home"))
    names = [m.workspace.name for m in response.context["my_memberships"]]
    assert names == ["Workspace A", "Workspace B"]
