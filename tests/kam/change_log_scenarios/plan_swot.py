"""Change-log scenarios of the account plan (swot)."""

from __future__ import annotations

from typing import Any

from tests.kam.change_log_scenarios import Ctx, Expect, expected, lifecycle, scenario

SWOT = "planning.plan.services.swot"
OBJECTIVES = "planning.plan.services.objectives"

lifecycle(
    SWOT,
    "swot_item",
    row="swot_item",
    fields=lambda ctx: {
        "customer": ctx.customer,
        "kind": "strength",
        "text": "Trusted service engineers",
    },
    changes={"implication": "Offer them for the new site"},
)

lifecycle(
    OBJECTIVES,
    "objective",
    row="objective",
    fields=lambda ctx: {
        "customer": ctx.customer,
        "title": "Grow pump revenue",
        "kind": "volume",
        "target": "250000",
    },
    changes={"status": "on_track"},
)


@scenario(f"{SWOT}.swot_suggestion_accept")
def _accept(ctx: Ctx) -> Expect:
    from buying_center.models import Stakeholder
    from planning.plan.services import swot

    # The world's buyer has no owner but is no decider; make a decider nobody owns.
    person: Any = Stakeholder.objects.create(
        customer=ctx.customer, name="Unowned Decider", roles=["decider"]
    )
    item = swot.swot_suggestion_accept(
        workspace=ctx.workspace, customer=ctx.customer, key=f"weakness:unowned:{person.pk}"
    )
    return expected(item, ctx.customer.pk)


@scenario(f"{SWOT}.swot_suggestion_dismiss")
def _dismiss(ctx: Ctx) -> Expect:
    from buying_center.models import Stakeholder
    from planning.plan.services import swot

    person: Any = Stakeholder.objects.create(
        customer=ctx.customer, name="Unowned Facilitator", roles=["facilitator"]
    )
    dismissal = swot.swot_suggestion_dismiss(
        workspace=ctx.workspace, customer=ctx.customer, key=f"weakness:unowned:{person.pk}"
    )
    return expected(dismissal, ctx.customer.pk)
