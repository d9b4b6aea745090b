"""Signals ``accounts`` sends for the apps built on it.

``accounts`` imports none of those apps (the dependency points one way), so
they listen here instead of being called.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the transaction that created, changed or deleted sales lines
#: (or exchange rates, which decide how foreign-currency lines count), by
#: :func:`accounts.dirty.sales_inputs_changed` only: send it through that
#: service, which also marks the scores stale, never by hand.
#: Keyword arguments: ``workspace_id`` (int) and ``customer_ids`` (a set of
#: customer ids, or ``None`` when any customer may be affected). Receivers run
#: in the same transaction and workspace context, so whatever they change
#: commits or rolls back with the sales, and a scores recompute they ask for
#: merges with the one the change itself asked for.
sales_lines_changed = Signal()

#: Sent after a scores run stored every customer's scores and yearly figures (outside
#: any transaction of the run: each chunk has committed). Apps that read those figures
#: (account health) recompute from here, so they never lag one run behind.
#: Keyword argument: ``workspace_id`` (int).
scores_stored = Signal()
