"""The workspace_task decorator: each task runs in its own workspace, and only there."""

from __future__ import annotations

import pytest

from accounts.models import Customer
from kam.tenancy.context import current_workspace_id, workspace_context
from kam.tenancy.tasks import workspace_task
from tests.factories import WorkspaceWorld

seen: list[tuple[int | None, list[str]]] = []


@workspace_task()
def note_visible_customers(workspace_id: int) -> None:
    seen.append((current_workspace_id(), list(Customer.objects.values_list("name", flat=True))))


@workspace_task(idempotent=True)
def idempotent_noop(workspace_id: int) -> None:
    pass


def test_back_to_back_tasks_of_two_workspaces_share_no_context(world: WorkspaceWorld) -> None:
    seen.clear()
    note_visible_customers.delay(world.a.workspace.pk)
    note_visible_customers.delay(world.b.workspace.pk)
    assert seen == [
        (world.a.workspace.pk, ["A Mining Group"]),
        (world.b.workspace.pk, ["B Mining Group"]),
    ]
    assert current_workspace_id() is None


def test_a_task_refuses_to_start_inside_another_workspace(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace), pytest.raises(RuntimeError, match="another"):
        note_visible_customers.delay(world.b.workspace.pk)


def test_the_workspace_id_must_be_an_id(world: WorkspaceWorld) -> None:
    with pytest.raises(TypeError):
        note_visible_customers.delay(True)


def test_idempotent_tasks_ack_late_and_retry_a_bounded_number_of_times() -> None:
    assert idempotent_noop.acks_late is True
    assert 0 < idempotent_noop.max_retries <= 5
    assert note_visible_customers.acks_late is False
