"""Interface alignment: which of our functions faces which of the customer's, owned by whom."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from selling_center.models import (
    AlignmentStatus,
    InterfaceAlignment,
    SellingCenterMember,
)
from selling_center.owners import check_member_of_account
from selling_center.selectors import COMMON_INTERFACE_PAIRS


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
