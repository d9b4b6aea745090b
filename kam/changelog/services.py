"""Writing the change log: one entry per change, in the transaction of the change.

Domain services call :func:`change_log_record` right where they write (for a
delete: just before, while the object still has its id); it is one INSERT.
For edits, :func:`change_log_values` takes the values before the change (no
query) and :func:`change_log_diff` turns before/after into the fields that
changed, shown as a person reads them: choice labels, names instead of ids.

Who acted comes from :func:`kam.tenancy.context.current_actor` (set by the
request middleware and the job runner; see there why this is the one way);
``actor=`` overrides it for the rare call that knows better.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.dispatch import Signal

from kam.changelog.models import ChangeAction, ChangeLogEntry
from kam.tenancy.context import current_actor
from kam.workspaces.models import Workspace

#: Bookkeeping columns that are never news to a person reading the history.
UNLOGGED_FIELDS = frozenset(
    {
        "id",
        "workspace",
        "version",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "assessed_at",
        "position",
    }
)

_SHORT = 80  # characters of a value inside the sentence
_STORED = 500  # characters of a value stored in ``changes``

#: How a raw value reads, for fields whose stored value is a code (e.g. a score).
Display = Mapping[str, Callable[[Any], str]]

_UNSET: Any = object()

#: Sent with ``entries`` (a list of :class:`ChangeLogEntry`) whenever entries are
#: recorded, inside the transaction of the change: what listens (account health)
#: learns that an account changed without the log knowing who listens.
entry_recorded = Signal()

#: Entries held back by :func:`change_log_batch`, or ``None`` outside one.
_batch: ContextVar[list[ChangeLogEntry] | None] = ContextVar("kam_change_log_batch", default=None)


@contextmanager
def change_log_batch() -> Iterator[list[ChangeLogEntry]]:
    """Hold the entries written inside the block back and INSERT them together at its end.

    For bulk paths that call a service per row (a stakeholder file of 500
    people): every object still gets its entry, at the cost of one statement
    instead of one per row. Use it inside the transaction of the change (as a
    decorator below ``@transaction.atomic``); an exception writes nothing.
    """
    held: list[ChangeLogEntry] = []
    token = _batch.set(held)
    try:
        yield held
    finally:
        _batch.reset(token)
    ChangeLogEntry.objects.bulk_create(held, batch_size=500)
    if held:
        entry_recorded.send(sender=ChangeLogEntry, entries=held)


def person_name(user: Any) -> str:
    """A person's name as the log shows it (full name, else the user name)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # unknown names are simply not logged
        return None
    return field if isinstance(field, models.Field) and field.concrete else None


def _loggable_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in UNLOGGED_FIELDS
        and field.editable
        and not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def change_log_values(
    instance: models.Model, fields: Iterable[str] | None = None
) -> dict[str, Any]:
    """The instance's loggable values, raw (foreign keys as ids): no query."""
    chosen = (
        _loggable_fields(type(instance))
        if fields is None
        else [
            f
            for f in (_field(type(instance), name) for name in fields)
            if f is not None and f.name not in UNLOGGED_FIELDS
        ]
    )
    values: dict[str, Any] = {}
    for field in chosen:
        value = getattr(instance, field.attname)
        values[field.name] = list(value) if isinstance(value, list | tuple) else value
    return values


def _related_label(field: models.Field[Any, Any], instance: models.Model | None, pk: Any) -> str:
    if pk is None:
        return ""
    related: Any = None
    if instance is not None and field.is_cached(instance):  # type: ignore[attr-defined]
        cached = field.get_cached_value(instance)  # type: ignore[attr-defined]
        if cached is not None and cached.pk == pk:
            related = cached
    if related is None:
        target = field.related_model
        assert isinstance(target, type)
        related = target._base_manager.filter(pk=pk).first()
    if related is None:
        return f"#{pk}"
    if isinstance(related, get_user_model()):
        return person_name(related)
    return str(getattr(related, "display_name", None) or related)


def value_text(field: Any, value: Any) -> str:
    """How one stored value reads for a person ('' for nothing); ``field``: its model field."""
    if value is None or value == "" or value == []:
        return ""
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    base = getattr(field, "base_field", None)  # ArrayField of choices
    if not choices and base is not None and getattr(base, "choices", None):
        choices = dict(base.flatchoices)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if value in choices if not isinstance(value, dict) else False:
        return str(choices[value])
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def change_log_diff(
    instance: models.Model, before: Mapping[str, Any], *, display: Display | None = None
) -> list[dict[str, str]]:
    """The fields of ``before`` whose value differs now, from what to what.

    Foreign keys cost a query only when they changed (to name the old and new
    object); nothing else queries.
    """
    after = change_log_values(instance, before.keys())
    model = type(instance)
    changed: list[dict[str, str]] = []
    for name, old in before.items():
        new = after.get(name)
        if old == new or (old in (None, "", []) and new in (None, "", [])):
            continue
        field = _field(model, name)
        if display and name in display:
            old_text = display[name](old) if old is not None else ""
            new_text = display[name](new) if new is not None else ""
        elif field is not None and field.many_to_one:
            old_text = _related_label(field, None, old)
            new_text = _related_label(field, instance, new)
        else:
            old_text, new_text = value_text(field, old), value_text(field, new)
        label = str(field.verbose_name) if field is not None else name.replace("_", " ")
        changed.append(
            {
                "field": name,
                "label": label,
                "from": _clip(old_text, _STORED),
                "to": _clip(new_text, _STORED),
            }
        )
    return changed


def _possessive(label: str) -> str:
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def _one_change(change: Mapping[str, str]) -> str:
    old, new = _clip(change["from"], _SHORT), _clip(change["to"], _SHORT)
    if not old:
        return f"{change['label']} to {new}"
    if not new:
        return f"{change['label']} (was {old}) to nothing"
    return f"{change['label']} from {old} to {new}"


def change_sentence(*, action: str, noun: str, label: str, changes: list[dict[str, str]]) -> str:
    """The default phrase (without the person) for a generic action."""
    if action == ChangeAction.CREATED:
        return f"added {noun} {label}"
    if action == ChangeAction.DELETED:
        return f"deleted {noun} {label}"
    if not changes:
        return f"changed {noun} {label}"
    parts = [_one_change(change) for change in changes[:3]]
    if len(changes) > 3:
        parts.append(f"{len(changes) - 3} more")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"changed {_possessive(label)} {listed}"


def change_log_record(
    *,
    workspace: Workspace | int,
    obj: models.Model,
    action: str,
    account_id: int | None = None,
    changes: list[dict[str, str]] | None = None,
    summary: str | None = None,
    label: str | None = None,
    actor: Any = _UNSET,
) -> ChangeLogEntry | None:
    """Write one entry about ``obj``; ``None`` (nothing written) for an edit that changed nothing.

    ``summary`` is the phrase after the person's name ("raised Ingrid Ortega's
    relationship from 0 to +"); without it one is made from the action and the
    changes. ``label`` names the object (default: ``str(obj)``).
    """
    changes = list(changes or [])
    if action == ChangeAction.CHANGED and not changes and summary is None:
        return None
    person = current_actor() if actor is _UNSET else actor
    name = person_name(person)
    object_label = _clip(label if label is not None else str(obj), 300)
    noun = str(obj._meta.verbose_name)
    phrase = summary or change_sentence(
        action=action, noun=noun, label=object_label, changes=changes
    )
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    entry = ChangeLogEntry(
        workspace_id=workspace_id,
        actor_id=person.pk if person is not None else None,
        actor_name=_clip(name, 200),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_label=object_label,
        account_id=account_id,
        action=action,
        changes=changes,
        sentence=_clip(f"{name or 'Someone'} {phrase}", 1000),
    )
    held = _batch.get()
    if held is not None:
        held.append(entry)
    else:
        entry.save()
        entry_recorded.send(sender=ChangeLogEntry, entries=[entry])
    return entry
