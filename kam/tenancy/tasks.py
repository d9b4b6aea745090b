"""Celery tasks that run inside one workspace."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import kombu.exceptions
from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from kam.tenancy.context import current_workspace_id, sync_database_workspace, workspace_context

R = TypeVar("R")

#: Errors that say "the database or the broker was briefly unreachable", not
#: "this task is wrong": worth another attempt, a few times, with a pause.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)

#: Options for tasks that may safely run twice (they recompute, they do not
#: append). ``acks_late`` keeps the message until the task finishes, so a worker
#: that dies mid-task does not lose it; retries are bounded and back off so a
#: database restart does not turn into a retry storm.
IDEMPOTENT_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "max_retries": 3,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
}


@contextmanager
def workspace_atomic(*, durable: bool = False) -> Iterator[None]:
    """A transaction in which PostgreSQL sees the current workspace.

    The row-level security setting is transaction-local, so a task that commits
    in chunks (to report progress) opens each chunk with this. ``durable=True``
    refuses to run nested in another transaction: use it where the commit must
    be visible to other connections as soon as the block ends (job progress).
    """
    with transaction.atomic(durable=durable):
        sync_database_workspace()
        yield


def workspace_task(
    *, atomic: bool = True, idempotent: bool = False, bind: bool = False, **task_options: Any
) -> Callable[[Callable[..., R]], Any]:
    """Declare a Celery task whose first argument is ``workspace_id``.

    The task enters that workspace before its body runs and leaves it after, so
    two tasks handled back to back by one worker share no context. With
    ``atomic=True`` (the default) the body is one transaction; long tasks pass
    ``atomic=False`` and open ``workspace_atomic()`` blocks per chunk.
    ``idempotent=True`` adds :data:`IDEMPOTENT_TASK_OPTIONS` (late
    acknowledgement, bounded retries on transient errors). ``bind=True`` passes
    the task itself first, before ``workspace_id``, as in Celery.
    """
    options = {**(IDEMPOTENT_TASK_OPTIONS if idempotent else {}), **task_options}

    def decorator(func: Callable[..., R]) -> Any:
        @functools.wraps(func)
        def run(task: Any, workspace_id: int, *args: Any, **kwargs: Any) -> R:
            # bool is an int subclass; a JSON "true" must not select workspace 1.
            if not isinstance(workspace_id, int) or isinstance(workspace_id, bool):
                raise TypeError("workspace tasks take the workspace id as first argument")
            # A worker process is reused across tasks: refuse to start inside a
            # leftover context rather than mix two workspaces.
            leftover = current_workspace_id()
            if leftover is not None and leftover != workspace_id:
                raise RuntimeError("a task started inside another workspace's context")
            call_args = (task, workspace_id, *args) if bind else (workspace_id, *args)
            with workspace_context(workspace_id):
                if atomic:
                    with workspace_atomic():
                        return func(*call_args, **kwargs)
                return func(*call_args, **kwargs)

        return shared_task(bind=True, **options)(run)

    return decorator
