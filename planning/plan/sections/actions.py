"""The plan's action plan: the account's actions, still to do and recently done, and the add form.

The fragment is ``templates/planning/plan/_actions.html``; it reads ``section``.
Seven to eleven queries whatever the number of actions (the list, the members,
the done count, and the add form's choices).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from accounts.models import Customer
from kam.workspaces.models import Workspace
from planning.plan.action_forms import ActionForm
from planning.plan.action_selectors import account_actions


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
    }
