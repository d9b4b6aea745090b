"""Members of the selling center: who of us works the account, in which role, until when."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Membership, Workspace
from selling_center.models import (
    SellingCenterMember,
    SellingRole,
)


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
