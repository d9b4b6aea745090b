"""The plan's action plan: the account's actions, still to do and recently done, and the add form.

The fragment is ``templates/planning/plan/_actions.html``; it reads ``section``.
A fixed number of queries whatever the number of actions (the lists, the members,
the done count, the last change and the add form's choices).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from accounts.models import Customer
from kam.workspaces.models import Workspace
from planning.plan.action_forms import ActionForm
from planning.plan.action_selectors import account_actions
from planning.plan.sections.swot import last_change

#: Actions still to do shown on the plan (overdue first): the plan is read between two
#: calls, and an account with a hundred open actions has its own page for all of them.
PLAN_SHOWN = 20


def section(
    *,
    workspace: Workspace,
    customer: Customer,
    user: Any,
    today: datetime.date,
    shown: int | None = PLAN_SHOWN,
) -> dict[str, Any]:
    """``shown`` caps the actions still to do that are listed (``None``: all of them)."""
    kwargs = {"customer_id": customer.pk}
    actions = account_actions(workspace=workspace, customer=customer, today=today)
    open_shown = actions.open if shown is None else actions.open[:shown]
    return {
        "actions": actions,
        "open_shown": open_shown,
        "open_more": len(actions.open) - len(open_shown),
        "form": ActionForm(workspace=workspace, customer=customer),
        "add_url": reverse("account-plan-action-add", kwargs=kwargs),
        "list_url": reverse("account-plan-actions", kwargs=kwargs),
        "today": today,
        # Who last added, changed, completed or removed an action here, and when.
        "last_change": last_change(workspace, customer, ("action",)),
    }
