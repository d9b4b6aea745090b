"""Customer satisfaction as measured or heard: one entry per measurement, with its date."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Workspace
from planning.models import SatisfactionEntry

FIELDS = frozenset({"measured_on", "score", "source"})


def _clean(state: dict[str, Any], *, today: datetime.date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    measured_on = state.get("measured_on")
    if not isinstance(measured_on, datetime.date):
        errors["measured_on"] = ["Give the date the satisfaction was measured, e.g. 2026-11-30."]
    elif measured_on > today:
        errors["measured_on"] = [
            f"{measured_on.isoformat()} is in the future; enter a measurement once it is taken."
        ]
    score = state.get("score")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        errors["score"] = [f"Give a whole score from 0 to 10; {score!r} is not one."]
    source = str(state.get("source") or "").strip()
    if len(source) > 200:
        errors["source"] = ["Name the source in under 200 characters."]
    state["source"] = source
    if errors:
        raise ValidationError(errors)
    return state


def _label(entry: SatisfactionEntry) -> str:
    return f"Satisfaction {entry.score}/10 on {entry.measured_on.isoformat()}"


def _unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"cannot set {', '.join(sorted(unknown))} on a satisfaction entry")


@transaction.atomic
def satisfaction_entry_create(
    *, workspace: Workspace, customer: Customer, today: datetime.date | None = None, **fields: Any
) -> SatisfactionEntry:
    _unknown(fields)
    if customer.workspace_id != workspace.pk:
        raise ValidationError({"customer": f"Customer {customer.pk} does not exist."})
    clean = _clean(dict(fields), today=today or timezone.localdate())
    entry = SatisfactionEntry.objects.create(workspace=workspace, customer=customer, **clean)
    change_log_record(
        workspace=workspace,
        obj=entry,
        action=ChangeAction.CREATED,
        account_id=customer.pk,
        label=_label(entry),
        summary=(
            f"entered {customer.name}'s satisfaction: {entry.score}/10 on"
            f" {entry.measured_on.isoformat()}" + (f" ({entry.source})" if entry.source else "")
        ),
    )
    return entry


@transaction.atomic
def satisfaction_entry_update(
    *,
    workspace: Workspace,
    satisfaction_entry: SatisfactionEntry,
    expected_version: int,
    today: datetime.date | None = None,
    **fields: Any,
) -> SatisfactionEntry:
    _unknown(fields)
    entry = satisfaction_entry
    if entry.workspace_id != workspace.pk:
        raise ValidationError({"satisfaction_entry": f"Entry {entry.pk} does not exist."})
    current = {name: getattr(entry, name) for name in FIELDS}
    clean = _clean({**current, **fields}, today=today or timezone.localdate())
    before = change_log_values(entry, clean)
    update_if_version(entry, expected_version=expected_version, changes=clean)
    change_log_record(
        workspace=workspace,
        obj=entry,
        action=ChangeAction.CHANGED,
        account_id=entry.customer_id,
        label=_label(entry),
        changes=change_log_diff(entry, before),
    )
    return entry


def satisfaction_entry_delete(
    *,
    workspace: Workspace,
    satisfaction_entry: SatisfactionEntry,
    expected_version: int | None = None,
) -> None:
    entry = satisfaction_entry
    if entry.workspace_id != workspace.pk:
        raise ValidationError({"satisfaction_entry": f"Entry {entry.pk} does not exist."})
    with transaction.atomic():
        change_log_record(
            workspace=workspace,
            obj=entry,
            action=ChangeAction.DELETED,
            account_id=entry.customer_id,
            label=_label(entry),
        )
        delete_if_version(entry, expected_version=expected_version)
