"""Asking for a health recompute: debounced like the scores, triggered by the change log.

Every write a person makes to an account's plan records a change-log entry in its
transaction (tests/kam/test_change_log_complete.py holds every service to it), so
the change log is where health hears that its inputs moved:
:data:`kam.changelog.services.entry_recorded` reaches :func:`entries_recorded`,
which asks for one debounced "health" run once the transaction commits. The run
recomputes the accounts that are due (``planning.health.services.health_due_ids``):
those with an entry since their last computation, those whose scores and figures
were stored since, and any not computed today.

New sales lines are logged too, but their scores run (which stores the yearly
figures and the purchase model health reads) is asked for after the entry, so the
health run that entry asks for may read the figures from before; the next run (the
next change on the account, or the nightly one) reads the new ones. Queuing a
second health run behind the scores run would fix the order without a broker,
at the price of a second on-commit request in every sales transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from kam.jobs.debounce import request_run
from kam.jobs.kinds import JobKind
from kam.permissions import Capability

#: The accounts' scores job (``accounts.job_kinds.SCORES``), by name: only the name is
#: compared here.
SCORES_KIND = "scores"

HEALTH = JobKind(
    name="health",
    task="planning.health.tasks.recompute_health",
    label="Recomputing account health",
    start_capability=Capability.MANAGE_DATA,
)


def _is_request(callback: Any, workspace_id: int, kind: str) -> bool:
    return (
        isinstance(callback, functools.partial)
        and callback.func is request_run
        and callback.args == (workspace_id, kind)
    )


def _already_requested(workspace_id: int, *, after_scores: bool) -> bool:
    """A health run for the workspace already waits for this commit (one per transaction).

    With ``after_scores``, only a request queued *after* the transaction's scores
    request counts: callbacks run in the order they were registered, so (without a
    broker) that run reads the figures and scores the scores run has just stored.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    health_at = scores_at = -1
    for index, (_savepoints, callback, _robust) in enumerate(connection.run_on_commit):
        if _is_request(callback, workspace_id, HEALTH.name):
            health_at = index
        elif _is_request(callback, workspace_id, SCORES_KIND):
            scores_at = index
    if health_at < 0:
        return False
    return not after_scores or health_at > scores_at


def request_health_recompute_on_commit(*, workspace_id: int, after_scores: bool = False) -> None:
    """Ask the debouncer for a health run once the current transaction commits."""
    if _already_requested(workspace_id, after_scores=after_scores):
        return
    # robust: a broker hiccup must not break the edit that was already committed;
    # the nightly run and the next change catch up.
    transaction.on_commit(functools.partial(request_run, workspace_id, HEALTH.name), robust=True)


def entries_recorded(sender: Any, *, entries: Sequence[Any], **kwargs: Any) -> None:
    """Receiver of ``entry_recorded``: a change about an account may move its health."""
    workspaces = {entry.workspace_id for entry in entries if entry.account_id is not None}
    for workspace_id in workspaces:
        request_health_recompute_on_commit(workspace_id=workspace_id)
