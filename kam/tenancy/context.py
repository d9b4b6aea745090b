"""The current workspace, held in a context variable and mirrored into PostgreSQL.

Django code reads it through :func:`current_workspace_id`; PostgreSQL reads the
same value from ``current_setting('app.workspace_id')`` in its row-level
security policies. Both are set together by :func:`workspace_context`, and both
are restored when the block ends, so nothing leaks to the next request or task.

Next to it lives the *acting person* (:func:`actor_context`,
:func:`current_actor`): who the change log (:mod:`kam.changelog`) names as
having made a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, cast

from django.db import connections

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from kam.workspaces.models import Workspace

_current_workspace_id: ContextVar[int | None] = ContextVar("kam_workspace_id", default=None)
_current_actor: ContextVar[AbstractBaseUser | None] = ContextVar("kam_actor", default=None)

#: Name of the PostgreSQL setting the row-level security policies compare to.
PG_SETTING = "app.workspace_id"


class WorkspaceContextMissing(RuntimeError):
    """A workspace-owned model was queried with no workspace selected.

    This is deliberate (fail closed): forgetting to scope a query must crash in
    development and tests rather than return another workspace's rows.
    """


def current_workspace_id() -> int | None:
    return _current_workspace_id.get()


def require_workspace_id() -> int:
    workspace_id = _current_workspace_id.get()
    if workspace_id is None:
        raise WorkspaceContextMissing(
            "No workspace is selected. Wrap the code in kam.tenancy.context.workspace_context()"
            " or use the model's `dangerously_all_workspaces` manager on purpose."
        )
    return workspace_id


def _set_database_workspace(workspace_id: int | None, using: str = "default") -> None:
    """Mirror the workspace into the database session for row-level security.

    Inside a transaction the setting is transaction-local (``set_config(...,
    true)``), so it can never outlive the transaction on a pooled connection.
    Outside one (autocommit: management commands, tasks that commit in chunks,
    tests), a transaction-local value would last a single statement, so the
    session value is set instead; :func:`workspace_context` restores it on exit.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if connection.in_atomic_block and connection.needs_rollback:
        # The transaction is being rolled back (e.g. a 5xx response); the
        # transaction-local setting goes with it, and no query may run now.
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, %s)",
            [
                PG_SETTING,
                "" if workspace_id is None else str(workspace_id),
                connection.in_atomic_block,
            ],
        )


@contextmanager
def workspace_context(workspace: Workspace | int) -> Iterator[int]:
    """Select ``workspace`` for the Django managers and PostgreSQL policies."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    if workspace_id is None:
        raise ValueError("workspace_context() needs a saved workspace")
    previous = _current_workspace_id.get()
    token = _current_workspace_id.set(workspace_id)
    _set_database_workspace(workspace_id)
    try:
        yield workspace_id
    finally:
        _current_workspace_id.reset(token)
        _set_database_workspace(previous)


def sync_database_workspace() -> None:
    """Re-apply the current workspace to the database (after a new transaction began)."""
    _set_database_workspace(_current_workspace_id.get())


# -- the acting person ------------------------------------------------------------


def current_actor() -> AbstractBaseUser | None:
    """The person on whose behalf the current code runs (``None``: nobody known).

    This is the one way the change log learns who acted. Services do not all
    take a user argument (and threading one through every call chain, API view
    and job would add a parameter to dozens of signatures that only the log
    reads), while every write already runs inside a request or a job that knows
    the person: the tenancy middleware sets it for requests (session or access
    token), the job runner for background jobs (the person who asked for the
    job). Code that acts for someone else says so with :func:`actor_context`.
    """
    return _current_actor.get()


@contextmanager
def actor_context(
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Iterator[AbstractBaseUser | None]:
    """Act as ``actor`` inside the block (the explicit override); restored on exit."""
    # AnonymousUser is not a person to name: it becomes "nobody known".
    person = (
        cast("AbstractBaseUser", actor) if actor is not None and actor.is_authenticated else None
    )
    token = _current_actor.set(person)
    try:
        yield person
    finally:
        _current_actor.reset(token)
