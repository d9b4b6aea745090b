"""The hand-typed texts of a plan: write one, or confirm it is still true.

A text is created the first time somebody writes it (there is no empty row to
open first, so opening the plan writes nothing). Saving or confirming stamps
``confirmed_on``: a text nobody touched for ``STALE_AFTER_DAYS`` is stale.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Customer
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_diff, change_log_record, change_log_values
from kam.concurrency import VersionConflict, update_if_version
from kam.tenancy.context import current_actor
from kam.workspaces.models import Workspace
from planning.models import PlanText, PlanTopic

#: Long enough for a paragraph or two; a plan's texts are short on purpose.
MAX_TEXT_LENGTH = 4000


def _check(workspace: Workspace, customer: Customer, topic: str) -> str:
    if customer.workspace_id != workspace.pk:
        raise ValidationError({"customer": f"Customer {customer.pk} does not exist."})
    if topic not in PlanTopic.values:
        shown = ", ".join(PlanTopic.values)
        raise ValidationError(
            {"topic": f"{topic!r} is not a section of the plan; use one of {shown}."}
        )
    return str(topic)


def _label(customer: Customer, topic: str) -> str:
    return f"{PlanTopic(topic).label} ({customer.name})"


def _actor_id() -> int | None:
    actor = current_actor()
    return actor.pk if actor is not None else None


def plan_text_save(
    *,
    workspace: Workspace,
    customer: Customer,
    topic: str,
    text: str,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> PlanText:
    """Write the text of ``topic``; ``expected_version`` None or 0 means "there was none yet".

    Somebody else writing first (the row exists, or appears meanwhile) is a
    :class:`VersionConflict`, exactly like a save on an old version.
    """
    topic = _check(workspace, customer, topic)
    text = str(text or "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"text": f"Keep it under {MAX_TEXT_LENGTH} characters; this one has {len(text)}."}
        )
    today = today or timezone.localdate()
    row = PlanText.objects.filter(customer=customer, topic=topic).first()
    if row is None:
        if expected_version:
            # The page was drawn from a row that was deleted meanwhile: say it, never recreate.
            raise VersionConflict(PlanText(customer=customer, topic=topic), expected_version)
        try:
            with transaction.atomic():
                row = PlanText.objects.create(
                    workspace=workspace,
                    customer=customer,
                    topic=topic,
                    text=text,
                    confirmed_on=today,
                    confirmed_by_id=_actor_id(),
                )
                change_log_record(
                    workspace=workspace,
                    obj=row,
                    action=ChangeAction.CREATED,
                    account_id=customer.pk,
                    label=_label(customer, topic),
                    summary=f"wrote the plan's “{row.get_topic_display()}” of {customer.name}",
                )
        except IntegrityError:
            current = PlanText.objects.get(customer=customer, topic=topic)
            raise VersionConflict(current, 0) from None
        return row
    if text == row.text:
        # An autosave after the last keystroke's save, or both people wrote the same:
        # nothing to write, nothing lost. Confirming is the deliberate act.
        return row
    if not expected_version:
        raise VersionConflict(row, 0)
    with transaction.atomic():
        before = change_log_values(row, ["text"])
        update_if_version(
            row,
            expected_version=expected_version,
            changes={"text": text, "confirmed_on": today, "confirmed_by_id": _actor_id()},
        )
        change_log_record(
            workspace=workspace,
            obj=row,
            action=ChangeAction.CHANGED,
            account_id=customer.pk,
            label=_label(customer, topic),
            changes=change_log_diff(row, before),
            summary=f"rewrote the plan's “{row.get_topic_display()}” of {customer.name}",
        )
    return row


@transaction.atomic
def plan_text_confirm(
    *,
    workspace: Workspace,
    customer: Customer,
    topic: str,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> PlanText:
    """Vouch that the text of ``topic`` is still true today, without changing it."""
    topic = _check(workspace, customer, topic)
    row = PlanText.objects.filter(customer=customer, topic=topic).first()
    if row is None or not row.text:
        raise ValidationError(
            {"text": "There is nothing written here to confirm yet: write the text first."}
        )
    if expected_version is None:
        raise VersionConflict(row, 0)
    today = today or timezone.localdate()
    update_if_version(
        row,
        expected_version=expected_version,
        changes={"confirmed_on": today, "confirmed_by_id": _actor_id()},
    )
    change_log_record(
        workspace=workspace,
        obj=row,
        action=ChangeAction.CONFIRMED,
        account_id=customer.pk,
        label=_label(customer, topic),
        summary=(
            f"confirmed the plan's “{row.get_topic_display()}” of {customer.name}"
            f" unchanged on {today.isoformat()}"
        ),
    )
    return row


def plan_text_create(
    *, workspace: Workspace, customer: Customer, topic: str, text: str = ""
) -> PlanText:
    """The API's create: the first text of ``topic`` (a second one is refused)."""
    if PlanText.objects.filter(customer=customer, topic=topic).exists():
        raise ValidationError(
            {"topic": "This account has that text already; change it with its version instead."}
        )
    return plan_text_save(
        workspace=workspace, customer=customer, topic=topic, text=text, expected_version=None
    )


def plan_text_update(
    *,
    workspace: Workspace,
    plan_text: PlanText,
    expected_version: int,
    text: str | None = None,
    topic: str | None = None,
) -> PlanText:
    """The API's update of one text, on the version the client read."""
    if topic is not None and topic != plan_text.topic:
        raise ValidationError(
            {"topic": "A text keeps its topic; write the other topic's text instead."}
        )
    return plan_text_save(
        workspace=workspace,
        customer=plan_text.customer,
        topic=plan_text.topic,
        text=plan_text.text if text is None else text,
        expected_version=expected_version,
    )
