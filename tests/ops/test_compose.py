"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

Each service's command must name something that exists in this code base,
and the database roles must be the right way round: migrations as the owner,
everything that serves or works as the application role that row-level
security applies to.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
import yaml
from celery.app.utils import find_app
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
# What an operator puts in .env (see README); the file refuses to start without them.
DOT_ENV = {
    "SECRET_KEY": "s" * 60,
    "POSTGRES_PASSWORD": "owner-secret",
    "DATABASE_APP_PASSWORD": "app-secret",
}
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, env: dict[str, str]) -> str:
    """Resolve ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}`` like Compose."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if env.get(name):
            return env[name]
        if op == ":?":
            raise LookupError(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return VARIABLE.sub(replace, value).replace("$$", "$")


def environment(service: str, env: dict[str, str] | None = None) -> dict[str, str]:
    raw = SERVICES[service].get("environment", {})
    return {key: interpolate(str(value), env or DOT_ENV) for key, value in raw.items()}


def test_the_full_stack_has_every_service() -> None:
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    allowed = environment("web")["ALLOWED_HOSTS"].split(",")
    assert "127.0.0.1" in allowed, "the web health check calls 127.0.0.1"
    assert "127.0.0.1" in environment("web", {**DOT_ENV, "ALLOWED_HOSTS": "kam.example.com"})[
        "ALLOWED_HOSTS"
    ].split(",")


def test_secrets_have_no_defaults() -> None:
    for service in ("postgres", "migrate", "web"):
        for name in DOT_ENV:
            incomplete = {key: value for key, value in DOT_ENV.items() if key != name}
            raw = " ".join(str(v) for v in SERVICES[service].get("environment", {}).values())
            if name in raw:
                with pytest.raises(LookupError, match=name):
                    environment(service, incomplete)


def test_the_app_image_builds_from_files_that_exist() -> None:
    for service in APP_SERVICES:
        build = SERVICES[service]["build"]
        context = ROOT / build["context"]
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.is_file(), f"{service}: {dockerfile} is missing"
    dockerfile_text = (ROOT / "Dockerfile").read_text()
    assert dockerfile_text.startswith("#") and "FROM python:3.12-slim" in dockerfile_text
    assert "USER kam" in dockerfile_text, "the app must not run as root"
    assert "collectstatic" in dockerfile_text
    for package in ("libpango-1.0-0", "graphviz"):
        assert package in dockerfile_text
    entrypoint = re.search(r'ENTRYPOINT \["([^"]+)"\]', dockerfile_text)
    assert entrypoint is not None
    assert entrypoint.group(1).startswith("/app/"), "WORKDIR is /app"
    script = ROOT / entrypoint.group(1).removeprefix("/app/")
    assert script.is_file() and os.access(script, os.X_OK)
    assert "check --deploy --database default" in script.read_text()


def test_manage_py_commands_exist() -> None:
    commands = get_commands()
    for service in APP_SERVICES:
        command = SERVICES[service]["command"]
        if command[:2] == ["python", "manage.py"]:
            assert command[2] in commands, f"{service}: manage.py {command[2]} does not exist"
    assert SERVICES["migrate"]["command"][2] == "migrate"


def test_the_web_server_serves_the_wsgi_application() -> None:
    command = SERVICES["web"]["command"]
    assert command[0] == "gunicorn"
    module, _, attribute = command[1].partition(":")
    assert callable(getattr(importlib.import_module(module), attribute or "application"))


def test_worker_and_beat_start_the_projects_celery_app() -> None:
    for service, subcommand in (("worker", "worker"), ("beat", "beat")):
        command = SERVICES[service]["command"]
        assert command[:2] == ["celery", "-A"]
        app = find_app(command[2])
        assert app.main == "kam"
        assert subcommand in command
    worker = SERVICES["worker"]["command"]
    queues = set(worker[worker.index("-Q") + 1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert queues == {settings.CELERY_TASK_DEFAULT_QUEUE} | routed == {"default", "pdf"}


def test_health_checks_guard_the_start_order() -> None:
    for service in ("postgres", "redis", "web"):
        assert SERVICES[service]["healthcheck"]["test"], f"{service} has no health check"
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    assert SERVICES["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in ("web", "worker", "beat"):
        depends = SERVICES[service]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["redis"]["condition"] == "service_healthy"


def test_migrations_run_as_the_owner_and_everything_else_as_the_app_role() -> None:
    owner = interpolate(SERVICES["postgres"]["environment"]["POSTGRES_USER"], DOT_ENV)
    migrate = environment("migrate")
    assert dj_database_url.parse(migrate["DATABASE_URL"])["USER"] == owner
    # The migration creates the application role with this password.
    assert migrate["DATABASE_APP_PASSWORD"] == DOT_ENV["DATABASE_APP_PASSWORD"]
    for service in ("web", "worker", "beat"):
        env = environment(service)
        database = dj_database_url.parse(env["DATABASE_URL"])
        assert database["USER"] == env["DATABASE_APP_ROLE"] == "kam_app" != owner, service
        assert database["PASSWORD"] == DOT_ENV["DATABASE_APP_PASSWORD"]
        assert env["KAM_ENV"] == "production"
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_every_app_service_shares_the_same_settings() -> None:
    web = environment("web")
    for service in ("migrate", "worker", "beat"):
        env = environment(service)
        assert {k: v for k, v in env.items() if k in web and k != "DATABASE_URL"} == {
            k: v for k, v in web.items() if k != "DATABASE_URL"
        }, service
