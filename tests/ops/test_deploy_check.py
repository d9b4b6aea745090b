"""Production settings: ``manage.py check --deploy`` with a production environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Variables of the developer's or CI's shell that must not leak into the
# simulated production process.
CLEARED = (
    "DEBUG",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_BACKEND",
    "KAM_ENV",
    "DJANGO_SETTINGS_MODULE",
)


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env.update(
        KAM_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="kam.example.com",
        CSRF_TRUSTED_ORIGINS="https://kam.example.com",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.com",
        KAM_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def check_deploy(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_environment_passes_the_deploy_check_without_warnings(
    tmp_path: Path,
) -> None:
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_forgetting_the_secret_key_fails_the_deploy_check(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "kam.E001" in result.stderr


def test_debug_in_production_is_reported(tmp_path: Path) -> None:
    result = check_deploy(production_env(tmp_path, DEBUG="1"))
    assert result.returncode != 0
    assert "security.W018" in result.stderr


postgres_only = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="the database role check is about PostgreSQL"
)


def postgres_url(user: str) -> str:
    """The URL the suite was started with (an existing database), as ``user``."""
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    return f"postgres://{user}@{config['HOST']}:{config['PORT'] or 5432}/{config['NAME']}"


@postgres_only
@pytest.mark.django_db
def test_a_superuser_connection_is_refused_by_kam_e002(tmp_path: Path) -> None:
    owner = dj_database_url.parse(os.environ["DATABASE_URL"])["USER"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [owner])
        if not cursor.fetchone()[0]:
            pytest.skip(f"the suite's owner role {owner} is not a superuser here")
    result = check_deploy(
        production_env(tmp_path, DATABASE_URL=postgres_url(owner)), "--database", "default"
    )
    assert result.returncode != 0
    assert "kam.E002" in result.stderr
    assert f"role {owner} is a superuser" in result.stderr


@postgres_only
def test_the_application_role_passes_the_database_check(tmp_path: Path) -> None:
    env = production_env(tmp_path, DATABASE_URL=postgres_url(settings.DATABASE_APP_ROLE))
    result = check_deploy(env, "--database", "default")
    assert result.returncode == 0, result.stdout + result.stderr
