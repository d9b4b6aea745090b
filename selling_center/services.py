"""Writes for the selling center and SCAP alignment.

Every service checks that the objects it links belong to the same workspace
*and* the same key account, and says which one does not in words a KAM
understands. Objects of another workspace never reach a service: pages and the
API look everything up in the request's workspace first (404 otherwise).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Membership, Workspace
from selling_center.models import (
    AlignmentStatus,
    BuyingStage,
    Connection,
    ConnectionLevel,
    ConnectionLevelDecision,
    EngagementPlan,
    InterfaceAlignment,
    SellingCenterMember,
    SellingRole,
    StageResource,
)
from selling_center.owners import check_member_of_account
from selling_center.selectors import (
    COMMON_INTERFACE_PAIRS,
    connection_level_suggestion,
    is_customer_executive,
)

#: Our roles that make a connection to a customer executive an executive pair.
EXECUTIVE_SELLING_ROLES = frozenset({SellingRole.SPONSOR, SellingRole.EXECUTIVE})


# -- checks ---------------------------------------------------------------------


def _check_member_fields(
    *,
    workspace: Workspace,
    user: User | None,
    name: str,
    role: str,
    permanent: bool,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> None:
    errors: dict[str, str] = {}
    if user is None and not name.strip():
        errors["name"] = (
            "Choose a person of this workspace, or type the name of someone outside it."
        )
    if (
        user is not None
        and not Membership.objects.filter(workspace=workspace, user_id=user.pk).exists()
    ):
        errors["user"] = "This person is not a member of this workspace."
    if role not in SellingRole.values:
        errors["role"] = "Choose one of the eight selling-center roles."
    if not permanent and ends_on is None:
        errors["ends_on"] = "A temporary member needs an end date."
    if permanent and ends_on is not None:
        errors["ends_on"] = "Permanent members have no end date; mark them temporary instead."
    if role == SellingRole.CONTRIBUTOR and permanent:
        errors["permanent"] = (
            "Contributors join for a period or an opportunity: mark them temporary with dates."
        )
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date is before the start date."
    if errors:
        raise ValidationError(errors)


# -- selling-center members ---------------------------------------------------------


@transaction.atomic
def selling_center_member_create(
    *,
    workspace: Workspace,
    customer: Customer,
    role: str,
    user: User | None = None,
    name: str = "",
    title: str = "",
    email: str = "",
    permanent: bool = True,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    notes: str = "",
) -> SellingCenterMember:
    _check_member_fields(
        workspace=workspace,
        user=user,
        name=name,
        role=role,
        permanent=permanent,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    member = SellingCenterMember.objects.create(
        workspace=workspace,
        customer=customer,
        user=user,
        # A workspace user's name comes from their account, so it stays current.
        name="" if user is not None else name.strip(),
        title=title,
        email=email,
        role=role,
        permanent=permanent,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes,
    )
    change_log_record(
        workspace=workspace,
        obj=member,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        summary=f"added {member} to the selling center",
    )
    return member


@transaction.atomic
def selling_center_member_update(
    *,
    workspace: Workspace,
    member: SellingCenterMember,
    expected_version: int,
    **changes: Any,
) -> SellingCenterMember:
    merged = {
        key: changes.get(key, getattr(member, key))
        for key in ("user", "name", "role", "permanent", "starts_on", "ends_on")
    }
    _check_member_fields(workspace=workspace, **merged)
    if merged["user"] is not None:
        changes["name"] = ""
    allowed = {"user", "name", "title", "email", "role", "permanent", "starts_on", "ends_on"}
    allowed |= {"notes"}
    to_write = {key: value for key, value in changes.items() if key in allowed}
    before = change_log_values(member, to_write)
    update_if_version(member, expected_version=expected_version, changes=to_write)
    change_log_record(
        workspace=workspace,
        obj=member,
        action=ChangeAction.CHANGED,
        account_id=member.customer_id,
        changes=change_log_diff(member, before),
        label=member.display_name,
    )
    return member


@transaction.atomic
def selling_center_member_delete(
    *, workspace: Workspace, member: SellingCenterMember, expected_version: int | None = None
) -> None:
    change_log_record(
        workspace=workspace,
        obj=member,
        action=ChangeAction.DELETED,
        account_id=member.customer_id,
        summary=f"removed {member} from the selling center",
    )
    delete_if_version(member, expected_version=expected_version)


# -- interface alignment ------------------------------------------------------


def _check_interface(
    *, supplier_function: str, customer_function: str, status: str
) -> dict[str, str]:
    errors = {}
    if not supplier_function.strip():
        errors["supplier_function"] = "Name our function, e.g. Invoicing."
    if not customer_function.strip():
        errors["customer_function"] = "Name their function, e.g. Payables."
    if status not in AlignmentStatus.values:
        errors["status"] = "Choose aligned, issue or opportunity."
    return errors


@transaction.atomic
def interface_alignment_create(
    *,
    workspace: Workspace,
    customer: Customer,
    supplier_function: str,
    customer_function: str,
    status: str = AlignmentStatus.ALIGNED,
    owner: SellingCenterMember | None = None,
    notes: str = "",
) -> InterfaceAlignment:
    errors = _check_interface(
        supplier_function=supplier_function, customer_function=customer_function, status=status
    )
    if errors:
        raise ValidationError(errors)
    check_member_of_account(workspace=workspace, customer=customer, member=owner, field="owner")
    interface = InterfaceAlignment.objects.create(
        workspace=workspace,
        customer=customer,
        supplier_function=supplier_function.strip(),
        customer_function=customer_function.strip(),
        status=status,
        owner=owner,
        notes=notes,
    )
    change_log_record(
        workspace=workspace,
        obj=interface,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        summary=f"added the interface {interface} ({interface.get_status_display().lower()})",
    )
    return interface


@transaction.atomic
def interface_alignment_add_common(
    *, workspace: Workspace, customer: Customer, pair_index: int
) -> InterfaceAlignment:
    """Add one of the common pairs (one click on the alignment page)."""
    if not 0 <= pair_index < len(COMMON_INTERFACE_PAIRS):
        raise ValidationError("That suggestion does not exist.")
    supplier, customer_function = COMMON_INTERFACE_PAIRS[pair_index]
    existing = InterfaceAlignment.objects.filter(
        workspace=workspace,
        customer=customer,
        supplier_function__iexact=supplier,
        customer_function__iexact=customer_function,
    ).first()
    if existing is not None:
        return existing
    return interface_alignment_create(
        workspace=workspace,
        customer=customer,
        supplier_function=supplier,
        customer_function=customer_function,
    )


@transaction.atomic
def interface_alignment_update(
    *,
    workspace: Workspace,
    interface_alignment: InterfaceAlignment,
    expected_version: int,
    **changes: Any,
) -> InterfaceAlignment:
    current = {
        key: changes.get(key, getattr(interface_alignment, key))
        for key in ("supplier_function", "customer_function", "status")
    }
    errors = _check_interface(**current)
    if errors:
        raise ValidationError(errors)
    if "owner" in changes:
        check_member_of_account(
            workspace=workspace,
            customer=interface_alignment.customer,
            member=changes["owner"],
            field="owner",
        )
    allowed = {"supplier_function", "customer_function", "status", "owner", "notes"}
    to_write = {key: value for key, value in changes.items() if key in allowed}
    before = change_log_values(interface_alignment, to_write)
    update_if_version(interface_alignment, expected_version=expected_version, changes=to_write)
    change_log_record(
        workspace=workspace,
        obj=interface_alignment,
        action=ChangeAction.CHANGED,
        account_id=interface_alignment.customer_id,
        changes=change_log_diff(interface_alignment, before),
        label=f"the interface {interface_alignment}",
    )
    return interface_alignment


@transaction.atomic
def interface_alignment_delete(
    *,
    workspace: Workspace,
    interface_alignment: InterfaceAlignment,
    expected_version: int | None = None,
) -> None:
    change_log_record(
        workspace=workspace,
        obj=interface_alignment,
        action=ChangeAction.DELETED,
        account_id=interface_alignment.customer_id,
        summary=f"removed the interface {interface_alignment}",
    )
    delete_if_version(interface_alignment, expected_version=expected_version)


# -- connections ----------------------------------------------------------------


def _check_same_account(*, stakeholder: Stakeholder, member: SellingCenterMember) -> None:
    if stakeholder.workspace_id != member.workspace_id:
        raise ValidationError("These two people are not in the same workspace.")
    if stakeholder.customer_id != member.customer_id:
        raise ValidationError(
            {
                "member": f"{member.display_name} is on the selling center of another account"
                f" than {stakeholder.name}; connect people of the same key account."
            }
        )


@transaction.atomic
def connection_create(
    *,
    workspace: Workspace,
    stakeholder: Stakeholder,
    member: SellingCenterMember,
    executive_pair: bool | None = None,
    notes: str = "",
) -> Connection:
    _check_same_account(stakeholder=stakeholder, member=member)
    if executive_pair is None:
        # Our sponsor or executive with one of their executives: the pair the
        # SCAP asks for, marked without an extra click.
        executive_pair = member.role in EXECUTIVE_SELLING_ROLES and is_customer_executive(
            stakeholder
        )
    try:
        with transaction.atomic():
            connection = Connection.objects.create(
                workspace=workspace,
                stakeholder=stakeholder,
                member=member,
                executive_pair=executive_pair,
                notes=notes,
            )
    except IntegrityError:
        raise ValidationError(
            f"{member.display_name} is already connected to {stakeholder.name}."
        ) from None
    change_log_record(
        workspace=workspace,
        obj=connection,
        action=ChangeAction.CREATED,
        account_id=stakeholder.customer_id,
        label=_connection_label(connection),
        summary=f"connected {member.display_name} with {stakeholder.name}",
    )
    return connection


def _connection_label(connection: Connection) -> str:
    return f"{connection.member.display_name} with {connection.stakeholder.name}"


@transaction.atomic
def connection_update(
    *, workspace: Workspace, connection: Connection, **changes: Any
) -> Connection:
    before = change_log_values(connection, [k for k in ("executive_pair", "notes") if k in changes])
    for key in ("executive_pair", "notes"):
        if key in changes:
            setattr(connection, key, changes[key])
    connection.save(update_fields=[key for key in ("executive_pair", "notes") if key in changes])
    change_log_record(
        workspace=workspace,
        obj=connection,
        action=ChangeAction.CHANGED,
        account_id=connection.stakeholder.customer_id,
        changes=change_log_diff(connection, before),
        label=f"the connection {_connection_label(connection)}",
    )
    return connection


@transaction.atomic
def connection_delete(*, workspace: Workspace, connection: Connection) -> None:
    _log_disconnect(workspace=workspace, connection=connection)
    connection.delete()


def _log_disconnect(*, workspace: Workspace, connection: Connection) -> None:
    change_log_record(
        workspace=workspace,
        obj=connection,
        action=ChangeAction.DELETED,
        account_id=connection.stakeholder.customer_id,
        label=_connection_label(connection),
        summary=f"disconnected {connection.member.display_name} from {connection.stakeholder.name}",
    )


@transaction.atomic
def connection_toggle(
    *, workspace: Workspace, stakeholder: Stakeholder, member: SellingCenterMember
) -> Connection | None:
    """Connect the two people, or disconnect them if they were; returns the connection or None."""
    _check_same_account(stakeholder=stakeholder, member=member)
    existing = (
        Connection.objects.select_for_update()
        .filter(workspace=workspace, stakeholder=stakeholder, member=member)
        .first()
    )
    if existing is not None:
        _log_disconnect(workspace=workspace, connection=existing)
        existing.delete()
        return None
    return connection_create(workspace=workspace, stakeholder=stakeholder, member=member)


# -- engagement plans -------------------------------------------------------------


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


# -- sales-process alignment ----------------------------------------------------------


@transaction.atomic
def stage_resource_add(
    *,
    workspace: Workspace,
    customer: Customer,
    stage: str,
    member: SellingCenterMember,
    notes: str = "",
) -> StageResource:
    if stage not in BuyingStage.values:
        raise ValidationError({"stage": "Choose one of the eight buying stages."})
    check_member_of_account(workspace=workspace, customer=customer, member=member, field="member")
    try:
        with transaction.atomic():
            resource = StageResource.objects.create(
                workspace=workspace, customer=customer, stage=stage, member=member, notes=notes
            )
    except IntegrityError:
        raise ValidationError(
            {
                "member": f"{member.display_name} is already assigned to"
                f" {BuyingStage(stage).label.lower()}."
            }
        ) from None
    change_log_record(
        workspace=workspace,
        obj=resource,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        label=_resource_label(resource),
        summary=f"assigned {member.display_name} to {BuyingStage(stage).label.lower()}",
    )
    return resource


def _resource_label(resource: StageResource) -> str:
    return f"{resource.member.display_name} at {resource.get_stage_display().lower()}"


@transaction.atomic
def stage_resource_update(
    *, workspace: Workspace, stage_resource: StageResource, notes: str
) -> StageResource:
    before = change_log_values(stage_resource, ["notes"])
    stage_resource.notes = notes
    stage_resource.save(update_fields=["notes"])
    change_log_record(
        workspace=workspace,
        obj=stage_resource,
        action=ChangeAction.CHANGED,
        account_id=stage_resource.customer_id,
        changes=change_log_diff(stage_resource, before),
        label=_resource_label(stage_resource),
    )
    return stage_resource


@transaction.atomic
def stage_resource_remove(*, workspace: Workspace, stage_resource: StageResource) -> None:
    change_log_record(
        workspace=workspace,
        obj=stage_resource,
        action=ChangeAction.DELETED,
        account_id=stage_resource.customer_id,
        label=_resource_label(stage_resource),
        summary=f"took {stage_resource.member.display_name} off"
        f" {stage_resource.get_stage_display().lower()}",
    )
    stage_resource.delete()


# -- connection level ---------------------------------------------------------------


@transaction.atomic
def connection_level_decide(
    *,
    workspace: Workspace,
    customer: Customer,
    level: str,
    reason: str = "",
    decided_by: User | None,
) -> ConnectionLevelDecision:
    """Record the KAM's connection level; a level other than the suggestion needs a reason."""
    if level not in ConnectionLevel.values:
        raise ValidationError({"level": "Choose transactional, consultative or transformative."})
    suggested = connection_level_suggestion(workspace=workspace, customer=customer).level
    if level != suggested and not reason.strip():
        raise ValidationError(
            {
                "reason": f"The suggestion is {ConnectionLevel(suggested).label.lower()};"
                " say why you choose another level."
            }
        )
    decision = ConnectionLevelDecision.objects.create(
        workspace=workspace,
        customer=customer,
        suggested_level=suggested,
        level=level,
        reason=reason.strip(),
        decided_by=decided_by,
    )
    change_log_record(
        workspace=workspace,
        obj=decision,
        action=ChangeAction.DECIDED,
        account_id=customer.pk,
        label=f"the connection level of {customer.name}",
        summary=f"set the connection level of {customer.name} to"
        f" {decision.get_level_display().lower()}"
        + (
            f" (suggested: {decision.get_suggested_level_display().lower()})"
            if level != suggested
            else ""
        ),
    )
    return decision
