"""System checks that refuse an unsafe production configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connections


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="kam.E001",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def check_database_role(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production must connect as a role that row-level security applies to.

    Django runs database checks only when asked for (``check --deploy
    --database default``): the container entrypoint does so before the web
    server starts, so an unsafe role stops the deploy instead of serving.
    """
    if not settings.PRODUCTION:
        return []
    from kam.tenancy.rls import connected_role_problems

    errors: list[CheckMessage] = []
    # Django passes the aliases given with --database; none means "skip".
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            problems = connected_role_problems(connection)
        except Exception as error:  # database down: reported by /healthz, not here
            errors.append(Error(f"Could not inspect the database role: {error}", id="kam.E003"))
            continue
        errors.extend(
            Error(
                f"The application's database role bypasses row-level security: {problem}.",
                hint="Connect with DATABASE_URL as the application role (DATABASE_APP_ROLE);"
                " run migrations with the owner's URL.",
                id="kam.E002",
            )
            for problem in problems
        )
    return errors
