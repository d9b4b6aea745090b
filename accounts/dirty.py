"""Marking customers' scores as out of date, and asking for their recompute.

Everyone who changes what a score is computed from (sales lines, a customer's
scorecard inputs or CLV overrides, the workspace's valuation settings, exchange
rates, the UPV fed back from an Open Space) calls :func:`mark_customers_dirty`
inside the transaction that makes the change. A change to the *sales inputs*
(sales lines, exchange rates) goes through :func:`sales_inputs_changed`
instead, which marks the same way and also tells the apps built on accounts.
The flag is set in that same transaction, so it commits or rolls back with the
change: a page never shows a score as fresh when its inputs have moved on, and
a rolled-back edit leaves nothing marked. The recompute is requested only after
the commit, so the run sees the change that asked for it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.job_kinds import SCORES
from accounts.models import Customer, SalesLine
from accounts.signals import sales_lines_changed
from kam.jobs.debounce import request_run
from kam.workspaces.models import Workspace

#: Customer fields a score is computed from: a change to any of them makes the
#: customer's score stale. (Size is a percentile among all customers, so a new
#: size shifts the others a little too; the full recompute refreshes everyone,
#: but only customers whose own inputs changed are shown as recomputing.)
SCORE_INPUT_FIELDS: frozenset[str] = frozenset(
    {
        "size_measure",
        "strategic_importance",
        "fit_strategic",
        "fit_operational",
        "fit_cultural",
        "upv_estimate",
        "upv_open_space",
        "discount_rate_override",
        "retention_override",
        "horizon_years_override",
        "acquisition_cost_override",
    }
)


def request_scores_recompute_on_commit(
    *, workspace: Workspace | int, requested_by: User | None = None
) -> None:
    """Ask the debouncer for a scores run once the current transaction commits.

    One transaction asks once per workspace: a bulk change (an import, the demo,
    a pasted block that touches many accounts) would otherwise queue one
    request per call, and without a broker (eager tasks) each of them runs the
    whole workspace's recompute in turn.
    """
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    if _already_requested_in_this_transaction(workspace_id):
        return
    transaction.on_commit(
        functools.partial(request_run, workspace_id, SCORES.name, requested_by=requested_by),
        # A broker hiccup must not break the edit that was already committed;
        # the customers stay dirty and the next change (or the periodic
        # re-dispatch of queued jobs) picks them up.
        robust=True,
    )


def _already_requested_in_this_transaction(workspace_id: int) -> bool:
    """A scores request for ``workspace_id`` is already waiting for this commit.

    Safe with savepoints: a callback registered in a savepoint that rolls back
    leaves the list with it, so a later call in the surviving transaction
    registers a fresh one.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(
        isinstance(callback, functools.partial)
        and callback.func is request_run
        and callback.args == (workspace_id, SCORES.name)
        for _savepoints, callback, _robust in connection.run_on_commit
    )


@transaction.atomic
def mark_customers_dirty(
    *,
    workspace: Workspace | int,
    customer_ids: Iterable[int] | None = None,
    requested_by: User | None = None,
) -> None:
    """Flag scores of ``customer_ids`` (``None``: every customer) as stale; recompute on commit.

    Cheap to call on every write: one UPDATE, and the debouncer turns any
    number of requests into at most one run now and one after it.
    """
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    # The default manager fails closed without a workspace context; the explicit
    # filter keeps a caller in workspace A from marking rows of workspace B.
    customers = Customer.objects.filter(workspace_id=workspace_id)
    if customer_ids is not None:
        ids = {int(pk) for pk in customer_ids}
        if not ids:
            return
        customers = customers.filter(pk__in=ids)
    # updated_at moves on every mark, even for a customer already dirty: the
    # recompute remembers each customer's updated_at when it reads the inputs
    # and clears the flag only if it is unchanged when it stores the score
    # (see accounts.scores). A mark that only flipped a flag already set would
    # be invisible to it, and a change arriving mid-run would be lost.
    customers.update(scores_dirty=True, updated_at=timezone.now())
    request_scores_recompute_on_commit(workspace=workspace_id, requested_by=requested_by)


@transaction.atomic
def sales_inputs_changed(
    *,
    workspace: Workspace | int,
    customer_ids: Iterable[int] | None,
    requested_by: User | None = None,
) -> None:
    """Sales lines or exchange rates of ``customer_ids`` (``None``: anyone's) changed.

    The one way every such change is announced (a sales line entered, edited or
    deleted, an import of sales or rates, a rate added, edited or deleted, the
    reporting currency changed): it marks the customers' scores stale as
    :func:`mark_customers_dirty` does and sends
    :data:`accounts.signals.sales_lines_changed`, on which planning refreshes
    the Open Space UPV, in the caller's transaction. Call it inside the
    transaction that made the change; an empty ``customer_ids`` does nothing.
    """
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    ids = None if customer_ids is None else {int(pk) for pk in customer_ids}
    if ids is not None and not ids:
        return
    mark_customers_dirty(workspace=workspace_id, customer_ids=ids, requested_by=requested_by)
    sales_lines_changed.send(sender=SalesLine, workspace_id=workspace_id, customer_ids=ids)
