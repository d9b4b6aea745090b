"""Viewset base for every workspace resource of the REST API."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import viewsets

from kam.permissions import Capability
from kam.workspaces.models import Workspace


class WorkspaceViewSet(viewsets.GenericViewSet):
    """Scoped by construction, like ``WorkspaceViewMixin`` for pages.

    Subclasses set ``model`` and may refine the scoped queryset in
    ``safely_get_queryset``; overriding ``get_queryset`` is refused at import
    time. New objects get the request's workspace in ``perform_create``.
    """

    model: type[Model]
    read_capability: Capability = Capability.VIEW
    write_capability: Capability = Capability.EDIT_ACCOUNTS

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ or "queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} sets queryset/get_queryset; override safely_get_queryset()"
            )

    @property
    def workspace(self) -> Workspace:
        return self.request._request.workspace  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.model._default_manager.filter(workspace=self.workspace)
        return self.safely_get_queryset(queryset)

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def perform_create(self, serializer: Any) -> None:
        serializer.save(workspace=self.workspace)
