"""Tasks of an opportunity: the account's actions that move this opportunity.

A task is an :class:`~planning.models.Action` with the opportunity linked (one
action list for the whole product); these services keep the task grammar of
the opportunity page and ``/api/v1/opportunity-tasks/`` and write through
:mod:`planning.plan.services.actions`, so the rules and the change log are the same.
"""

from __future__ import annotations

from typing import Any

from kam.workspaces.models import Workspace
from planning.models import Action, Opportunity
from planning.opportunities.services.checks import _check_workspace, _only
from planning.plan.services import actions

TASK_FIELDS = frozenset({"title", "owner", "due_date", "status"})


def task_create(*, workspace: Workspace, opportunity: Opportunity, **fields: Any) -> Action:
    changes = _only(fields, TASK_FIELDS, "a task")
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    return actions.action_create(
        workspace=workspace, customer=opportunity.customer, opportunity=opportunity, **changes
    )


def task_update(
    *, workspace: Workspace, task: Action, expected_version: int, **fields: Any
) -> Action:
    changes = _only(fields, TASK_FIELDS, "a task")
    return actions.action_update(
        workspace=workspace, action=task, expected_version=expected_version, **changes
    )


def task_delete(*, workspace: Workspace, task: Action, expected_version: int | None) -> None:
    actions.action_delete(workspace=workspace, action=task, expected_version=expected_version)
