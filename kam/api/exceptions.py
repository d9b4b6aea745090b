"""API errors in one shape: ``{"detail": ..., "errors": {...}}``."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kam.tenancy.context import WorkspaceContextMissing


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, WorkspaceContextMissing):
        # Fail closed: an unscoped query in an API view is a 404, never data.
        return Response({"detail": "Not found."}, status=404)
    return drf_exception_handler(exc, context)
