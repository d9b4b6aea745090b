"""/healthz: what a load balancer or docker-compose sees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from kam.celery import app as celery_app

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down() -> Iterator[None]:
    # Point both the settings and the Celery app's configuration at a closed
    # port, so the probe fails however it reads the URL.
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = CLOSED_PORT_BROKER
    try:
        with override_settings(CELERY_BROKER_URL=CLOSED_PORT_BROKER):
            yield
    finally:
        celery_app.conf.broker_url = previous


@pytest.mark.django_db
def test_healthy_installation_answers_200_with_each_part(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_unreachable_broker_answers_503_and_says_why(client: Client, broker_down: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert "connect" in body["broker"]["error"].lower(), body


@pytest.mark.django_db
def test_health_is_read_only(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
