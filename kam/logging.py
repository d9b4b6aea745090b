"""Structured logging: one JSON object a line in production, with request context."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str | None] = ContextVar("kam_request_id", default=None)
logger = logging.getLogger("kam.request")

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON, keeping any ``extra=`` fields as keys."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


#: URL arguments that carry secrets (invitation and password-reset links).
SECRET_URL_ARGUMENTS = ("token", "uidb64")


def loggable_path(request: HttpRequest) -> str:
    """The request path with secrets from e-mailed links blanked out.

    Logs are read by more people than the invitee; a link's token must not be
    usable by whoever reads them.
    """
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in SECRET_URL_ARGUMENTS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(str(value), "[redacted]")
    return path


class RedactSecretsFilter(logging.Filter):
    """Blank link secrets in Django's own request records ("Not Found: /invitations/...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and isinstance(record.args, tuple):
            safe = loggable_path(request)
            if safe != request.path:
                record.args = tuple(
                    arg.replace(request.path, safe) if isinstance(arg, str) else arg
                    for arg in record.args
                )
        return True


class RequestLogMiddleware:
    """Logs one line per request with its id, status, duration, user and workspace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        workspace = getattr(request, "workspace", None)
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s",
            request.method,
            loggable_path(request),
            response.status_code,
            extra={
                "request_id": request_id,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "workspace_id": workspace.pk if workspace is not None else None,
            },
        )
        return response
