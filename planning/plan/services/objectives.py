"""Objectives of an account plan: economic (volume, price, margin) or socio-political.

Deleting an objective that actions serve asks what becomes of them: they are
kept, no longer linked (``linked_actions="keep"``), or deleted with it
(``"delete"``). Every write logs to the change log with the account's id.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Membership, Workspace
from planning.models import (
    ECONOMIC_KINDS,
    Action,
    GoalLine,
    Horizon,
    Objective,
    ObjectiveKind,
    ObjectiveStatus,
)

OBJECTIVE_FIELDS = frozenset(
    {
        "title",
        "horizon",
        "kind",
        "goal_line",
        "target",
        "measured",
        "stakeholder",
        "owner",
        "status",
        "progress",
    }
)
LinkedActions = Literal["keep", "delete"]
_BIGGEST = Decimal("1e16")


def _only(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - OBJECTIVE_FIELDS
    if unknown:
        # A programming error, not bad input: forms and the API pass known fields only.
        raise TypeError(f"cannot set {', '.join(sorted(unknown))} on an objective")
    return dict(fields)


def _same_workspace(workspace: Workspace, obj: Any, noun: str, field: str) -> None:
    if getattr(obj, "workspace_id", None) != workspace.pk:
        raise ValidationError({field: f"{noun} {obj.pk} does not exist."})


def _choice(value: Any, choices: Any, what: str, *, blank: bool = False) -> str:
    if blank and value in ("", None):
        return ""
    if value not in choices.values:
        shown = "; ".join(label.lower() for _, label in choices.choices)
        raise ValueError(f"{value!r} is not {what}. Choose one of: {shown}.")
    return str(value)


def _number(value: Any, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{label} must be a number; you gave {value!r}.") from None
    if not number.is_finite() or abs(number) >= _BIGGEST:
        raise ValueError(f"{label} must be a number below 10,000,000,000,000,000.")
    return number.quantize(Decimal("0.01"))


def _check_target(kind: str, target: Decimal | None) -> str:
    """The message for an unusable target of an economic objective ("" when fine)."""
    if kind not in ECONOMIC_KINDS:
        return ""
    if target is None:
        messages: dict[str, str] = {
            ObjectiveKind.VOLUME: "An economic objective needs a target: the yearly revenue"
            " to reach with this account.",
            ObjectiveKind.PRICE: "An economic objective needs a target: the price to reach.",
            ObjectiveKind.MARGIN: "An economic objective needs a target: the margin % to reach.",
        }
        return messages[kind]
    if target <= 0:
        return "The target must be more than zero."
    if kind == ObjectiveKind.MARGIN and target > 100:
        given = f"{target.normalize():f}"
        return f"A margin target is a percentage of sales, 100 at most; you gave {given}."
    return ""


def _check_people(
    workspace: Workspace, customer: Customer, state: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    stakeholder = state.get("stakeholder")
    if stakeholder is not None and not isinstance(stakeholder, Stakeholder):
        errors["stakeholder"] = ["Choose the stakeholder from this account's buying center."]
    elif stakeholder is not None and (
        stakeholder.workspace_id != workspace.pk or stakeholder.customer_id != customer.pk
    ):
        if stakeholder.workspace_id != workspace.pk:
            errors["stakeholder"] = [f"Stakeholder {stakeholder.pk} does not exist."]
        else:
            errors["stakeholder"] = [
                f"{stakeholder.name} is in the buying center of another account, not of"
                f" {customer.name}. Choose someone of {customer.name}."
            ]
    elif stakeholder is None and state.get("kind") == ObjectiveKind.WIN_STAKEHOLDER:
        errors["stakeholder"] = [
            "Say which stakeholder this objective is about: the person we want to win."
        ]
    owner = state.get("owner")
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user_id=owner.pk).exists()
    ):
        errors["owner"] = [f"The owner must be a member of this workspace; user {owner.pk} is not."]


def _clean(workspace: Workspace, customer: Customer, state: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def check(field: str, read: Any) -> Any:
        try:
            return read()
        except ValueError as error:
            errors[field] = [str(error)]
            return state.get(field)

    title = str(state.get("title") or "").strip()
    if not title:
        errors["title"] = ["Say what the objective is, e.g. “Grow pump revenue by 20 %”."]
    elif len(title) > 300:
        errors["title"] = [f"Keep the objective to 300 characters (this is {len(title)})."]
    state["title"] = title
    if not state.get("kind"):
        errors["kind"] = [
            "Choose the kind: economic (volume, price, margin) or socio-political"
            " (win a stakeholder, mobilise our people)."
        ]
    else:
        state["kind"] = check("kind", lambda: _choice(state["kind"], ObjectiveKind, "a kind"))
    state["horizon"] = check(
        "horizon", lambda: _choice(state.get("horizon") or Horizon.SHORT, Horizon, "a horizon")
    )
    state["goal_line"] = check(
        "goal_line",
        lambda: _choice(state.get("goal_line"), GoalLine, "a goal line", blank=True),
    )
    state["status"] = check(
        "status",
        lambda: _choice(
            state.get("status") or ObjectiveStatus.NOT_STARTED, ObjectiveStatus, "a status"
        ),
    )
    state["target"] = check("target", lambda: _number(state.get("target"), "The target"))
    state["measured"] = check(
        "measured", lambda: _number(state.get("measured"), "The figure reached")
    )
    if "target" not in errors and "kind" not in errors:
        message = _check_target(str(state.get("kind") or ""), state["target"])
        if message:
            errors["target"] = [message]
    progress = state.get("progress")
    if progress not in (None, ""):
        try:
            whole = int(str(progress))
        except ValueError:
            errors["progress"] = [
                f"Give the progress as a whole number of per cent; not {progress!r}."
            ]
        else:
            if not 0 <= whole <= 100:
                errors["progress"] = [f"Progress is a per cent from 0 to 100; you gave {whole}."]
            state["progress"] = whole
    else:
        state["progress"] = None
    _check_people(workspace, customer, state, errors)
    if errors:
        raise ValidationError(errors)
    return state


def _log(
    *,
    workspace: Workspace,
    objective: Objective,
    action: str,
    before: dict[str, Any] | None = None,
    summary: str | None = None,
) -> None:
    change_log_record(
        workspace=workspace,
        obj=objective,
        action=action,
        account_id=objective.customer_id,
        label=f"objective “{objective.title}”",
        changes=change_log_diff(objective, before) if before is not None else None,
        summary=summary
        or (
            f"added the objective “{objective.title}” to the plan"
            if action == ChangeAction.CREATED
            else None
        ),
    )


_DEFAULTS: dict[str, Any] = {
    "horizon": Horizon.SHORT,
    "goal_line": "",
    "target": None,
    "measured": None,
    "stakeholder": None,
    "owner": None,
    "status": ObjectiveStatus.NOT_STARTED,
    "progress": None,
}


@transaction.atomic
def objective_create(*, workspace: Workspace, customer: Customer, **fields: Any) -> Objective:
    _same_workspace(workspace, customer, "Account", "customer")
    clean = _clean(workspace, customer, {**_DEFAULTS, **_only(fields)})
    objective = Objective(workspace=workspace, customer=customer, **clean)
    objective.save()
    _log(workspace=workspace, objective=objective, action=ChangeAction.CREATED)
    return objective


@transaction.atomic
def objective_update(
    *, workspace: Workspace, objective: Objective, expected_version: int, **fields: Any
) -> Objective:
    _same_workspace(workspace, objective, "Objective", "objective")
    current = {name: getattr(objective, name) for name in OBJECTIVE_FIELDS}
    clean = _clean(workspace, objective.customer, {**current, **_only(fields)})
    before = change_log_values(objective, clean)
    update_if_version(objective, expected_version=expected_version, changes=clean)
    _log(workspace=workspace, objective=objective, action=ChangeAction.CHANGED, before=before)
    return objective


def objective_delete(
    *,
    workspace: Workspace,
    objective: Objective,
    expected_version: int | None = None,
    linked_actions: LinkedActions = "keep",
) -> None:
    """Delete the objective; its actions are kept unlinked, or deleted too."""
    _same_workspace(workspace, objective, "Objective", "objective")
    if linked_actions not in ("keep", "delete"):
        raise ValidationError(
            {"linked_actions": "Say what becomes of its actions: “keep” or “delete”."}
        )
    with transaction.atomic():
        actions = list(Action.objects.filter(objective_id=objective.pk).order_by("pk"))
        count = len(actions)
        what = f"{count} action{'s' if count != 1 else ''}"
        tail = ""
        if count and linked_actions == "keep":
            tail = f"; its {what} stay on the action plan, no longer linked"
        elif count:
            tail = f" and its {what}"
        _log(
            workspace=workspace,
            objective=objective,
            action=ChangeAction.DELETED,
            summary=f"removed the objective “{objective.title}” from the plan{tail}",
        )
        delete_if_version(objective, expected_version=expected_version)
        if linked_actions == "delete":
            for action in actions:
                change_log_record(
                    workspace=workspace,
                    obj=action,
                    action=ChangeAction.DELETED,
                    account_id=action.customer_id,
                    label=f"action “{action.title}”",
                    summary=(
                        f"removed the action “{action.title}” with the objective"
                        f" “{objective.title}”"
                    ),
                )
            Action.objects.filter(pk__in=[action.pk for action in actions]).delete()
