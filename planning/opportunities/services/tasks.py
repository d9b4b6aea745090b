"""Tasks of an opportunity: the next actions, with owner and due date."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from planning.models import (
    Opportunity,
    OpportunityTask,
    TaskStatus,
)
from planning.opportunities.services.checks import (
    _check_workspace,
    _choice,
    _only,
    check_user,
)
from planning.opportunities.services.opportunities import opportunity_row_log

TASK_FIELDS = frozenset({"title", "owner", "due_date", "status"})


def _clean_task(workspace: Workspace, state: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = str(state.get("title") or "").strip()
    if not title:
        errors["title"] = ["Say what needs doing, e.g. “Send the relining references”."]
    state["title"] = title[:300]
    try:
        state["status"] = _choice(
            state.get("status") or TaskStatus.OPEN, TaskStatus, "status", "task status"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        check_user(workspace=workspace, user=state.get("owner"), field="owner", noun="The owner")
    except ValidationError as error:
        errors.update(error.message_dict)
    due = state.get("due_date")
    if due is not None and not isinstance(due, datetime.date):
        errors["due_date"] = ["Give the due date as a date."]
    if errors:
        raise ValidationError(errors)
    return state


@transaction.atomic
def task_create(
    *, workspace: Workspace, opportunity: Opportunity, **fields: Any
) -> OpportunityTask:
    changes = _only(fields, TASK_FIELDS, "a task")
    _check_workspace(workspace, opportunity, "Opportunity", "opportunity")
    clean = _clean_task(workspace, {"owner": None, "due_date": None, **changes})
    row = OpportunityTask(workspace=workspace, opportunity=opportunity, **clean)
    row.save()
    opportunity_row_log(workspace=workspace, row=row, action=ChangeAction.CREATED, label=row.title)
    return row


@transaction.atomic
def task_update(
    *, workspace: Workspace, task: OpportunityTask, expected_version: int, **fields: Any
) -> OpportunityTask:
    changes = _only(fields, TASK_FIELDS, "a task")
    _check_workspace(workspace, task, "Task", "opportunity_task")
    current = {name: getattr(task, name) for name in TASK_FIELDS}
    clean = _clean_task(workspace, {**current, **changes})
    before = change_log_values(task, clean)
    update_if_version(task, expected_version=expected_version, changes=clean)
    opportunity_row_log(
        workspace=workspace, row=task, action=ChangeAction.CHANGED, label=task.title, before=before
    )
    return task


def task_delete(
    *, workspace: Workspace, task: OpportunityTask, expected_version: int | None
) -> None:
    _check_workspace(workspace, task, "Task", "opportunity_task")
    with transaction.atomic():
        opportunity_row_log(
            workspace=workspace, row=task, action=ChangeAction.DELETED, label=task.title
        )
        delete_if_version(task, expected_version=expected_version)
