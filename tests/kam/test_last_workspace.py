"""People in several workspaces start a new session in the one they chose last."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kam.workspaces.models import Membership, Role
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.django_db


def _new_session(world: WorkspaceWorld) -> Client:
    client = Client()
    client.force_login(world.a.user("kam"))
    client.get(reverse("home"))
    return client


def test_a_new_session_opens_the_workspace_chosen_last(world: WorkspaceWorld) -> None:
    Membership.objects.create(user=world.a.user("kam"), workspace=world.b.workspace, role=Role.KAM)
    first = _new_session(world)
    assert first.session["workspace_id"] == world.a.workspace.pk  # never chose: by name
    first.post(reverse("workspace-switch"), {"workspace_id": world.b.workspace.pk})

    later = _new_session(world)

    assert later.session["workspace_id"] == world.b.workspace.pk
    later.post(reverse("workspace-switch"), {"workspace_id": world.a.workspace.pk})
    assert _new_session(world).session["workspace_id"] == world.a.workspace.pk


def test_the_last_choice_of_a_workspace_one_left_does_not_count(world: WorkspaceWorld) -> None:
    membership = Membership.objects.create(
        user=world.a.user("kam"), workspace=world.b.workspace, role=Role.KAM
    )
    _new_session(world).post(reverse("workspace-switch"), {"workspace_id": world.b.workspace.pk})
    membership.delete()
    assert _new_session(world).session["workspace_id"] == world.a.workspace.pk
