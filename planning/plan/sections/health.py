"""The plan's health section: the rating, every reason with its evidence and age, the
inputs health could not judge, a link (and where it takes one click, a button) to
fix each line of evidence, the manual override and its form, and the trend.

Three queries whatever the account (the plan page's query count is asserted).
"""

from __future__ import annotations

import datetime
from typing import Any

from accounts.models import Customer
from kam.permissions import Capability, role_can
from kam.workspaces.models import Membership, Workspace
from planning.health.fixes import fixable
from planning.health.forms import ClearOverrideForm, OverrideForm
from planning.health.selectors import account_health


def can_override(*, workspace: Workspace, user: Any) -> bool:
    """Whoever may edit the account's content may set its health by hand."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    role = (
        Membership.objects.filter(workspace=workspace, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return role_can(role, Capability.EDIT_ACCOUNTS)


def section(
    *,
    workspace: Workspace,
    customer: Customer,
    user: Any,
    today: datetime.date,
    form: OverrideForm | None = None,
) -> dict[str, Any]:
    health = account_health(workspace=workspace, customer=customer, today=today)
    if form is None:
        initial: dict[str, Any] = {"version": health.version}
        if health.override is not None and health.override.holds:
            initial.update(
                rating=health.override.rating,
                reason=health.override.reason,
                until=health.override.until,
            )
        form = OverrideForm(initial=initial)
    editor = can_override(workspace=workspace, user=user)
    return {
        "health": health,
        # Each active reason with its evidence linked to where it is fixed (no query).
        "why": fixable(customer.pk, health.active),
        "override_form": form,
        "clear_form": ClearOverrideForm(initial={"version": health.version}),
        "can_override": editor,
        "can_fix": editor,
        "today": today,
    }
