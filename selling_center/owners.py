"""The one owner rule: who on our side may own something at a key account.

An owner (of a stakeholder relationship, an interface, an engagement plan) or a
stage resource is a member of *that account's* selling center. The selling center's
services check it here, and the buying center reaches the same rule through its
seam (``buying_center.owners``), registered from ``SellingCenterConfig.ready()``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.models import Customer
from kam.workspaces.models import Workspace
from selling_center.models import SellingCenterMember


def check_member_of_account(
    *, workspace: Workspace, customer: Customer, member: SellingCenterMember | None, field: str
) -> None:
    """Refuse, on ``field``, a member of another workspace or of another account's team."""
    if member is None:
        return
    if member.workspace_id != workspace.pk:
        # Worded exactly like an id that does not exist: nothing leaks across workspaces.
        raise ValidationError({field: f"Selling center member {member.pk} does not exist."})
    if member.customer_id != customer.pk:
        raise ValidationError(
            {
                field: f"{member.display_name} is on the selling center of another account,"
                f" not of {customer.name}: choose someone from {customer.name}'s selling"
                " center, or add them to it first."
            }
        )


class SellingCenterOwners:
    """The selling center's answer to ``buying_center.owners.OwnerDirectory``."""

    def owner_choices(
        self, *, workspace: Workspace, customer: Customer
    ) -> list[SellingCenterMember]:
        """Who may own a relationship: the account's selling-center members."""
        return list(
            SellingCenterMember.objects.filter(workspace=workspace, customer=customer)
            .select_related("user")
            .order_by("role", "name", "pk")
        )

    def check_owner(
        self,
        *,
        workspace: Workspace,
        customer: Customer,
        owner: SellingCenterMember | None,
        field: str,
    ) -> None:
        check_member_of_account(workspace=workspace, customer=customer, member=owner, field=field)
