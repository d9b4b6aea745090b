"""Reading the change log: an object's history and an account's timeline."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from kam.changelog.models import ChangeLogEntry
from kam.tenancy.models import WorkspaceOwned
from kam.workspaces.models import Workspace


def change_log_entries(*, workspace: Workspace) -> QuerySet[ChangeLogEntry]:
    # The sentence, names and labels are copied into the entry: no join needed.
    return ChangeLogEntry.objects.filter(workspace=workspace).select_related("content_type")


def change_log_for_object(
    *, workspace: Workspace, content_type: ContentType, object_id: int
) -> QuerySet[ChangeLogEntry]:
    return change_log_entries(workspace=workspace).filter(
        content_type=content_type, object_id=object_id
    )


def change_log_for_account(*, workspace: Workspace, account_id: int) -> QuerySet[ChangeLogEntry]:
    return change_log_entries(workspace=workspace).filter(account_id=account_id)


def history_content_type(type_label: str) -> ContentType | None:
    """The content type named ``app_label.model`` of a workspace-owned model, or ``None``."""
    app_label, _, model = type_label.lower().partition(".")
    if not app_label or not model:
        return None
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        return None
    model_class = content_type.model_class()
    if model_class is None or not issubclass(model_class, WorkspaceOwned):
        return None
    if model_class is ChangeLogEntry:
        return None
    return content_type


@dataclass(frozen=True)
class HistorySubject:
    """What a history page is about: the object if it still exists, else its last label."""

    content_type: ContentType
    object_id: int
    label: str
    exists: bool


def history_subject(
    *, workspace: Workspace, content_type: ContentType, object_id: int
) -> HistorySubject | None:
    """The object of this workspace (or its logged past); ``None`` when it never was here."""
    model_class = content_type.model_class()
    assert model_class is not None
    current = model_class._base_manager.filter(workspace=workspace, pk=object_id).first()
    if current is not None:
        return HistorySubject(content_type, object_id, str(current), True)
    last = (
        change_log_for_object(workspace=workspace, content_type=content_type, object_id=object_id)
        .values_list("object_label", flat=True)
        .first()
    )
    if last is None:
        return None
    return HistorySubject(content_type, object_id, last, False)


#: The model whose ids ``account_id`` holds, named by label: the foundation imports no
#: domain app.
ACCOUNT_MODEL = "accounts.Customer"


def account_exists(*, workspace: Workspace, account_id: int) -> bool:
    """Whether this workspace has the key account (customer) ``account_id``."""
    model = apps.get_model(ACCOUNT_MODEL)
    return bool(model._base_manager.filter(workspace=workspace, pk=account_id).exists())


def history_type_label(content_type: ContentType) -> str:
    """The ``app_label.model`` of a history URL."""
    return f"{content_type.app_label}.{content_type.model}"


@dataclass(frozen=True)
class ActivityDay:
    day: datetime.date
    entries: list[ChangeLogEntry]


def group_by_day(entries: Iterable[ChangeLogEntry]) -> list[ActivityDay]:
    """Entries (newest first) grouped by their local day, keeping the order."""
    days: list[ActivityDay] = []
    for entry in entries:
        day = timezone.localdate(entry.at)
        if not days or days[-1].day != day:
            days.append(ActivityDay(day, []))
        days[-1].entries.append(entry)
    return days
