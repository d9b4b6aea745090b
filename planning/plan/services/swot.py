"""SWOT items of an account plan, and the data suggestions a KAM accepts or dismisses.

Every write logs to the change log in its own transaction, with the account's
id, so the review and the account's history read what changed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from planning.models import SwotDismissal, SwotItem, SwotKind
from planning.plan.swot_suggestions import Suggestion, all_suggestions, taken_keys

SWOT_FIELDS = frozenset({"kind", "text", "implication"})
TEXT_LIMIT = 300


def _only(fields: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    unknown = set(fields) - allowed
    if unknown:
        # A programming error, not bad input: forms and the API pass known fields only.
        raise TypeError(f"cannot set {', '.join(sorted(unknown))} on a SWOT item")
    return dict(fields)


def _same_workspace(workspace: Workspace, obj: Any, noun: str, field: str) -> None:
    if getattr(obj, "workspace_id", None) != workspace.pk:
        # Worded like an id that does not exist: nothing leaks across workspaces.
        raise ValidationError({field: f"{noun} {obj.pk} does not exist."})


def _clean(state: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    kind = state.get("kind")
    if kind not in SwotKind.values:
        errors["kind"] = [
            f"{kind!r} is not a SWOT quadrant. Choose strength, weakness, opportunity or threat."
            if kind
            else "Choose the quadrant: strength, weakness, opportunity or threat."
        ]
    text = str(state.get("text") or "").strip()
    if not text:
        errors["text"] = [
            "Say what the strength, weakness, opportunity or threat is, in one sentence."
        ]
    elif len(text) > TEXT_LIMIT:
        errors["text"] = [
            f"Keep it to {TEXT_LIMIT} characters (this is {len(text)}); put the detail in the"
            " implication."
        ]
    implication = str(state.get("implication") or "").strip()
    if errors:
        raise ValidationError(errors)
    return {**state, "kind": kind, "text": text, "implication": implication}


def _log(
    *,
    workspace: Workspace,
    item: SwotItem,
    action: str,
    before: dict[str, Any] | None = None,
    summary: str | None = None,
) -> None:
    quadrant = SwotKind(item.kind).label.lower()
    change_log_record(
        workspace=workspace,
        obj=item,
        action=action,
        account_id=item.customer_id,
        label=f"{quadrant} “{item.text}”",
        changes=change_log_diff(item, before) if before is not None else None,
        summary=summary
        or (
            f"added the {quadrant} “{item.text}” to the SWOT"
            if action == ChangeAction.CREATED
            else f"removed the {quadrant} “{item.text}” from the SWOT"
            if action == ChangeAction.DELETED
            else None
        ),
    )


@transaction.atomic
def swot_item_create(
    *, workspace: Workspace, customer: Customer, suggestion_key: str = "", **fields: Any
) -> SwotItem:
    _same_workspace(workspace, customer, "Account", "customer")
    clean = _clean({"implication": "", **_only(fields, SWOT_FIELDS)})
    item = SwotItem(
        workspace=workspace, customer=customer, suggestion_key=suggestion_key[:120], **clean
    )
    item.save()
    _log(workspace=workspace, item=item, action=ChangeAction.CREATED)
    return item


@transaction.atomic
def swot_item_update(
    *, workspace: Workspace, swot_item: SwotItem, expected_version: int, **fields: Any
) -> SwotItem:
    _same_workspace(workspace, swot_item, "SWOT item", "swot_item")
    current = {name: getattr(swot_item, name) for name in SWOT_FIELDS}
    clean = _clean({**current, **_only(fields, SWOT_FIELDS)})
    before = change_log_values(swot_item, clean)
    update_if_version(swot_item, expected_version=expected_version, changes=clean)
    _log(workspace=workspace, item=swot_item, action=ChangeAction.CHANGED, before=before)
    return swot_item


def swot_item_delete(
    *, workspace: Workspace, swot_item: SwotItem, expected_version: int | None = None
) -> None:
    """Delete the item; its actions stay on the action plan, no longer linked to it."""
    _same_workspace(workspace, swot_item, "SWOT item", "swot_item")
    with transaction.atomic():
        _log(workspace=workspace, item=swot_item, action=ChangeAction.DELETED)
        delete_if_version(swot_item, expected_version=expected_version)


def _offered(customer: Customer, key: str, today: datetime.date) -> Suggestion:
    gone = ValidationError(
        {
            "suggestion": (
                "That suggestion is no longer offered: it was accepted or dismissed already,"
                " or the data behind it changed. Look at the SWOT again."
            )
        }
    )
    if key in taken_keys(customer):
        raise gone
    for suggestion in all_suggestions(customer, today=today):
        if suggestion.key == key:
            return suggestion
    raise gone


@transaction.atomic
def swot_suggestion_accept(
    *, workspace: Workspace, customer: Customer, key: str, today: datetime.date | None = None
) -> SwotItem:
    """Turn a suggestion still on offer into a SWOT item with its text and implication."""
    _same_workspace(workspace, customer, "Account", "customer")
    suggestion = _offered(customer, key, today or timezone.localdate())
    item = SwotItem(
        workspace=workspace,
        customer=customer,
        kind=suggestion.kind,
        text=suggestion.text[:TEXT_LIMIT],
        implication=suggestion.implication,
        suggestion_key=suggestion.key,
    )
    item.save()
    quadrant = SwotKind(item.kind).label.lower()
    _log(
        workspace=workspace,
        item=item,
        action=ChangeAction.CREATED,
        summary=f"accepted the suggested {quadrant} “{item.text}” into the SWOT",
    )
    return item


@transaction.atomic
def swot_suggestion_dismiss(
    *,
    workspace: Workspace,
    customer: Customer,
    key: str,
    user: Any = None,
    today: datetime.date | None = None,
) -> SwotDismissal:
    """Never offer this suggestion again for this account."""
    _same_workspace(workspace, customer, "Account", "customer")
    suggestion = _offered(customer, key, today or timezone.localdate())
    try:
        with transaction.atomic():
            dismissal = SwotDismissal.objects.create(
                workspace=workspace,
                customer=customer,
                suggestion_key=suggestion.key,
                dismissed_by=user,
            )
    except IntegrityError:
        # Two clicks at once: the first one dismissed it.
        return SwotDismissal.objects.get(customer=customer, suggestion_key=suggestion.key)
    quadrant = SwotKind(suggestion.kind).label.lower()
    change_log_record(
        workspace=workspace,
        obj=dismissal,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        label=f"suggested {quadrant} “{suggestion.text}”",
        summary=f"dismissed the suggested {quadrant} “{suggestion.text}”",
    )
    return dismissal
