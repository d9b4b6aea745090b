"""The demo's opportunities: every state, push ones from priority cells, pull ones asked for."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from planning.demo.account import _Account, _round
from planning.models import (
    GrowthType,
    Opportunity,
    OpportunityState,
    Origin,
    ProjectPhase,
)
from selling_center.models import BuyingStage

PULL_TITLES = (
    "Framework agreement renewal",
    "Tender: cooling-water pumps",
    "Emergency fleet of rental compressors",
    "Request for energy-saving proposal",
    "Spare-parts consignment stock",
    "Retrofit of dosing skids",
)


ECONOMIC = (
    "Volume {volume} units a year at list minus 6 %; keep gross margin above 30 %.",
    "Three-year contract, price indexed to steel; margin at least 28 %.",
    "First order as a reference; break even on the pilot, margin on the roll-out.",
)


SOCIOPOLITICAL = (
    "Win the CFO over with the energy figures; mobilise our application engineer.",
    "Turn the plant manager into a champion; bring our sponsor to the steering meeting.",
    "Neutralise procurement's preference for the incumbent; involve our field-service lead.",
)


#: Per state: probability range, close in days from today, buying stages, phase.
STATE_PROFILE: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[str, ...], str]] = {
    OpportunityState.IN_PROGRESS: (
        (40, 80),
        (-45, 300),
        (
            BuyingStage.PROPOSAL_REQUESTS,
            BuyingStage.PROPOSAL_EVALUATION,
            BuyingStage.SUPPLIER_SELECTION,
        ),
        ProjectPhase.EXECUTION,
    ),
    OpportunityState.EARLY_STAGE: (
        (10, 35),
        (150, 560),
        (
            BuyingStage.NEED_RECOGNITION,
            BuyingStage.CHARACTERISTIC_DETERMINATION,
            BuyingStage.SPECIFICATION_ESTABLISHMENT,
        ),
        ProjectPhase.OBJECTIVES,
    ),
    OpportunityState.DELAYED: (
        (10, 40),
        (-20, 420),
        (BuyingStage.POTENTIAL_SOURCE_IDENTIFICATION, BuyingStage.PROPOSAL_EVALUATION),
        ProjectPhase.CONTROL,
    ),
    OpportunityState.LONG_TERM: (
        (5, 20),
        (420, 1000),
        (BuyingStage.NEED_RECOGNITION, ""),
        ProjectPhase.INITIATION,
    ),
    OpportunityState.WON: ((100, 100), (-300, -20), (BuyingStage.POST_PURCHASE_EVALUATION,), ""),
    OpportunityState.LOST: ((0, 0), (-300, -20), (BuyingStage.SUPPLIER_SELECTION,), ""),
}


def _opportunities(
    account: _Account, today: datetime.date, rng: random.Random
) -> list[Opportunity]:
    """6 to 15: every state at least once, push from priority cells and pull."""
    customer = account.customer
    states = list(OpportunityState.values)
    states += rng.choices(
        [
            OpportunityState.IN_PROGRESS,
            OpportunityState.EARLY_STAGE,
            OpportunityState.EARLY_STAGE,
            OpportunityState.LONG_TERM,
            OpportunityState.DELAYED,
            OpportunityState.WON,
        ],
        k=rng.randint(0, 9),
    )
    priority_cells = [c for c in account.cells if c.success_factor_id and not c.competitor]
    priority_cells.sort(key=lambda c: -(c.potential or 0))
    labels = {c.pk: c for c in account.columns}
    opportunities: list[Opportunity] = []
    alarm_given = False
    for index, state in enumerate(states):
        (p_low, p_high), (d_low, d_high), stages, phase = STATE_PROFILE[state]
        push = bool(priority_cells) and (index % 3 != 2)
        cell = priority_cells.pop(0) if push else None
        if cell is not None:
            column = labels[cell.column_id]
            offer = column.name or (column.offering.name if column.offering else "Offer")
            title = f"{offer} for {cell.segment.name}"
            value = _round(float(cell.potential or 50_000) * rng.uniform(0.4, 0.9), 1000)
        else:
            title = PULL_TITLES[index % len(PULL_TITLES)]
            value = _round(rng.lognormvariate(11.8, 0.7), 1000)
        qualified = state == OpportunityState.IN_PROGRESS and rng.random() < 0.7
        half = state in (OpportunityState.EARLY_STAGE, OpportunityState.DELAYED)
        checks = [qualified or (half and rng.random() < 0.5) for _ in range(4)]
        if state == OpportunityState.WON:
            checks = [True] * 4
        vp: list[bool | None] = [None, None, None, None]
        if state in (OpportunityState.IN_PROGRESS, OpportunityState.EARLY_STAGE):
            if not alarm_given and not qualified:
                vp = [False, False, False, True]  # the value-proposition alarm
                alarm_given = True
            else:
                vp = [True, rng.random() < 0.7, rng.random() < 0.6, rng.random() < 0.5]
        opportunities.append(
            Opportunity(
                workspace=customer.workspace,
                customer=customer,
                title=title[:200],
                description=f"{'Push' if cell else 'Pull'}: {title}.",
                origin=Origin.PUSH if cell else Origin.PULL,
                state=state,
                value=value,
                margin_percent=Decimal(rng.randint(18, 42)),
                probability=rng.randint(p_low, p_high) // 5 * 5 if p_high else 0,
                expected_close=today + datetime.timedelta(days=rng.randint(d_low, d_high)),
                buying_stage=rng.choice(stages),
                growth_type=rng.choice(GrowthType.values),
                phase=phase or ProjectPhase.PLANNING,
                economic_objectives=rng.choice(ECONOMIC).format(volume=rng.randint(4, 40)),
                sociopolitical_objectives=rng.choice(SOCIOPOLITICAL),
                open_space_cell=cell,
                owner=customer.owner,
                compelling_reason=checks[0],
                compelling_reason_evidence="Permit deadline confirmed by the plant manager."
                if checks[0]
                else "",
                authority_leverage=checks[1],
                authority_leverage_evidence="The CFO asked for the proposal in person."
                if checks[1]
                else "",
                budget_availability=checks[2],
                budget_availability_evidence="Budget line in the approved capex plan."
                if checks[2]
                else "",
                supporting_allies=checks[3],
                supporting_allies_evidence="Maintenance lead champions our solution."
                if checks[3]
                else "",
                vp_needs_justify_price=vp[0],
                vp_strengths_ahead=vp[1],
                vp_benefits_demonstrated=vp[2],
                vp_more_expensive=vp[3],
            )
        )
    return opportunities
