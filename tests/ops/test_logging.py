"""Structured request logs: one JSON object per request, with its context."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from django.test import Client

from kam.logging import JsonFormatter
from tests.factories import WorkspaceWorld


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kam.request")
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


def json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_signed_in_request_logs_one_json_line_with_its_context(
    client: Client, world: WorkspaceWorld, request_log: io.StringIO
) -> None:
    user = world.a.user("kam")
    client.force_login(user)

    response = client.get("/healthz", headers={"X-Request-ID": "trace-42"})

    [entry] = json_lines(request_log)
    assert response["X-Request-ID"] == "trace-42"
    assert entry["request_id"] == "trace-42"
    assert entry["status"] == response.status_code == 200
    assert entry["workspace_id"] == world.a.workspace.pk
    assert entry["user_id"] == user.pk
    assert entry["message"] == "GET /healthz 200"
    assert isinstance(entry["duration_ms"], float)


@pytest.mark.django_db
def test_an_anonymous_request_gets_a_fresh_request_id(
    client: Client, request_log: io.StringIO
) -> None:
    first = client.get("/login/")
    second = client.get("/login/")

    entries = json_lines(request_log)
    assert [entry["request_id"] for entry in entries] == [
        first["X-Request-ID"],
        second["X-Request-ID"],
    ]
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert all(entry["workspace_id"] is None for entry in entries)


def test_exceptions_are_kept_in_the_json_line() -> None:
    try:
        raise ValueError("broken import row 7")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.makeLogRecord(
        {
            "name": "kam.imports",
            "levelno": logging.ERROR,
            "levelname": "ERROR",
            "msg": "import failed",
            "exc_info": exc_info,
            "rows": 7,
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR"
    assert entry["rows"] == 7
    assert "broken import row 7" in entry["exception"]


def test_invitation_tokens_never_reach_the_log(request_log: io.StringIO, db: None) -> None:
    secret = "s3cret-invitation-token-value"
    Client().get(f"/invitations/{secret}/")
    line = json.loads(request_log.getvalue().strip().splitlines()[-1])
    assert secret not in request_log.getvalue()
    assert line["message"].startswith("GET /invitations/[redacted]/")


def test_django_request_warnings_redact_link_secrets(db: None) -> None:
    from kam.logging import RedactSecretsFilter

    secret = "another-secret-token"
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(RedactSecretsFilter())
    django_logger = logging.getLogger("django.request")
    django_logger.addHandler(handler)
    try:
        Client().get(f"/invitations/{secret}/")
    finally:
        django_logger.removeHandler(handler)
    messages = [record.getMessage() for record in records]
    assert messages, "the unknown invitation should have been logged by Django"
    assert all(secret not in message for message in messages)
