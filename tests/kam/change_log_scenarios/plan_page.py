"""Change-log scenarios of the account plan (page)."""

from __future__ import annotations

import datetime
from typing import Any

from tests.kam.change_log_scenarios import Ctx, Expect, expected, lifecycle, scenario

TEXTS = "planning.plan.services.texts"
PLANS = "planning.plan.services.plans"


@scenario(f"{TEXTS}.plan_text_save", f"{TEXTS}.plan_text_confirm")
def _save_and_confirm(ctx: Ctx) -> Expect:
    from planning.plan.services import texts

    row = texts.plan_text_save(
        workspace=ctx.workspace,
        customer=ctx.customer,
        topic="market",
        text="Copper demand grows with electrification.",
        expected_version=None,
    )
    row = texts.plan_text_save(
        workspace=ctx.workspace,
        customer=ctx.customer,
        topic="market",
        text="Copper demand grows fast with electrification.",
        expected_version=row.version,
    )
    row = texts.plan_text_confirm(
        workspace=ctx.workspace, customer=ctx.customer, topic="market", expected_version=row.version
    )
    return expected(row, ctx.customer.pk)


@scenario(f"{TEXTS}.plan_text_create", f"{TEXTS}.plan_text_update")
def _api_texts(ctx: Ctx) -> Expect:
    from planning.plan.services import texts

    row = texts.plan_text_create(
        workspace=ctx.workspace, customer=ctx.customer, topic="buying", text="Framework deals."
    )
    row = texts.plan_text_update(
        workspace=ctx.workspace,
        plan_text=row,
        expected_version=row.version,
        text="Framework deals, renewed every three years.",
    )
    return expected(row, ctx.customer.pk)


@scenario(f"{PLANS}.plan_owner_set", f"{PLANS}.account_plan_update")
def _owner(ctx: Ctx) -> Expect:
    from planning.plan.services import plans

    plan = plans.plan_owner_set(
        workspace=ctx.workspace, customer=ctx.customer, owner=ctx.actor, expected_version=None
    )
    plan = plans.plan_owner_set(
        workspace=ctx.workspace,
        customer=ctx.customer,
        owner=ctx.world.a.user("admin"),
        expected_version=plan.version,
    )
    return expected(plan, ctx.customer.pk)


@scenario(f"{PLANS}.account_plan_create")
def _create(ctx: Ctx) -> Expect:
    from planning.plan.services import plans

    plan = plans.account_plan_create(workspace=ctx.workspace, customer=ctx.customer)
    return expected(plan, ctx.customer.pk)


def _satisfaction(ctx: Ctx) -> dict[str, Any]:
    return {
        "customer": ctx.customer,
        "measured_on": datetime.date(2026, 3, 1),
        "score": 7,
        "source": "Annual survey",
    }


lifecycle(
    "planning.plan.services.satisfaction",
    "satisfaction_entry",
    row="satisfaction_entry",
    fields=_satisfaction,
    changes={"score": 8},
)
