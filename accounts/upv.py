"""Unrealized potential value (UPV) fed back from an account's Open Space.

Planning owns the Open Space matrix; when its total changes, planning calls
:func:`account_upv_set` so ``accounts`` stores the figure and rescores the
customer. ``accounts`` never imports ``planning``: the dependency points one
way, from planning to this service.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.dirty import mark_customers_dirty
from accounts.models import Customer
from kam.workspaces.models import Workspace

UPV_PLACES = Decimal("0.01")


@transaction.atomic
def account_upv_set(
    *, workspace: Workspace, customer: Customer, upv: Decimal | int | float | None
) -> Customer:
    """Store ``upv`` (``None``: the account has no Open Space any more) and rescore.

    The scorecard uses the Open Space UPV when there is one, otherwise the
    customer's ``upv_estimate``. Writing an unchanged value changes nothing and
    triggers no recompute.
    """
    if customer.workspace_id != workspace.pk:
        raise ValueError(f"{customer!r} belongs to another workspace")
    value = None if upv is None else Decimal(str(upv)).quantize(UPV_PLACES)
    # Not through update_if_version: the Open Space is its own document with
    # its own version; a KAM editing the customer's details at the same time
    # must not get a conflict because the matrix was saved. One UPDATE, so it
    # does not overwrite fields changed concurrently either.
    changed = (
        Customer.objects.filter(pk=customer.pk, workspace_id=workspace.pk)
        .exclude(upv_open_space=value)
        .update(upv_open_space=value, updated_at=timezone.now())
        if value is not None
        else Customer.objects.filter(
            pk=customer.pk, workspace_id=workspace.pk, upv_open_space__isnull=False
        ).update(upv_open_space=None, updated_at=timezone.now())
    )
    customer.upv_open_space = value
    if changed:
        mark_customers_dirty(workspace=workspace, customer_ids=[customer.pk])
    return customer
