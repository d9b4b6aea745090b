"""Celery tasks that run inside one workspace."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from celery import shared_task
from django.db import transaction

from kam.tenancy.context import current_workspace_id, sync_database_workspace, workspace_context

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def workspace_atomic() -> Iterator[None]:
    """A transaction in which PostgreSQL sees the current workspace.

    The row-level security setting is transaction-local, so a task that commits
    in chunks (to report progress) opens each chunk with this.
    """
    with transaction.atomic():
        sync_database_workspace()
        yield


def workspace_task(
    *, atomic: bool = True, **task_options: Any
) -> Callable[[Callable[..., R]], Any]:
    """Declare a Celery task whose first argument is ``workspace_id``.

    The task enters that workspace before its body runs and leaves it after, so
    two tasks handled back to back by one worker share no context. With
    ``atomic=True`` (the default) the body is one transaction; long tasks pass
    ``atomic=False`` and open ``workspace_atomic()`` blocks per chunk.
    """

    def decorator(func: Callable[..., R]) -> Any:
        @functools.wraps(func)
        def run(workspace_id: int, *args: Any, **kwargs: Any) -> R:
            if not isinstance(workspace_id, int):
                raise TypeError("workspace tasks take the workspace id as first argument")
            # A worker process is reused across tasks: refuse to start inside a
            # leftover context rather than mix two workspaces.
            if current_workspace_id() is not None and current_workspace_id() != workspace_id:
                raise RuntimeError("a task started inside another workspace's context")
            with workspace_context(workspace_id):
                if atomic:
                    with workspace_atomic():
                        return func(workspace_id, *args, **kwargs)
                return func(workspace_id, *args, **kwargs)

        return shared_task(**task_options)(run)

    return decorator
