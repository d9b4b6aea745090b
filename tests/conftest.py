"""Shared fixtures.

On PostgreSQL the test database is created and migrated by the connecting
(owner) role, exactly as in production; then every test runs as the
application role, so row-level security applies to the whole suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

from tests.factories import WorkspaceWorld, build_world, name_the_cast


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        yield
        return
    owner = connection.settings_dict["USER"]
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            # Tests that commit (real workers, live server) are cleaned up with
            # TRUNCATE; the application role only gets it in the test database.
            cursor.execute(
                f'GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO "{settings.DATABASE_APP_ROLE}"'
            )
        connection.close()
    connection.settings_dict["USER"] = settings.DATABASE_APP_ROLE
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner


@pytest.fixture
def world(db: None) -> WorkspaceWorld:
    """Two workspaces, A and B, each with a member of every role and some data."""
    return build_world()


@pytest.fixture
def cast(world: WorkspaceWorld) -> WorkspaceWorld:
    """The same world with names: Karin Dahl is KAM at Nordhavn Industrial Services, and so on."""
    return name_the_cast(world)


def pytest_configure(config: pytest.Config) -> None:
    # The production hasher is deliberately slow; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise warns on every request when the collected-static folder is missing.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Run Celery tasks in-process for this test, even when CI configured a real broker."""
    from kam.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous
