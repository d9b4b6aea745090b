"""Review meetings: schedule, change, cancel, start (freeze the snapshot), close.

A review belongs to one key account (``customer``). Its attendees come from both
sides: our people (members of the workspace) and the customer's stakeholders
(people of *this* account's buying center). Starting a review freezes the plan
into its snapshot, once; closing it records the day it was held, the minutes and
who closed it, and locks it: a closed review is the record of a meeting, so later
changes are refused with a message saying so.

Starting a plan proposes the cadence (:func:`review_cadence_propose`): the
management review a week after the planning session, then the 60-day and 90-day
reviews.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Customer
from buying_center.models import Stakeholder
from kam.changelog.models import ChangeAction
from kam.changelog.services import (
    change_log_diff,
    change_log_record,
    change_log_values,
    person_name,
)
from kam.concurrency import delete_if_version, update_if_version
from kam.workspaces.models import Membership, Workspace
from planning.models import Review, ReviewAttendee, ReviewKind, ReviewSnapshot, ReviewStatus
from planning.opportunities.services.checks import _check_workspace, _only
from planning.reviews.snapshot import SCHEMA_VERSION, content_hash, snapshot_build

REVIEW_FIELDS = frozenset(
    {"kind", "scheduled_on", "agenda", "status", "minutes", "our_attendees", "customer_attendees"}
)
#: Fields on the row itself (the attendees are rows of their own).
ROW_FIELDS = ("kind", "scheduled_on", "agenda", "status", "minutes")
AGENDA_MAX = 5000
MINUTES_MAX = 20000

#: The cadence a plan's start proposes: (kind, days after the planning session).
CADENCE: tuple[tuple[str, int], ...] = (
    (ReviewKind.MANAGEMENT, 7),
    (ReviewKind.DAY_60, 60),
    (ReviewKind.DAY_90, 90),
)

LOCKED = (
    "This review was closed on {day} by {who}; it is the record of that meeting and"
    " no longer changes. Schedule a new review instead."
)


def review_label(review: Review) -> str:
    return f"{review.get_kind_display()} of {review.scheduled_on:%-d %b %Y}"


def _locked_message(review: Review) -> str:
    closed = review.closed_at
    day = f"{timezone.localtime(closed):%-d %b %Y}" if closed else "an earlier day"
    return LOCKED.format(day=day, who=person_name(review.closed_by) or "someone")


def _refuse_if_closed(review: Review) -> None:
    if review.closed:
        raise ValidationError({"__all__": [_locked_message(review)]})


def _check_people(
    workspace: Workspace, customer: Customer, users: Sequence[Any], people: Sequence[Any]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    members = set(
        Membership.objects.filter(
            workspace=workspace, user_id__in=[u.pk for u in users]
        ).values_list("user_id", flat=True)
    )
    strangers = [person_name(u) for u in users if u.pk not in members]
    if strangers:
        errors["our_attendees"] = [
            f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not a member of"
            " this workspace; choose people from the list."
        ]
    foreign = [
        p.name for p in people if p.workspace_id != workspace.pk or p.customer_id != customer.pk
    ]
    if foreign:
        errors["customer_attendees"] = [
            f"{', '.join(foreign)} {'is' if len(foreign) == 1 else 'are'} not in the buying"
            f" center of {customer.name}; choose people of this account."
        ]
    return errors


def _clean(
    workspace: Workspace, customer: Customer, state: dict[str, Any], *, people_changed: bool
) -> dict[str, Any]:
    """Check the whole review at once; every problem is reported, by field."""
    errors: dict[str, list[str]] = {}
    kind = state.get("kind")
    if kind not in ReviewKind.values:
        shown = ", ".join(label.lower() for _, label in ReviewKind.choices)
        errors["kind"] = [f"Choose the kind of review: {shown}."]
    status = state.get("status") or ReviewStatus.SCHEDULED
    if status not in (ReviewStatus.SCHEDULED, ReviewStatus.CANCELLED):
        errors["status"] = [
            "A review is scheduled or cancelled here; it becomes held when you close it."
        ]
    state["status"] = str(status)
    day = state.get("scheduled_on")
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        errors["scheduled_on"] = ["Give the day of the meeting, e.g. 2026-03-31."]
    for name, limit, what in (
        ("agenda", AGENDA_MAX, "agenda"),
        ("minutes", MINUTES_MAX, "minutes"),
    ):
        text = str(state.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = [f"Keep the {what} to {limit} characters; it has {len(text)}."]
        state[name] = text
    if people_changed:
        errors.update(
            _check_people(
                workspace,
                customer,
                list(state.get("our_attendees") or []),
                list(state.get("customer_attendees") or []),
            )
        )
    if errors:
        raise ValidationError(errors)
    return state


def _names(rows: Iterable[Any], attribute: str) -> str:
    return ", ".join(sorted(str(getattr(r, attribute)) for r in rows))


def _attendees(review: Review) -> tuple[list[Any], list[Stakeholder]]:
    rows = list(review.attendees.select_related("user", "stakeholder"))
    users = [r.user for r in rows if r.user is not None]
    people = [r.stakeholder for r in rows if r.stakeholder is not None]
    return users, people


def _set_attendees(
    workspace: Workspace, review: Review, users: Sequence[Any], people: Sequence[Stakeholder]
) -> None:
    ReviewAttendee.objects.filter(review=review).delete()
    for user in {u.pk: u for u in users}.values():
        ReviewAttendee(workspace=workspace, review=review, user=user).save()
    for person in {p.pk: p for p in people}.values():
        ReviewAttendee(workspace=workspace, review=review, stakeholder=person).save()


def review_log(
    *,
    workspace: Workspace,
    review: Review,
    verb: str,
    changes: list[dict[str, str]] | None = None,
    summary: str | None = None,
) -> None:
    """One change-log entry about ``review``, filed under its account."""
    change_log_record(
        workspace=workspace,
        obj=review,
        action=verb,
        account_id=review.customer_id,
        label=review_label(review),
        changes=changes,
        summary=summary,
    )


def _people_change(
    label: str, before: Sequence[Any], after: Sequence[Any], attribute: str
) -> list[dict[str, str]]:
    old, new = _names(before, attribute), _names(after, attribute)
    if old == new:
        return []
    return [{"field": label.replace(" ", "_"), "label": label, "from": old, "to": new}]


@transaction.atomic
def review_create(*, workspace: Workspace, customer: Customer, **fields: Any) -> Review:
    """Schedule a review of ``customer``'s plan."""
    changes = _only(fields, REVIEW_FIELDS, "a review")
    _check_workspace(workspace, customer, "Account", "customer")
    state = {"agenda": "", "minutes": "", "our_attendees": [], "customer_attendees": []} | changes
    clean = _clean(workspace, customer, state, people_changed=True)
    review = Review(
        workspace=workspace, customer=customer, **{name: clean.get(name) for name in ROW_FIELDS}
    )
    review.save()
    _set_attendees(workspace, review, clean["our_attendees"], clean["customer_attendees"])
    review_log(
        workspace=workspace,
        review=review,
        verb=ChangeAction.CREATED,
        summary=f"scheduled the {review_label(review)} of {customer.name}",
    )
    return review


@transaction.atomic
def review_update(
    *, workspace: Workspace, review: Review, expected_version: int, **fields: Any
) -> Review:
    """Change a review not closed yet, if nobody changed it since ``expected_version``."""
    changes = _only(fields, REVIEW_FIELDS, "a review")
    _check_workspace(workspace, review, "Review", "review")
    _refuse_if_closed(review)
    users, people = _attendees(review)
    current = {name: getattr(review, name) for name in ROW_FIELDS} | {
        "our_attendees": users,
        "customer_attendees": people,
    }
    people_changed = "our_attendees" in changes or "customer_attendees" in changes
    clean = _clean(workspace, review.customer, current | changes, people_changed=people_changed)
    before = change_log_values(review, ROW_FIELDS)
    update_if_version(
        review,
        expected_version=expected_version,
        changes={name: clean[name] for name in ROW_FIELDS},
    )
    diff = change_log_diff(review, before)
    if people_changed:
        _set_attendees(workspace, review, clean["our_attendees"], clean["customer_attendees"])
        diff += _people_change("our attendees", users, clean["our_attendees"], "username")
        diff += _people_change("customer attendees", people, clean["customer_attendees"], "name")
    summary = None
    if before.get("status") != review.status and review.status == ReviewStatus.CANCELLED:
        summary = f"cancelled the {review_label(review)}"
    review_log(
        workspace=workspace, review=review, verb=ChangeAction.CHANGED, changes=diff, summary=summary
    )
    return review


def review_delete(*, workspace: Workspace, review: Review, expected_version: int | None) -> None:
    """Remove a review that was never started (a started one keeps its snapshot: cancel it)."""
    _check_workspace(workspace, review, "Review", "review")
    _refuse_if_closed(review)
    if review.started_at is not None:
        raise ValidationError(
            {
                "__all__": [
                    "This review was started and its snapshot is kept as the record of the"
                    " meeting; cancel it instead of deleting it."
                ]
            }
        )
    with transaction.atomic():
        review_log(workspace=workspace, review=review, verb=ChangeAction.DELETED)
        delete_if_version(review, expected_version=expected_version)


@transaction.atomic
def review_start(
    *,
    workspace: Workspace,
    review: Review,
    by: Any = None,
    taken_at: datetime.datetime | None = None,
) -> ReviewSnapshot:
    """Start the meeting: freeze the plan into the review's snapshot (once; again returns it)."""
    _check_workspace(workspace, review, "Review", "review")
    locked = Review.objects.select_for_update().get(pk=review.pk)
    existing = ReviewSnapshot.objects.filter(review=locked).first()
    if existing is not None:
        return existing
    _refuse_if_closed(locked)
    if locked.status == ReviewStatus.CANCELLED:
        raise ValidationError(
            {"__all__": ["This review was cancelled; schedule it again to start it."]}
        )
    taken_at = taken_at or timezone.now()
    content = snapshot_build(
        workspace=workspace,
        customer=locked.customer,
        today=timezone.localtime(taken_at).date(),
    )
    snapshot = ReviewSnapshot(
        workspace=workspace,
        review=locked,
        schema_version=SCHEMA_VERSION,
        taken_at=taken_at,
        taken_by=by,
        content=content,
        content_hash=content_hash(content),
    )
    snapshot.save()
    update_if_version(locked, expected_version=locked.version, changes={"started_at": taken_at})
    review.started_at, review.version = locked.started_at, locked.version
    review_log(
        workspace=workspace,
        review=locked,
        verb=ChangeAction.CHANGED,
        summary=f"started the {review_label(locked)} and froze the plan's figures",
    )
    return snapshot


@transaction.atomic
def review_close(
    *,
    workspace: Workspace,
    review: Review,
    expected_version: int,
    by: Any,
    held_on: datetime.date | None = None,
    minutes: str | None = None,
) -> Review:
    """Record that the meeting took place (``held_on``, minutes) and lock the review."""
    _check_workspace(workspace, review, "Review", "review")
    _refuse_if_closed(review)
    errors: dict[str, list[str]] = {}
    held_on = held_on or timezone.localdate()
    if held_on > timezone.localdate():
        errors["held_on"] = ["A review is closed once it was held; give today or an earlier day."]
    text = (review.minutes if minutes is None else str(minutes)).strip()
    if len(text) > MINUTES_MAX:
        errors["minutes"] = [f"Keep the minutes to {MINUTES_MAX} characters; it has {len(text)}."]
    if review.status == ReviewStatus.CANCELLED:
        errors["__all__"] = ["This review was cancelled; it cannot be closed as held."]
    if errors:
        raise ValidationError(errors)
    before = change_log_values(review, ["status", "held_on", "minutes"])
    update_if_version(
        review,
        expected_version=expected_version,
        changes={
            "status": ReviewStatus.HELD,
            "held_on": held_on,
            "minutes": text,
            "closed_by": by,
            "closed_at": timezone.now(),
        },
    )
    review_log(
        workspace=workspace,
        review=review,
        verb=ChangeAction.CHANGED,
        changes=change_log_diff(review, before),
        summary=f"closed the {review_label(review)}, held on {held_on:%-d %b %Y}",
    )
    return review


def review_cadence_propose(
    *, workspace: Workspace, customer: Customer, planned_on: datetime.date
) -> list[Review]:
    """Schedule the management, 60-day and 90-day reviews after a planning session.

    A kind already scheduled (and not cancelled) on the account is not proposed again.
    """
    taken = set(
        Review.objects.filter(customer=customer, status=ReviewStatus.SCHEDULED).values_list(
            "kind", flat=True
        )
    )
    return [
        review_create(
            workspace=workspace,
            customer=customer,
            kind=kind,
            scheduled_on=planned_on + datetime.timedelta(days=days),
        )
        for kind, days in CADENCE
        if kind not in taken
    ]


def review_fields(review: Review) -> Mapping[str, Any]:
    """The service fields of ``review`` as saved (the form's initial and the API's read)."""
    users, people = _attendees(review)
    return {name: getattr(review, name) for name in ROW_FIELDS} | {
        "our_attendees": users,
        "customer_attendees": people,
    }
