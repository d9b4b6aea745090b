"""Sales-process alignment: which of our people serve each buying stage."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.workspaces.models import Workspace
from selling_center.models import (
    BuyingStage,
    SellingCenterMember,
    StageResource,
)
from selling_center.owners import check_member_of_account


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
