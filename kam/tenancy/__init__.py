"""Workspace isolation: every workspace-owned row is reachable only inside its workspace.

Enforced twice (see design.md): in Django by a fail-closed manager and scoped
view bases, and in PostgreSQL by row-level security keyed on a transaction-local
setting that :func:`workspace_context` sets.
"""
