"""Optimistic concurrency for services and pages: write only if nobody changed the row.

Every editable object carries a ``version``. A save names the version it was
based on; if the row moved on meanwhile, :class:`VersionConflict` is raised and
the caller shows the other person's change instead of overwriting it. The HTTP
side (ETag / If-Match) is in :mod:`kam.api.concurrency`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import DateTimeField, F, Model
from django.utils import timezone

from kam.tenancy.models import WorkspaceOwned


class VersionConflict(Exception):
    """The object changed since the caller read it (its version moved on)."""

    def __init__(self, instance: Model, expected_version: int) -> None:
        super().__init__(f"{instance!r} is no longer at version {expected_version}")
        self.instance = instance
        self.expected_version = expected_version


def update_if_version(
    instance: WorkspaceOwned,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    version_field: str = "version",
) -> None:
    """Write ``changes`` only if the row is still at ``expected_version``; bump the version.

    One conditional UPDATE, so two concurrent writers cannot both succeed: the
    second one's WHERE no longer matches. Raises :class:`VersionConflict` then.
    ``instance`` is updated in memory on success.
    """
    model = type(instance)
    values = dict(changes)
    # QuerySet.update() skips auto_now; keep "updated at" truthful by hand.
    for field in model._meta.concrete_fields:
        if isinstance(field, DateTimeField) and field.auto_now and field.name not in values:
            values[field.name] = timezone.now()
    updated = model._default_manager.filter(
        pk=instance.pk,
        workspace_id=instance.workspace_id,
        **{version_field: expected_version},
    ).update(**values, **{version_field: F(version_field) + 1})
    if updated != 1:
        raise VersionConflict(instance, expected_version)
    for name, value in values.items():
        setattr(instance, name, value)
    setattr(instance, version_field, expected_version + 1)


def delete_if_version(
    instance: WorkspaceOwned, *, expected_version: int | None, version_field: str = "version"
) -> None:
    """Delete ``instance``; with ``expected_version``, only if nobody changed it since."""
    if expected_version is not None:
        still_current = (
            type(instance)
            ._default_manager.filter(
                pk=instance.pk,
                workspace_id=instance.workspace_id,
                **{version_field: expected_version},
            )
            .select_for_update()
            .exists()
        )
        if not still_current:
            raise VersionConflict(instance, expected_version)
    instance.delete()
