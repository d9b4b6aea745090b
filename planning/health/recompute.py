"""Asking for a health recompute: debounced like the scores, triggered by the change log.

Every write a person makes to an account's plan records a change-log entry in its
transaction (tests/kam/test_change_log_complete.py holds every service to it), so
the change log is where health hears that its inputs moved:
:data:`kam.changelog.services.entry_recorded` reaches :func:`entries_recorded`,
which asks for one debounced "health" run once the transaction commits. The run
recomputes the accounts that are due (``planning.health.services.health_due_ids``):
those with an entry since their last computation, those whose scores and figures
were stored since, and any not computed today.

New sales lines are logged too, but the health run their entry asks for may read
the yearly figures and purchase model from before their scores run: that run, once
it has stored everything, sends :data:`accounts.signals.scores_stored`, which asks
for another health run (:func:`scores_stored_received`), so health never lags a
scores run behind.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from kam.jobs.debounce import request_run
from kam.jobs.kinds import JobKind
from kam.permissions import Capability

HEALTH = JobKind(
    name="health",
    task="planning.health.tasks.recompute_health",
    label="Recomputing account health",
    start_capability=Capability.MANAGE_DATA,
)


def _already_requested(workspace_id: int) -> bool:
    """A health run for the workspace already waits for this commit (one per transaction)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(
        isinstance(callback, functools.partial)
        and callback.func is request_run
        and callback.args == (workspace_id, HEALTH.name)
        for _savepoints, callback, _robust in connection.run_on_commit
    )


def request_health_recompute_on_commit(*, workspace_id: int) -> None:
    """Ask the debouncer for a health run once the current transaction commits."""
    if _already_requested(workspace_id):
        return
    # robust: a broker hiccup must not break the edit that was already committed;
    # the nightly run and the next change catch up.
    transaction.on_commit(functools.partial(request_run, workspace_id, HEALTH.name), robust=True)


def entries_recorded(sender: Any, *, entries: Sequence[Any], **kwargs: Any) -> None:
    """Receiver of ``entry_recorded``: a change about an account may move its health."""
    workspaces = {entry.workspace_id for entry in entries if entry.account_id is not None}
    for workspace_id in workspaces:
        request_health_recompute_on_commit(workspace_id=workspace_id)


def scores_stored_received(sender: Any, *, workspace_id: int, **kwargs: Any) -> None:
    """Receiver of ``scores_stored``: the figures health reads have just been stored."""
    request_health_recompute_on_commit(workspace_id=workspace_id)
