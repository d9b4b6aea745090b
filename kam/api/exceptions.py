"""API errors in one shape: ``{"detail": ..., "errors": {...}}``.

``detail`` is one sentence for people; ``errors`` (validation only) maps each
field to its messages, ``non_field_errors`` for the ones about the whole input.
Services raise Django's ``ValidationError`` (they know nothing of DRF); it is
answered here exactly like a serializer's.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from kam.tenancy.context import WorkspaceContextMissing

VALIDATION_DETAIL = "Some of the data sent is not valid; see errors."


def _protected_detail(error: ProtectedError) -> str:
    """Name every kind of row that still refers to the object, with its count."""
    counts: Counter[Any] = Counter(obj._meta for obj in error.protected_objects)
    if not counts:
        return "This object is still in use and cannot be deleted."
    # Sorted: the collector's order depends on relation discovery, not on anything
    # the reader cares about, and a stable message is easier to search for.
    parts = sorted(
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in counts.items()
    )
    return f"It is still used by {' and '.join(parts)}; remove or reassign those first."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, WorkspaceContextMissing):
        # Fail closed: an unscoped query in an API view is a 404, never data.
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, ProtectedError):
        return Response({"detail": _protected_detail(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        response.data = {"detail": VALIDATION_DETAIL, "errors": errors}
    return response
