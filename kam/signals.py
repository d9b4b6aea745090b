"""Database set-up that must follow every migration."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from kam.tenancy import rls


@receiver(post_migrate)
def apply_row_level_security(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # post_migrate fires once per app; doing the whole job for the last app
    # ("planning" is last in INSTALLED_APPS) keeps it to one pass per migrate.
    if sender.name != "planning":
        return
    # `flush` (run between tests that commit) also sends post_migrate, without a
    # migration plan, and as the application role, which may not alter tables.
    # The schema has not changed then, so there is nothing to re-apply.
    if kwargs.get("plan") is None:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    rls.ensure_app_role(connection)
    rls.enable_row_level_security(connection)
    rls.grant_app_role(connection)
