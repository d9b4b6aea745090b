"""Connections between our people and the customer's, and the account's connection level."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.workspaces.models import Workspace
from selling_center.models import (
    Connection,
    ConnectionLevel,
    ConnectionLevelDecision,
    SellingCenterMember,
    SellingRole,
)
from selling_center.selectors import connection_level_suggestion, is_customer_executive

#: Our roles that make a connection to a customer executive an executive pair.
EXECUTIVE_SELLING_ROLES = frozenset({SellingRole.SPONSOR, SellingRole.EXECUTIVE})


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


# -- connection level -------------------------------------------------------------------


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
