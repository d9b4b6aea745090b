"""Change-log scenarios of the account plan (actions)."""

from __future__ import annotations

from tests.kam.change_log_scenarios import Ctx, Expect, expected, scenario

ACTIONS = "planning.plan.services.actions"


@scenario(f"{ACTIONS}.action_create", f"{ACTIONS}.action_update", f"{ACTIONS}.action_delete")
def _actions(ctx: Ctx) -> Expect:
    # action_complete and action_reopen are action_update with a status: covered by it.
    from planning.plan.services import actions

    row = actions.action_create(
        workspace=ctx.workspace, customer=ctx.customer, title="Send references", owner=ctx.actor
    )
    row = actions.action_update(
        workspace=ctx.workspace,
        action=row,
        expected_version=row.version,
        milestone="Before the tender",
    )
    row = actions.action_complete(workspace=ctx.workspace, action=row, expected_version=row.version)
    expect = expected(row, ctx.customer.pk)
    actions.action_delete(workspace=ctx.workspace, action=row, expected_version=row.version)
    return expect
