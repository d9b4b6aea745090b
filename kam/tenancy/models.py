"""The abstract base every workspace-owned model inherits from."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from kam.tenancy.context import current_workspace_id, require_workspace_id


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
        super().save(*args, **kwargs)

    @classmethod
    def scoped(cls) -> WorkspaceQuerySet:
        return cls._default_manager.all()  # type: ignore[return-value]
