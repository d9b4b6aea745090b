"""Engagement plans: how we win over one stakeholder, and who of us does it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from selling_center.models import (
    EngagementPlan,
    SellingCenterMember,
)
from selling_center.owners import check_member_of_account


def _check_plan(
    *, stakeholder: Stakeholder, owner: SellingCenterMember | None, objective: str
) -> None:
    if not objective.strip():
        raise ValidationError({"objective": "Say what we want to achieve with this executive."})
    if owner is not None:
        check_member_of_account(
            workspace=stakeholder.workspace,
            customer=stakeholder.customer,
            member=owner,
            field="owner",
        )


@transaction.atomic
def engagement_plan_create(
    *,
    workspace: Workspace,
    stakeholder: Stakeholder,
    objective: str,
    owner: SellingCenterMember | None = None,
    cadence: str = "",
    next_step: str = "",
    next_step_due: datetime.date | None = None,
) -> EngagementPlan:
    _check_plan(stakeholder=stakeholder, owner=owner, objective=objective)
    plan = EngagementPlan.objects.create(
        workspace=workspace,
        stakeholder=stakeholder,
        owner=owner,
        objective=objective.strip(),
        cadence=cadence,
        next_step=next_step,
        next_step_due=next_step_due,
    )
    change_log_record(
        workspace=workspace,
        obj=plan,
        action=ChangeAction.CREATED,
        account_id=stakeholder.customer_id,
        label=_plan_label(plan),
        summary=f"planned the engagement of {stakeholder.name}: {plan.objective[:120]}",
    )
    return plan


def _plan_label(plan: EngagementPlan) -> str:
    return f"the engagement plan for {plan.stakeholder.name}"


@transaction.atomic
def engagement_plan_update(
    *,
    workspace: Workspace,
    engagement_plan: EngagementPlan,
    expected_version: int,
    **changes: Any,
) -> EngagementPlan:
    stakeholder = changes.pop("stakeholder", engagement_plan.stakeholder)
    if stakeholder.pk != engagement_plan.stakeholder_id:
        raise ValidationError({"stakeholder": "A plan stays with its executive; create a new one."})
    _check_plan(
        stakeholder=stakeholder,
        owner=changes.get("owner", engagement_plan.owner),
        objective=changes.get("objective", engagement_plan.objective),
    )
    allowed = {"owner", "objective", "cadence", "next_step", "next_step_due"}
    to_write = {key: value for key, value in changes.items() if key in allowed}
    before = change_log_values(engagement_plan, to_write)
    update_if_version(engagement_plan, expected_version=expected_version, changes=to_write)
    change_log_record(
        workspace=workspace,
        obj=engagement_plan,
        action=ChangeAction.CHANGED,
        account_id=stakeholder.customer_id,
        changes=change_log_diff(engagement_plan, before),
        label=_plan_label(engagement_plan),
    )
    return engagement_plan


@transaction.atomic
def engagement_plan_delete(
    *, workspace: Workspace, engagement_plan: EngagementPlan, expected_version: int | None = None
) -> None:
    change_log_record(
        workspace=workspace,
        obj=engagement_plan,
        action=ChangeAction.DELETED,
        account_id=engagement_plan.stakeholder.customer_id,
        label=_plan_label(engagement_plan),
    )
    delete_if_version(engagement_plan, expected_version=expected_version)
