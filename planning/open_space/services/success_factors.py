"""Critical success factors of an account: what the customer must get right."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import VersionConflict, delete_if_version, update_if_version
from planning.models import CSF_RECOMMENDED_RANGE, CriticalSuccessFactor
from planning.open_space.services._base import Direction, _move


def success_factor_warning(count: int) -> str | None:
    """A plain-words warning when an account has fewer than 2 or more than 5 CSFs."""
    low, high = CSF_RECOMMENDED_RANGE
    if count < low:
        have = "no critical success factor" if count == 0 else "only one critical success factor"
        return (
            f"This account has {have}. Name {low} to {high}: the few things the customer must"
            " get right to win in its own market."
        )
    if count > high:
        return (
            f"This account has {count} critical success factors. Keep the {high} that matter"
            " most: with more, everything looks aligned and nothing stands out."
        )
    return None


def _check_success_factor(
    customer: Customer, *, title: str, description: str, owner: Stakeholder | None
) -> dict[str, Any]:
    title, description = title.strip(), description.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = 'Say what the customer must get right, e.g. "Grow exploration in Africa".'
    elif len(title) > 200:
        errors["title"] = f"The title is {len(title)} characters long; keep it to 200."
    if owner is not None:
        if owner.workspace_id != customer.workspace_id:
            errors["owner"] = f"Stakeholder {owner.pk} does not exist."
        elif owner.customer_id != customer.pk:
            errors["owner"] = (
                f"That stakeholder ({owner.name}) belongs to another account"
                f" ({owner.customer.name}), not to {customer.name}."
            )
    if errors:
        raise ValidationError(errors)
    return {"title": title, "description": description, "owner": owner}


@transaction.atomic
def success_factor_add(
    *, customer: Customer, title: str, description: str = "", owner: Stakeholder | None = None
) -> CriticalSuccessFactor:
    fields = _check_success_factor(customer, title=title, description=description, owner=owner)
    top = CriticalSuccessFactor.objects.filter(customer_id=customer.pk).aggregate(
        top=Max("position")
    )["top"]
    factor = CriticalSuccessFactor.objects.create(
        workspace_id=customer.workspace_id,
        customer=customer,
        position=0 if top is None else top + 1,
        **fields,
    )
    _log_factor(factor, ChangeAction.CREATED, summary=f"added the critical success factor {factor}")
    return factor


def _log_factor(factor: CriticalSuccessFactor, action: str, **more: Any) -> None:
    change_log_record(
        workspace=factor.workspace_id,
        obj=factor,
        action=action,
        account_id=factor.customer_id,
        **more,
    )


@transaction.atomic
def success_factor_update(
    *,
    factor: CriticalSuccessFactor,
    expected_version: int,
    title: str | None = None,
    description: str | None = None,
    owner: Stakeholder | Literal[False] | None = False,
) -> CriticalSuccessFactor:
    """Change a CSF if nobody else did since ``expected_version`` (``owner=False``: keep it)."""
    current = CriticalSuccessFactor.objects.select_related("customer", "owner").get(pk=factor.pk)
    fields = _check_success_factor(
        current.customer,
        title=current.title if title is None else title,
        description=current.description if description is None else description,
        owner=current.owner if owner is False else owner,
    )
    before = change_log_values(current, fields)
    try:
        update_if_version(current, expected_version=expected_version, changes=fields)
    except VersionConflict:
        raise VersionConflict(
            CriticalSuccessFactor.objects.select_related("owner").get(pk=factor.pk),
            expected_version,
        ) from None
    _log_factor(current, ChangeAction.CHANGED, changes=change_log_diff(current, before))
    return current


@transaction.atomic
def success_factor_remove(
    *, factor: CriticalSuccessFactor, expected_version: int | None = None
) -> None:
    """Delete a CSF; the cells aligned with it lose their alignment (not their values)."""
    _log_factor(
        factor, ChangeAction.DELETED, summary=f"removed the critical success factor {factor}"
    )
    try:
        delete_if_version(factor, expected_version=expected_version)
    except VersionConflict:
        raise VersionConflict(
            CriticalSuccessFactor.objects.get(pk=factor.pk), expected_version or 0
        ) from None


@transaction.atomic
def success_factor_move(
    *, factor: CriticalSuccessFactor, direction: Direction
) -> CriticalSuccessFactor:
    """Swap a CSF with its neighbour in the account's order."""
    ordered = list(
        CriticalSuccessFactor.objects.select_for_update()
        .filter(customer_id=factor.customer_id)
        .order_by("position", "pk")
    )
    ordered = _move(ordered, factor.pk, direction, group_of=lambda f: "", noun="factor")
    changed = []
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            changed.append(item)
    # Reordering is not an edit of the factor's content: no version bump, no conflict.
    CriticalSuccessFactor.objects.bulk_update(changed, ["position"])
    moved = next(item for item in ordered if item.pk == factor.pk)
    _log_factor(
        moved,
        ChangeAction.MOVED,
        summary=f"moved the critical success factor {moved} {direction}",
    )
    return moved
