"""Change-log scenarios of the plan's review meetings."""

from __future__ import annotations

import datetime

from tests.kam.change_log_scenarios import Ctx, Expect, expected, scenario

REVIEWS = "planning.reviews.services"


@scenario(f"{REVIEWS}.review_create", f"{REVIEWS}.review_update", f"{REVIEWS}.review_delete")
def _reviews(ctx: Ctx) -> Expect:
    from planning.reviews import services

    row = services.review_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        kind="management",
        scheduled_on=datetime.date(2026, 3, 10),
        our_attendees=[ctx.actor],
    )
    row = services.review_update(
        workspace=ctx.workspace, review=row, expected_version=row.version, agenda="Scorecard"
    )
    expect = expected(row, ctx.customer.pk)
    services.review_delete(workspace=ctx.workspace, review=row, expected_version=row.version)
    return expect


@scenario(f"{REVIEWS}.review_close")
def _close(ctx: Ctx) -> Expect:
    from planning.reviews import services

    row = services.review_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        kind="day_60",
        scheduled_on=datetime.date(2026, 3, 10),
    )
    row = services.review_close(
        workspace=ctx.workspace,
        review=row,
        expected_version=row.version,
        by=ctx.actor,
        held_on=datetime.date(2026, 3, 10),
        minutes="Agreed on the relining pilot.",
    )
    return expected(row, ctx.customer.pk)
