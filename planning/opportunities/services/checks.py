"""Checks every opportunity writer shares: objects of this workspace *and* this account.

The models only check the workspace, so an opportunity of Borealis Steel could
otherwise point at a cell, a team member or a stakeholder of Acme Mining.
Messages name the field and both accounts.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.workspaces.models import Membership, Workspace
from planning.models import (
    OpenSpaceCell,
)
from selling_center.models import SellingCenterMember


def _only(changes: Mapping[str, Any], allowed: frozenset[str], noun: str) -> dict[str, Any]:
    unknown = set(changes) - allowed
    if unknown:
        # A programming error, not bad input: forms and the API pass known fields only.
        raise TypeError(f"cannot set {', '.join(sorted(unknown))} on {noun}")
    return dict(changes)


def _check_workspace(workspace: Workspace, obj: Model | None, noun: str, field: str) -> None:
    if obj is not None and getattr(obj, "workspace_id", None) != workspace.pk:
        # Worded like an id that does not exist: nothing leaks across workspaces.
        raise ValidationError({field: f"{noun} {obj.pk} does not exist."})


def _other_account(field: str, what: str, theirs: str, ours: str, hint: str) -> ValidationError:
    return ValidationError(
        {field: f"{what} belongs to another account ({theirs}), not to {ours}. {hint}"}
    )


def check_cell(*, workspace: Workspace, customer: Customer, cell: OpenSpaceCell | None) -> None:
    if cell is None:
        return
    _check_workspace(workspace, cell, "Open Space cell", "open_space_cell")
    open_space = cell.open_space
    if open_space.customer_id != customer.pk:
        raise _other_account(
            "open_space_cell",
            "That Open Space cell",
            open_space.customer.name,
            customer.name,
            f"Link a cell of {customer.name}'s own Open Space.",
        )


def check_member(
    *, workspace: Workspace, customer: Customer, member: SellingCenterMember, field: str
) -> None:
    _check_workspace(workspace, member, "Selling-center member", field)
    if member.customer_id != customer.pk:
        raise _other_account(
            field,
            f"That team member ({member})",
            member.customer.name,
            customer.name,
            f"Choose someone from {customer.name}'s selling center.",
        )


def check_stakeholder(
    *, workspace: Workspace, customer: Customer, stakeholder: Stakeholder | None, field: str
) -> None:
    if stakeholder is None:
        return
    _check_workspace(workspace, stakeholder, "Stakeholder", field)
    if stakeholder.customer_id != customer.pk:
        raise _other_account(
            field,
            f"That stakeholder ({stakeholder.name})",
            stakeholder.customer.name,
            customer.name,
            f"Choose someone from {customer.name}'s buying center.",
        )


def check_user(*, workspace: Workspace, user: Any, field: str, noun: str) -> None:
    """Owners of opportunities and tasks are people of this workspace."""
    if user is None:
        return
    if not Membership.objects.filter(workspace=workspace, user_id=user.pk).exists():
        raise ValidationError(
            {field: f"{noun} must be a member of this workspace; user {user.pk} is not."}
        )


def _choice(value: Any, choices: Any, field: str, noun: str, *, blank: bool = False) -> str:
    if blank and value in ("", None):
        return ""
    if value not in choices.values:
        shown = ", ".join(f"{v} ({label.lower()})" for v, label in choices.choices)
        raise ValidationError({field: f"{value!r} is not a {noun}. Choose one of: {shown}."})
    return str(value)


def _decimal(value: Any, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label} must be a number; you gave {value!r}."}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label} must be a finite number."})
    return number
