"""Once per plan: starting it (freezing the metrics' baseline) and naming its owner.

The :class:`AccountPlan` row is created here, lazily, by the first of these
writes; opening the plan page never creates it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import VersionConflict, update_if_version
from kam.workspaces.models import Membership, Workspace
from planning.models import AccountPlan
from planning.plan.metrics import snapshot
from planning.reviews.services import review_cadence_propose

#: "Not given": an update that leaves the owner as it is (a PATCH without ``owner``).
_KEEP: Any = object()


def _check_customer(workspace: Workspace, customer: Customer) -> None:
    if customer.workspace_id != workspace.pk:
        raise ValidationError({"customer": f"Customer {customer.pk} does not exist."})


def _check_owner(workspace: Workspace, owner: Any) -> None:
    if owner is None:
        return
    if not Membership.objects.filter(workspace=workspace, user_id=owner.pk).exists():
        raise ValidationError(
            {"owner": "The plan owner must be a member of this workspace; pick someone listed."}
        )


def _label(customer: Customer) -> str:
    return f"Plan of {customer.name}"


def _new_plan(workspace: Workspace, customer: Customer, owner: Any) -> AccountPlan:
    return AccountPlan.objects.create(workspace=workspace, customer=customer, owner=owner)


@transaction.atomic
def plan_start(
    *,
    workspace: Workspace,
    customer: Customer,
    today: datetime.date | None = None,
    expected_version: int | None = None,
) -> AccountPlan:
    """Start the plan today: the leading indicators as they stand become its frozen baseline.

    ``expected_version`` is the version of the plan row the caller read (the API's
    If-Match); ``None`` skips the check (the page's button, where starting twice is
    refused anyway). A plan row that does not exist yet is created.
    """
    _check_customer(workspace, customer)
    today = today or timezone.localdate()
    plan = AccountPlan.objects.select_for_update().filter(customer=customer).first()
    if plan is not None and expected_version is not None and plan.version != expected_version:
        raise VersionConflict(plan, expected_version)
    if plan is not None and plan.started_on is not None:
        raise ValidationError(
            {
                "started_on": f"This plan started on {plan.started_on.isoformat()};"
                " its baseline stays frozen so the metrics keep meaning something."
            }
        )
    baseline = snapshot(customer, today=today).as_baseline()
    if plan is None:
        plan = AccountPlan(workspace=workspace, customer=customer, owner_id=customer.owner_id)
        plan.started_on = today
        plan.baseline = baseline
        plan.save()
    else:
        # The row exists (an owner was named first): move its version on, so a client
        # holding the old ETag learns the plan changed.
        update_if_version(
            plan,
            expected_version=plan.version,
            changes={"started_on": today, "baseline": baseline},
        )
    change_log_record(
        workspace=workspace,
        obj=plan,
        action=ChangeAction.CHANGED,
        account_id=customer.pk,
        label=_label(customer),
        changes=[
            {"field": "started_on", "label": "started on", "from": "", "to": today.isoformat()}
        ],
        summary=(
            f"started the plan of {customer.name} and froze its baseline:"
            f" {baseline['opportunities']} opportunities, {baseline['stakeholders']} stakeholders"
        ),
    )
    # The start of the plan is its planning session: propose the review cadence after it.
    review_cadence_propose(workspace=workspace, customer=customer, planned_on=today)
    return plan


@transaction.atomic
def plan_owner_set(
    *, workspace: Workspace, customer: Customer, owner: Any, expected_version: int | None
) -> AccountPlan:
    """Name who keeps the plan; ``expected_version`` None or 0 when no plan row existed yet."""
    _check_customer(workspace, customer)
    _check_owner(workspace, owner)
    plan = AccountPlan.objects.filter(customer=customer).first()
    if plan is None:
        if expected_version:
            raise VersionConflict(AccountPlan(customer=customer), expected_version)
        plan = _new_plan(workspace, customer, owner)
        change_log_record(
            workspace=workspace,
            obj=plan,
            action=ChangeAction.CREATED,
            account_id=customer.pk,
            label=_label(customer),
            summary=f"made {_name(owner)} the owner of the plan of {customer.name}",
        )
        return plan
    if not expected_version:
        raise VersionConflict(plan, 0)
    return account_plan_update(
        workspace=workspace, account_plan=plan, expected_version=expected_version, owner=owner
    )


def _name(user: Any) -> str:
    if user is None:
        return "nobody"
    return str(user.get_full_name() or user.get_username())


@transaction.atomic
def account_plan_create(
    *, workspace: Workspace, customer: Customer, owner: Any = None
) -> AccountPlan:
    """The plan row of ``customer`` (the API's create); one per account."""
    _check_customer(workspace, customer)
    _check_owner(workspace, owner)
    if AccountPlan.objects.filter(customer=customer).exists():
        raise ValidationError(
            {"customer": f"{customer.name} has a plan already; change that one instead."}
        )
    plan = _new_plan(workspace, customer, owner if owner is not None else customer.owner)
    change_log_record(
        workspace=workspace,
        obj=plan,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        label=_label(customer),
    )
    return plan


@transaction.atomic
def account_plan_update(
    *,
    workspace: Workspace,
    account_plan: AccountPlan,
    expected_version: int,
    owner: Any = _KEEP,
) -> AccountPlan:
    """Change who keeps the plan (the only field a person changes here)."""
    if account_plan.workspace_id != workspace.pk:
        raise ValidationError({"account_plan": f"Plan {account_plan.pk} does not exist."})
    if owner is _KEEP:
        owner = account_plan.owner
    _check_owner(workspace, owner)
    before = change_log_values(account_plan, ["owner"])
    update_if_version(
        account_plan,
        expected_version=expected_version,
        changes={"owner_id": owner.pk if owner is not None else None},
    )
    account_plan.owner = owner
    change_log_record(
        workspace=workspace,
        obj=account_plan,
        action=ChangeAction.CHANGED,
        account_id=account_plan.customer_id,
        label=f"Plan of {account_plan.customer.name}",
        changes=change_log_diff(account_plan, before),
    )
    return account_plan
