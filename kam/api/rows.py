"""The viewset of a versioned row, written by its three services.

Most editable rows of the API (customers, stakeholders, value drivers, tasks...)
are the same resource: created (often under a parent: an opportunity, an account), changed
and deleted with the version the client read, always through services of one
grammar (``noun_create(workspace=..., parent=..., **fields)``,
``noun_update(workspace=..., noun=row, expected_version=..., **fields)``,
``noun_delete(workspace=..., noun=row, expected_version=...)``). A subclass names
those services in a :class:`RowServices` instead of writing the three hooks again;
rows without a version (offerings, sales lines, links...) use :class:`ServiceRowViewSet`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Model

from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin


@dataclass(frozen=True)
class RowServices:
    """The services that write one kind of row, and how they name their arguments."""

    create: Callable[..., Model]
    update: Callable[..., Model]
    delete: Callable[..., None]
    #: The keyword update and delete take the row under ("need", "task").
    row: str
    #: The field naming the parent ("opportunity"), if any; a row never moves to another one.
    parent: str | None = None
    #: The 400 on ``parent`` when an update names another parent.
    moved: str = ""
    #: The keyword create and update take the acting user under ("changed_by"), if any.
    actor: str | None = None


class ServiceRowViewSet(WorkspaceResourceViewSet):
    """Create, update and delete through the services in ``writes``."""

    writes: ClassVar[RowServices]

    def _actor(self) -> dict[str, Any]:
        return {self.writes.actor: self.request.user} if self.writes.actor else {}

    def _version(self) -> dict[str, Any]:
        """The version the client read, for services that check it (none here)."""
        return {}

    def create_object(self, data: dict[str, Any]) -> Model:
        return self.writes.create(workspace=self.workspace, **self._actor(), **data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        field = self.writes.parent
        if field is not None:
            parent = data.pop(field, None)
            if parent is not None and parent.pk != getattr(instance, f"{field}_id"):
                raise ValidationError({field: self.writes.moved})
        return self.writes.update(
            workspace=self.workspace,
            **self._version(),
            **{self.writes.row: instance},
            **self._actor(),
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        self.writes.delete(
            workspace=self.workspace, **self._version(), **{self.writes.row: instance}
        )


class VersionedRowViewSet(OptimisticConcurrencyMixin, ServiceRowViewSet):
    """ETag/If-Match, and the version the client read passed on to the services."""

    def _version(self) -> dict[str, Any]:
        return {"expected_version": self.expected_version}

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        return super().update_object(instance, data)
