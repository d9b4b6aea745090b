"""The account's actions: the one action list of the product, written here only.

An action belongs to one key account (``customer``). It may serve an objective,
answer a SWOT item, move an opportunity (an opportunity's tasks are these
actions), or concern a stakeholder or one of their concerns; every link must
point into the same account, and the message says which field and which account.

Marking an action done stamps ``done_on`` with today; opening it again clears
it. The owner must be a workspace member when somebody chooses them; an owner
who left later stays on the action (the pages flag them) and saving other
fields does not refuse them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from planning.models import Action, ActionStatus
from planning.opportunities.services.checks import _check_workspace, _only, check_user

ACTION_FIELDS = frozenset(
    {
        "title",
        "owner",
        "milestone",
        "due_date",
        "status",
        "objective",
        "swot_item",
        "opportunity",
        "stakeholder",
        "concern",
    }
)
MILESTONE_MAX = 200
TITLE_MAX = 300

#: The links an action may carry: field -> (what the message calls it, its noun for "Choose ...").
LINKS: dict[str, tuple[str, str]] = {
    "objective": ("That objective", "one of its objectives"),
    "swot_item": ("That SWOT item", "one of its SWOT items"),
    "opportunity": ("That opportunity", "one of its opportunities"),
    "stakeholder": ("That stakeholder", "someone from its buying center"),
    "concern": ("That concern", "a concern raised on one of its opportunities"),
}


def _link_customer_id(field: str, row: Any) -> Any:
    if field == "concern":
        # A concern hangs off an opportunity of the account.
        return row.opportunity.customer_id
    return row.customer_id


def _check_links(
    workspace: Workspace, customer: Customer, state: Mapping[str, Any]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, (what, choose) in LINKS.items():
        row = state.get(field)
        if row is None:
            continue
        try:
            _check_workspace(workspace, row, what.removeprefix("That ").capitalize(), field)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if _link_customer_id(field, row) != customer.pk:
            errors[field] = [
                f"{what} ({row}) belongs to another account, not to {customer.name}."
                f" Choose {choose}, or leave it empty."
            ]
    return errors


def _clean(
    workspace: Workspace,
    customer: Customer,
    state: dict[str, Any],
    *,
    owner_changed: bool,
    today: datetime.date,
    done_before: datetime.date | None,
) -> dict[str, Any]:
    """Check the whole action at once; every problem is reported, by field."""
    errors: dict[str, list[str]] = {}
    title = str(state.get("title") or "").strip()
    if not title:
        errors["title"] = ["Say what needs doing, e.g. “Send the relining references”."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Keep the action to {TITLE_MAX} characters; it has {len(title)}."]
    state["title"] = title
    milestone = str(state.get("milestone") or "").strip()
    if len(milestone) > MILESTONE_MAX:
        errors["milestone"] = [
            f"Keep the milestone to {MILESTONE_MAX} characters; it has {len(milestone)}."
        ]
    state["milestone"] = milestone
    status = state.get("status") or ActionStatus.OPEN
    if status not in ActionStatus.values:
        shown = ", ".join(f"{v} ({label.lower()})" for v, label in ActionStatus.choices)
        errors["status"] = [f"{status!r} is not an action status. Choose one of: {shown}."]
    state["status"] = str(status)
    if owner_changed:
        try:
            check_user(
                workspace=workspace, user=state.get("owner"), field="owner", noun="The owner"
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    due = state.get("due_date")
    if due is not None and (
        not isinstance(due, datetime.date) or isinstance(due, datetime.datetime)
    ):
        errors["due_date"] = ["Give the due date as a date, e.g. 2026-03-31."]
    errors.update(_check_links(workspace, customer, state))
    if errors:
        raise ValidationError(errors)
    # Done is dated the day it was marked; anything else has no done date.
    state["done_on"] = (done_before or today) if state["status"] == ActionStatus.DONE else None
    return state


def action_log(
    *,
    workspace: Workspace,
    action: Action,
    verb: str,
    before: Mapping[str, Any] | None = None,
    summary: str | None = None,
) -> None:
    """One change-log entry about ``action``, filed under its account."""
    label = f"“{action.title}”"
    changes = change_log_diff(action, before) if before is not None else None
    if summary is None and verb == ChangeAction.CREATED:
        summary = f"added the action {label}"
    elif summary is None and verb == ChangeAction.DELETED:
        summary = f"deleted the action {label}"
    elif summary is None and changes:
        summary = f"changed the action {label}: {_listed(changes)}"
    change_log_record(
        workspace=workspace,
        obj=action,
        action=verb,
        account_id=action.customer_id,
        label=label,
        changes=changes,
        summary=summary,
    )


def _clip(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _listed(changes: list[dict[str, str]]) -> str:
    """ "due date from 3 Mar to 10 Mar, owner to Karin Dahl" (three at most, then "n more")."""

    def one(change: Mapping[str, str]) -> str:
        name, old, new = change["label"].lower(), _clip(change["from"]), _clip(change["to"])
        if not old:
            return f"{name} to {new}"
        if not new:
            return f"{name} emptied (was {old})"
        return f"{name} from {old} to {new}"

    parts = [one(change) for change in changes[:3]]
    if len(changes) > 3:
        parts.append(f"{len(changes) - 3} more")
    return ", ".join(parts)


def _state_of(action: Action) -> dict[str, Any]:
    return {name: getattr(action, name) for name in ACTION_FIELDS}


@transaction.atomic
def action_create(*, workspace: Workspace, customer: Customer, **fields: Any) -> Action:
    """Add an action to ``customer``'s list."""
    changes = _only(fields, ACTION_FIELDS, "an action")
    _check_workspace(workspace, customer, "Account", "customer")
    state = {name: None for name in ACTION_FIELDS} | {"milestone": ""} | changes
    clean = _clean(
        workspace,
        customer,
        state,
        owner_changed=True,
        today=timezone.localdate(),
        done_before=None,
    )
    action = Action(workspace=workspace, customer=customer, **clean)
    action.save()
    action_log(workspace=workspace, action=action, verb=ChangeAction.CREATED)
    return action


def _summary(before: Mapping[str, Any], action: Action) -> str | None:
    """The sentence for a change of status alone; None lets the log list the fields."""
    if before.get("status") == action.status:
        return None
    label = f"“{action.title}”"
    if action.status == ActionStatus.DONE:
        return f"completed the action {label}"
    if before.get("status") == ActionStatus.DONE:
        return f"reopened the action {label}"
    if action.status == ActionStatus.DROPPED:
        return f"dropped the action {label}"
    return None


@transaction.atomic
def action_update(
    *, workspace: Workspace, action: Action, expected_version: int, **fields: Any
) -> Action:
    """Change an action, if nobody changed it since ``expected_version``."""
    changes = _only(fields, ACTION_FIELDS, "an action")
    _check_workspace(workspace, action, "Action", "action")
    current = _state_of(action)
    owner_changed = "owner" in changes and _pk(changes["owner"]) != action.owner_id
    clean = _clean(
        workspace,
        action.customer,
        {**current, **changes},
        owner_changed=owner_changed,
        today=timezone.localdate(),
        done_before=action.done_on if action.status == ActionStatus.DONE else None,
    )
    before = change_log_values(action, clean)
    update_if_version(action, expected_version=expected_version, changes=clean)
    action_log(
        workspace=workspace,
        action=action,
        verb=ChangeAction.CHANGED,
        before=before,
        summary=_summary(before, action) if set(changes) == {"status"} else None,
    )
    return action


def _pk(value: Model | None) -> Any:
    return value.pk if value is not None else None


def action_complete(*, workspace: Workspace, action: Action, expected_version: int) -> Action:
    """Mark an action done today, in one click (refused if it changed meanwhile)."""
    return action_update(
        workspace=workspace,
        action=action,
        expected_version=expected_version,
        status=ActionStatus.DONE,
    )


def action_reopen(*, workspace: Workspace, action: Action, expected_version: int) -> Action:
    """Open a done (or dropped) action again; its done date goes."""
    return action_update(
        workspace=workspace,
        action=action,
        expected_version=expected_version,
        status=ActionStatus.OPEN,
    )


def action_delete(*, workspace: Workspace, action: Action, expected_version: int | None) -> None:
    """Remove an action, if nobody changed it since ``expected_version``."""
    _check_workspace(workspace, action, "Action", "action")
    with transaction.atomic():
        action_log(workspace=workspace, action=action, verb=ChangeAction.DELETED)
        delete_if_version(action, expected_version=expected_version)
