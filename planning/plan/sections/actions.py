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


def section(
    *, workspace: Workspace, customer: Customer, user: Any, today: datetime.date
) -> dict[str, Any]:
    kwargs = {"customer_id": customer.pk}
    return {
        "actions": account_actions(workspace=workspace, customer=customer, today=today),
        "form": ActionForm(workspace=workspace, customer=customer),
        "add_url": reverse("account-plan-action-add", kwargs=kwargs),
        "list_url": reverse("account-plan-actions", kwargs=kwargs),
        "today": today,
        # Who last added, changed, completed or removed an action here, and when.
        "last_change": last_change(workspace, customer, ("action",)),
    }
