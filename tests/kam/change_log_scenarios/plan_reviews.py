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


@scenario(f"{REVIEWS}.review_start")
def _start(ctx: Ctx) -> Expect:
    from planning.reviews import services

    row = services.review_create(
        workspace=ctx.workspace,
        customer=ctx.customer,
        kind="day_90",
        scheduled_on=datetime.date(2026, 3, 10),
    )
    services.review_start(workspace=ctx.workspace, review=row, by=ctx.actor)
    return expected(row, ctx.customer.pk)


@scenario(f"{REVIEWS}.review_cadence_propose")
def _cadence(ctx: Ctx) -> Expect:
    from planning.reviews import services

    proposed = services.review_cadence_propose(
        workspace=ctx.workspace, customer=ctx.customer, planned_on=datetime.date(2026, 3, 1)
    )
    return expected(proposed[-1], ctx.customer.pk)


@scenario("planning.plan.services.plans.plan_start")
def _plan_start(ctx: Ctx) -> Expect:
    from planning.plan.services.plans import plan_start

    plan = plan_start(workspace=ctx.workspace, customer=ctx.customer)
    return expected(plan, ctx.customer.pk)
