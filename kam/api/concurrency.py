"""Optimistic concurrency: ETag / If-Match on objects that carry a ``version``.

The contract, the same for every versioned resource:

* ``GET``, ``POST``, ``PUT`` and ``PATCH`` answer with ``ETag: "<version>"``.
* ``PUT``/``PATCH`` must send ``If-Match`` with that ETag. Without it the
  answer is 428 (a client that never read the object must not overwrite it).
* A stale ``If-Match`` gets 412 with the current representation, so the client
  can show the other person's change instead of silently overwriting it.
* The write itself is ``UPDATE ... WHERE version = <expected>``; if someone
  else committed in between, no row matches and the answer is 412 as well. No
  lock is held between read and write, and no update is ever lost.

``update_if_version`` and ``delete_if_version`` live in :mod:`kam.concurrency`
for services and pages; ``OptimisticConcurrencyMixin``
brings the HTTP side to a :class:`kam.api.base.WorkspaceResourceViewSet`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from kam.concurrency import VersionConflict, delete_if_version, update_if_version

if TYPE_CHECKING:
    # The mixin is only ever put in front of a WorkspaceResourceViewSet; the type
    # checker sees it as one, so get_object, render and the hooks are known.
    from kam.api.base import WorkspaceResourceViewSet

    _ResourceViewSet = WorkspaceResourceViewSet
else:
    _ResourceViewSet = object

__all__ = [
    "OptimisticConcurrencyMixin",
    "VersionConflict",
    "delete_if_version",
    "update_if_version",
]


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send an If-Match header with the ETag of the version you are changing."
    default_code = "precondition_required"


def parse_if_match(header: str) -> list[int | None]:
    """Versions named by an If-Match header; ``None`` for entries that are not ours."""
    versions: list[int | None] = []
    for raw in header.split(","):
        tag = raw.strip().removeprefix("W/").strip('"')
        versions.append(int(tag) if tag.isdigit() else None)
    return versions


class OptimisticConcurrencyMixin(_ResourceViewSet):
    """ETag / If-Match for a :class:`~kam.api.base.WorkspaceResourceViewSet`.

    Put it first in the bases. During ``update_object`` and ``delete_object``
    the version the client read is in ``self.expected_version``; pass it to a
    service that writes with :func:`update_if_version` /
    :func:`delete_if_version`. Those raise :class:`VersionConflict`, which
    becomes a 412 with the current representation.
    """

    version_field: str = "version"
    expected_version: int | None = None

    def etag(self, instance: Model) -> str:
        return f'"{getattr(instance, self.version_field)}"'

    def _noun(self) -> str:
        return str(self.model._meta.verbose_name)

    def expected_version_from(self, request: Request, instance: Model) -> int | None:
        """The version the client read, or ``None`` when its If-Match is stale."""
        header = request.headers.get("If-Match", "").strip()
        if not header:
            raise PreconditionRequired(
                f"This {self._noun()} can only be changed with an If-Match header carrying"
                f" its ETag (for example If-Match: {self.etag(instance)}), so that a change"
                " made by someone else since you read it is not overwritten."
            )
        if header == "*":
            raise PreconditionRequired(
                "If-Match: * would overwrite any change; send the ETag of the version you read."
            )
        current = getattr(instance, self.version_field)
        return current if current in parse_if_match(header) else None

    def precondition_failed(self, instance: Model, sent: str) -> Response:
        current = self.render(instance)
        return Response(
            {
                "detail": (
                    f"This {self._noun()} was changed by someone else since you read it"
                    f" (you sent If-Match: {sent}, it is now at {self.etag(instance)})."
                    " Review the current version below and apply your change to it."
                ),
                "current": current,
            },
            status=status.HTTP_412_PRECONDITION_FAILED,
            headers={"ETag": self.etag(instance)},
        )

    def update(
        self, request: Request, *args: Any, partial: bool = False, **kwargs: Any
    ) -> Response:
        instance = self.get_object()
        sent = request.headers.get("If-Match", "")
        self.expected_version = self.expected_version_from(request, instance)
        if self.expected_version is None:
            return self.precondition_failed(instance, sent)
        data = self.validated_input(request, partial=partial)
        try:
            instance = self.update_object(instance, data)
        except VersionConflict:
            return self.precondition_failed(self.get_object(), sent)
        return Response(self.render(instance))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """If-Match is optional on DELETE; when sent, a stale one is refused (412)."""
        instance = self.get_object()
        sent = request.headers.get("If-Match", "")
        self.expected_version = None
        if sent:
            self.expected_version = self.expected_version_from(request, instance)
            if self.expected_version is None:
                return self.precondition_failed(instance, sent)
        try:
            self.delete_object(instance)
        except VersionConflict:
            return self.precondition_failed(self.get_object(), sent)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        data = getattr(response, "data", None)
        if (
            response.status_code in (200, 201)
            and getattr(self, "action", None) in {"retrieve", "create", "update", "partial_update"}
            and isinstance(data, Mapping)
            and self.version_field in data
        ):
            response["ETag"] = f'"{data[self.version_field]}"'
        return super().finalize_response(request, response, *args, **kwargs)
