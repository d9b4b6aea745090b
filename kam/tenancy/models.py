"""The abstract base every workspace-owned model inherits from."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from kam.tenancy.context import current_workspace_id, require_workspace_id


class CrossWorkspaceReference(ValueError):
    """A workspace-owned row would point at a row of another workspace."""


class WorkspaceQuerySet(models.QuerySet):
    pass


class WorkspaceManager(models.Manager):
    """Default manager: only the current workspace's rows, and none without one.

    Fail closed: with no workspace selected, building a queryset raises
    :class:`~kam.tenancy.context.WorkspaceContextMissing` instead of returning
    every workspace's rows.
    """

    def get_queryset(self) -> WorkspaceQuerySet:
        return WorkspaceQuerySet(self.model, using=self._db).filter(
            workspace_id=require_workspace_id()
        )


class AllWorkspacesManager(models.Manager):
    """Unscoped escape hatch for the rare job that must cross workspaces.

    Named so that every use reads as a decision in review. On PostgreSQL the
    row-level security policies still apply to the application role.
    """


class WorkspaceOwned(models.Model):
    workspace = models.ForeignKey(
        "kam.Workspace", on_delete=models.CASCADE, editable=False, related_name="+"
    )

    objects: ClassVar[WorkspaceManager] = WorkspaceManager()
    dangerously_all_workspaces: ClassVar[AllWorkspacesManager] = AllWorkspacesManager()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "dangerously_all_workspaces"

    def save(self, *args: Any, **kwargs: Any) -> None:
        current = current_workspace_id()
        if self.workspace_id is None:
            self.workspace_id = require_workspace_id()
        elif current is not None and current != self.workspace_id:
            raise ValueError(
                f"{type(self).__name__} belongs to workspace {self.workspace_id},"
                f" but workspace {current} is selected"
            )
        self.check_workspace_references()
        super().save(*args, **kwargs)

    def check_workspace_references(self) -> None:
        """Refuse a foreign key to another workspace's row.

        PostgreSQL checks foreign keys as the table owner, so row-level security
        alone would not stop a smuggled id; this check does. A related object
        already loaded costs nothing; otherwise one indexed ``exists()`` query.
        """
        for field in self._meta.concrete_fields:
            # The concrete many-to-one fields are exactly the foreign keys.
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model
            if not (isinstance(target, type) and issubclass(target, WorkspaceOwned)):
                continue
            if field.name == "workspace":
                continue
            value = getattr(self, field.attname)
            if value is None:
                continue
            if field.is_cached(self):
                related = field.get_cached_value(self)
                # An instance of ``target``, so workspace-owned, unless None.
                ok = (
                    isinstance(related, WorkspaceOwned)
                    and related.workspace_id == self.workspace_id
                )
            else:
                ok = (
                    target._base_manager.filter(pk=value, workspace_id=self.workspace_id)
                    .only("pk")
                    .exists()
                )
            if not ok:
                raise CrossWorkspaceReference(
                    f"{type(self).__name__}.{field.name} points at a"
                    f" {target.__name__} that does not exist in this workspace"
                )

    @classmethod
    def scoped(cls) -> WorkspaceQuerySet:
        return cls._default_manager.all()  # type: ignore[return-value]


class Versioned(WorkspaceOwned):
    """A workspace-owned row edited by several people: saves name the version they read.

    The column is written only through :func:`kam.concurrency.update_if_version`
    and :func:`kam.concurrency.delete_if_version`; pages show a stale save with
    :mod:`kam.editing`.
    """

    version = models.PositiveIntegerField(default=1)

    class Meta(WorkspaceOwned.Meta):
        abstract = True
