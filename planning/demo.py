"""Demo planning data: CSFs, a full Open Space and 6 to 15 opportunities per key account.

Runs after the selling center's builder (``kam.management.demo.DEMO_APPS``), so
stakeholders and account teams exist. Everything is made with ``bulk_create``
in a handful of queries per account, from a seeded random generator: the same
seed gives the same data. Rows of the Open Space are the account's real sales
segments (so last year's sales come from its sales lines) plus segments where
it buys nothing from us yet; columns are catalog offerings grouped by our
business unit, plus co-creation ideas. Opportunities cover every state (the
four prioritization quadrants, won, lost), push ones born in priority cells and
pull ones asked for by the customer, with the capture-plan analyses filled in
as a team would half-way through: some qualified, one value-proposition alarm,
overdue tasks, weak decision criteria with and without a strategy.
Finally each matrix feeds its UPV to the account's scores.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import Customer, CustomerStatus, Offering, SalesLine
from buying_center.models import BuyingRole, Stakeholder
from kam.management.demo import DemoWorkspace
from kam.tenancy.models import WorkspaceOwned
from planning.analysis.standard_questions import STANDARD_QUESTIONS
from planning.models import (
    ChallengeQuestion,
    CriterionGroup,
    CriticalSuccessFactor,
    DecisionCriterion,
    GrowthType,
    HighAnxiety,
    LackOfReceptivity,
    NeedNature,
    NeedStatus,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    OpportunityTask,
    Origin,
    ProjectPhase,
    Severity,
    StakeholderNeed,
)
from planning.models.opportunities import TaskStatus, ValueDriver, VulnerabilityStrategy
from planning.opportunities.formula import evaluate
from selling_center.models import BuyingStage, SellingCenterMember, SellingRole
from selling_center.selectors import is_customer_executive

CSF_TITLES = (
    ("Zero unplanned downtime on the main lines", "Every lost hour costs a full shift of output."),
    ("Cut energy use per tonne by 15 %", "Board target for 2027; energy is their largest cost."),
    ("Meet the new emissions permit", "Permit renewal depends on lower VOC and noise."),
    ("Grow output without new sites", "Capacity must come from existing plants."),
    ("Safer maintenance work", "Lost-time injuries must halve; fewer confined-space entries."),
    ("Shorter project start-ups", "New lines must reach nameplate in weeks, not months."),
    ("Lower working capital in spares", "Spare-part stock is tied-up cash they want back."),
)
#: The customer's own business units: rows are grouped region > business unit.
CUSTOMER_UNITS = ("Production", "Utilities & energy", "Engineering projects", "Maintenance hub")
CO_CREATION = (
    ("Pump-as-a-service (pay per m³)", "Co-creation"),
    ("Digital twin of the compressor house", "Co-creation"),
    ("Shared spare-parts pool with their other sites", "Co-creation"),
)
COMPETITORS = ("Krupa Pumps", "Atlas Flowtech", "Vesta Air", "Hydronic Service", "Nordkraft")
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
TASKS = (
    "Site visit with the application engineer",
    "Send the energy-saving calculation",
    "Meet the CFO with our sponsor",
    "Workshop on the specification",
    "Reference visit to a similar plant",
    "Answer the technical questions",
    "Price proposal to procurement",
    "Check budget timing with the controller",
)
CRITERIA = (
    (CriterionGroup.CORE_TRANSACTIONAL, "Total cost of ownership", BuyingRole.DECIDER),
    (CriterionGroup.CORE_TRANSACTIONAL, "Purchase price", BuyingRole.BUYER),
    (CriterionGroup.SERVICE, "Response time on call-outs", BuyingRole.USER),
    (CriterionGroup.SERVICE, "Spare-part availability", BuyingRole.USER),
    (CriterionGroup.PROCESS, "Ease of ordering through their portal", BuyingRole.BUYER),
    (CriterionGroup.PROCESS, "Documentation for the audit", BuyingRole.ADVISOR),
    (CriterionGroup.BUYER_SELLER_FIT, "Shared safety culture", BuyingRole.INFLUENCER),
    (CriterionGroup.BUYER_SELLER_FIT, "Local presence near the plants", BuyingRole.DECIDER),
)
EXPECTATIONS = (
    (NeedNature.SOLUTION, "Energy use per m³ measured before and after"),
    (NeedNature.SOLUTION, "Installation inside the summer shutdown"),
    (NeedNature.RELATIONAL, "One named contact who answers within a day"),
    (NeedNature.RELATIONAL, "Regular reviews with their management"),
)
CONCERNS = (
    (NeedNature.SOLUTION, "Downtime during the changeover"),
    (NeedNature.SOLUTION, "Compatibility with the existing control system"),
    (NeedNature.RELATIONAL, "We might hand them over to a distributor later"),
    (NeedNature.RELATIONAL, "Their people fear the service contract replaces them"),
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


@dataclass
class _Account:
    customer: Customer
    stakeholders: list[Stakeholder]
    members: list[SellingCenterMember]
    open_space: OpenSpace | None = None
    segments: list[OpenSpaceSegment] = field(default_factory=list)
    columns: list[OpenSpaceColumn] = field(default_factory=list)
    csfs: list[CriticalSuccessFactor] = field(default_factory=list)
    cells: list[OpenSpaceCell] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)


def _round(amount: float, step: int = 5000) -> Decimal:
    return Decimal(max(step, round(amount / step) * step))


def build(demo: DemoWorkspace) -> str:
    """Entry point for ``manage.py demo``: see ``kam.management.demo``."""
    rng = random.Random(f"planning-demo:{demo.seed}")  # noqa: S311
    workspace = demo.workspace
    today = timezone.localdate()
    year = today.year - 1  # the year the Open Space reads its sales from
    customers = list(
        Customer.objects.filter(workspace=workspace, status=CustomerStatus.KEY_ACCOUNT)
        .select_related("owner")
        .order_by("name")
    )
    if not customers:
        return "no key accounts: nothing planned"
    stakeholders: dict[int, list[Stakeholder]] = defaultdict(list)
    for person in Stakeholder.objects.filter(workspace=workspace, customer__in=customers).order_by(
        "pk"
    ):
        stakeholders[person.customer_id].append(person)
    members: dict[int, list[SellingCenterMember]] = defaultdict(list)
    for member in SellingCenterMember.objects.filter(
        workspace=workspace, customer__in=customers
    ).order_by("pk"):
        members[member.customer_id].append(member)
    sold: dict[int, set[tuple[str, int]]] = defaultdict(set)
    segments_of: dict[int, list[str]] = defaultdict(list)
    for customer_id, segment, offering_id in (
        SalesLine.objects.filter(
            workspace=workspace,
            customer__in=customers,
            date__year=year,
            net_sales__gt=0,
        )
        .exclude(segment="")
        .values_list("customer_id", "segment", "offering_id")
        .distinct()
        .order_by("customer_id", "segment", "offering_id")
    ):
        sold[customer_id].add((segment.strip().lower(), offering_id))
        if segment not in segments_of[customer_id]:
            segments_of[customer_id].append(segment)
    catalog = list(Offering.objects.filter(workspace=workspace).order_by("business_unit", "code"))
    users = [u for name, u in demo.users.items() if name in ("exec", "admin")]
    reviewer = users[0] if users else None

    accounts = [_Account(c, stakeholders[c.pk], members[c.pk]) for c in customers]
    # 1. CSFs and the Open Space layout (rows, columns): a few bulk inserts.
    open_spaces = OpenSpace.objects.bulk_create(
        [OpenSpace(workspace=workspace, customer=a.customer) for a in accounts]
    )
    csfs: list[CriticalSuccessFactor] = []
    segment_rows: list[OpenSpaceSegment] = []
    column_rows: list[OpenSpaceColumn] = []
    for account, open_space in zip(accounts, open_spaces, strict=True):
        account.open_space = open_space
        seniors = [s for s in account.stakeholders if is_customer_executive(s)] or (
            account.stakeholders[:3]
        )
        for position, (title, description) in enumerate(
            rng.sample(CSF_TITLES, k=rng.randint(3, 5))
        ):
            account.csfs.append(
                CriticalSuccessFactor(
                    workspace=workspace,
                    customer=account.customer,
                    title=title,
                    description=description,
                    owner=seniors[position % len(seniors)] if seniors else None,
                    position=position,
                )
            )
        csfs.extend(account.csfs)
        account.segments = _segments(account, segments_of[account.customer.pk], rng)
        segment_rows.extend(account.segments)
        bought = {offering_id for _key, offering_id in sold[account.customer.pk]}
        account.columns = _columns(account, catalog, bought, rng)
        column_rows.extend(account.columns)
    CriticalSuccessFactor.objects.bulk_create(csfs)
    OpenSpaceSegment.objects.bulk_create(segment_rows)
    OpenSpaceColumn.objects.bulk_create(column_rows)

    # 2. Cells: potentials on most open cells, some CSF-aligned, some competitor-held.
    cells: list[OpenSpaceCell] = []
    for account in accounts:
        account.cells = _cells(account, sold[account.customer.pk], rng)
        cells.extend(account.cells)
    OpenSpaceCell.objects.bulk_create(cells)

    # 3. Opportunities, then everything hanging off them.
    opportunities: list[Opportunity] = []
    for account in accounts:
        account.opportunities = _opportunities(account, today, rng)
        opportunities.extend(account.opportunities)
    Opportunity.objects.bulk_create(opportunities)
    children = _analyses(accounts, today, reviewer, rng)
    for model, rows in children.items():
        model.objects.bulk_create(rows)

    upv = _feed_upv(accounts)
    priority = sum(
        1 for c in cells if c.success_factor_id and not c.competitor and c.potential is not None
    )
    return (
        f"{len(accounts)} accounts: {len(csfs)} CSFs, {len(segment_rows)} rows x"
        f" {len(column_rows)} columns, {len(cells)} cells ({priority} priority),"
        f" UPV {upv:,.0f}; {len(opportunities)} opportunities,"
        f" {sum(len(rows) for rows in children.values())} analysis rows"
    )


def _feed_upv(accounts: list[_Account]) -> Decimal:
    """Store each matrix's UPV on its account; the scores pick it up in one recompute.

    ``upv_feed`` marks each account dirty; all of it happens in the demo's one
    transaction, which asks for a single scores run on commit.
    """
    from planning.open_space.services.open_spaces import upv_feed

    total = Decimal(0)
    for account in accounts:
        assert account.open_space is not None
        total += upv_feed(open_space=account.open_space).total
    return total


def _segments(account: _Account, real: list[str], rng: random.Random) -> list[OpenSpaceSegment]:
    """6 to 14 rows: the segments it buys in, then the same sites' other units (open)."""
    customer = account.customer
    region = customer.region or "Home market"
    target = rng.randint(6, 14)
    sites = real[:6] or [f"{region} site {n}" for n in range(1, 3)]
    rows: list[tuple[str, str, str]] = [
        (f"{region} > {CUSTOMER_UNITS[0]}", site, site) for site in sites
    ]
    units = list(CUSTOMER_UNITS[1:])
    i = 0
    while len(rows) < target:
        unit = units[i % len(units)]
        site = sites[(i // len(units)) % len(sites)]
        name = f"{site} ({unit.split()[0].lower()})"
        if all(r[1] != name for r in rows):
            rows.append((f"{region} > {unit}", name, ""))
        i += 1
        if i > 60:
            break
    rows.sort(key=lambda r: (CUSTOMER_UNITS.index(r[0].split(" > ", 1)[1]), r[1]))
    assert account.open_space is not None
    return [
        OpenSpaceSegment(
            workspace=account.open_space.workspace,
            open_space=account.open_space,
            group=group,
            name=name,
            sales_segment=sales_segment,
            position=position,
        )
        for position, (group, name, sales_segment) in enumerate(rows)
    ]


def _columns(
    account: _Account, catalog: list[Offering], bought: set[int], rng: random.Random
) -> list[OpenSpaceColumn]:
    """All it buys, then one to three offerings it buys nowhere (cross-sell), plus co-creation."""
    assert account.open_space is not None
    # At least eight catalog columns, and always some it does not buy at all:
    # without them the matrix would show no cross-sell, only up-sell.
    target = min(len(catalog), max(8, len(bought) + rng.randint(1, 3)))
    chosen = [o for o in catalog if o.pk in bought]
    others = [o for o in catalog if o.pk not in bought]
    rng.shuffle(others)
    chosen += others[: max(0, target - len(chosen))]
    chosen.sort(key=lambda o: (o.business_unit, o.code))
    columns = [
        OpenSpaceColumn(
            workspace=account.open_space.workspace,
            open_space=account.open_space,
            offering=offering,
            group=offering.business_unit,
            position=position,
        )
        for position, offering in enumerate(chosen)
    ]
    for name, group in rng.sample(CO_CREATION, k=rng.randint(1, 2)):
        columns.append(
            OpenSpaceColumn(
                workspace=account.open_space.workspace,
                open_space=account.open_space,
                name=name,
                group=group,
                position=len(columns),
            )
        )
    return columns


def _cells(
    account: _Account, sold: set[tuple[str, int]], rng: random.Random
) -> list[OpenSpaceCell]:
    assert account.open_space is not None
    cells: list[OpenSpaceCell] = []
    scale = rng.uniform(0.6, 1.8)
    for segment in account.segments:
        key = (segment.sales_segment or segment.name).strip().lower()
        for column in account.columns:
            incumbent = column.offering_id is not None and (key, column.offering_id) in sold
            if incumbent:
                # Sales come from the lines; a competitor note on a few, no potential.
                if rng.random() < 0.12:
                    cells.append(
                        OpenSpaceCell(
                            workspace=account.open_space.workspace,
                            open_space=account.open_space,
                            segment=segment,
                            column=column,
                            competitor=rng.choice(COMPETITORS),
                            note="incumbent",
                        )
                    )
                continue
            if rng.random() > 0.72:
                continue  # left empty: nobody has estimated it yet
            csf = rng.choice(account.csfs) if rng.random() < 0.22 else None
            competitor = rng.choice(COMPETITORS) if rng.random() < 0.25 else ""
            base = 60_000 if column.offering_id is None else 35_000
            cells.append(
                OpenSpaceCell(
                    workspace=account.open_space.workspace,
                    open_space=account.open_space,
                    segment=segment,
                    column=column,
                    potential=_round(base * scale * rng.lognormvariate(0, 0.8)),
                    success_factor=csf,
                    competitor=competitor,
                    note="open",
                )
            )
    # A believable handful of priority cells, never none: align a few more if needed.
    priority = [c for c in cells if c.note == "open" and c.success_factor and not c.competitor]
    candidates = [
        c for c in cells if c.note == "open" and not c.success_factor and not c.competitor
    ]
    rng.shuffle(candidates)
    for cell in candidates[: max(0, 3 - len(priority))]:
        cell.success_factor = rng.choice(account.csfs)
    for cell in cells:
        cell.note = ""
    return cells


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


def _analyses(
    accounts: list[_Account], today: datetime.date, reviewer: User | None, rng: random.Random
) -> dict[type[WorkspaceOwned], list[Any]]:
    """Contributors, tasks, value drivers, needs, criteria and challenge scores."""
    rows: dict[type, list[Any]] = defaultdict(list)
    open_states = {
        OpportunityState.IN_PROGRESS,
        OpportunityState.EARLY_STAGE,
        OpportunityState.DELAYED,
        OpportunityState.LONG_TERM,
    }
    for account in accounts:
        people = account.stakeholders
        helpers = [
            m
            for m in account.members
            if m.role in (SellingRole.CONTRIBUTOR, SellingRole.SUBJECT_MATTER_LEADER)
        ]
        challenged = 0
        for opportunity in account.opportunities:
            workspace = opportunity.workspace
            active = opportunity.state in open_states
            for member in rng.sample(helpers, k=min(len(helpers), rng.randint(0, 2))):
                rows[OpportunityContributor].append(
                    OpportunityContributor(
                        workspace=workspace,
                        opportunity=opportunity,
                        member=member,
                        contribution=rng.choice(
                            ("Energy audit", "Technical proposal", "Commissioning plan")
                        ),
                        until=today + datetime.timedelta(days=rng.choice((30, 60, 120))),
                    )
                )
            for title in rng.sample(TASKS, k=rng.randint(1, 3) if active else 1):
                due = today + datetime.timedelta(days=rng.randint(-20, 60))
                rows[OpportunityTask].append(
                    OpportunityTask(
                        workspace=workspace,
                        opportunity=opportunity,
                        title=title,
                        owner=opportunity.owner,
                        due_date=due,
                        status=TaskStatus.OPEN if active else TaskStatus.DONE,
                    )
                )
            if opportunity.state == OpportunityState.LONG_TERM or not people:
                continue
            rows[ValueDriver].extend(_value_drivers(opportunity, people, rng))
            if opportunity.state not in (
                OpportunityState.IN_PROGRESS,
                OpportunityState.EARLY_STAGE,
            ):
                continue
            for person in rng.sample(people, k=min(len(people), rng.randint(2, 4))):
                is_concern = rng.random() < 0.5
                nature, text = rng.choice(CONCERNS if is_concern else EXPECTATIONS)
                rows[StakeholderNeed].append(
                    StakeholderNeed(
                        workspace=workspace,
                        opportunity=opportunity,
                        stakeholder=person,
                        kind="concern" if is_concern else "expectation",
                        nature=nature,
                        description=text,
                        severity=rng.choice(Severity.values) if is_concern else "",
                        owner=opportunity.owner,
                        status=rng.choice(NeedStatus.values),
                        lack_of_receptivity=rng.sample(LackOfReceptivity.values, k=1)
                        if rng.random() < 0.3
                        else [],
                        high_anxiety=rng.sample(HighAnxiety.values, k=rng.randint(1, 2))
                        if is_concern and rng.random() < 0.4
                        else [],
                        verified_on=today - datetime.timedelta(days=rng.randint(3, 120)),
                    )
                )
            weak_given = 0
            for group, name, role in rng.sample(CRITERIA, k=rng.randint(3, 6)):
                holders = [p for p in people if role in (p.roles or [])]
                importance = rng.randint(3, 7)
                difference = rng.randint(1, 7)
                weak = importance >= 5 and difference <= 3
                strategy = ""
                if weak:
                    weak_given += 1
                    # One weak criterion in two has a strategy; the other is a gap to show.
                    if weak_given % 2:
                        strategy = rng.choice(VulnerabilityStrategy.values)
                rows[DecisionCriterion].append(
                    DecisionCriterion(
                        workspace=workspace,
                        opportunity=opportunity,
                        role=role,
                        stakeholder=holders[0] if holders else None,
                        group=group,
                        name=name,
                        importance=importance,
                        difference=difference,
                        vulnerability_strategy=strategy,
                    )
                )
            if opportunity.state == OpportunityState.IN_PROGRESS and challenged < 2:
                challenged += 1
                for position, (category, question) in enumerate(STANDARD_QUESTIONS):
                    team = [rng.randint(3, 5) for _ in range(3)]
                    # The reviewer is usually less sure than the team.
                    seen = [max(1, t - rng.choice((0, 0, 1, 2))) for t in team]
                    rows[ChallengeQuestion].append(
                        ChallengeQuestion(
                            workspace=workspace,
                            opportunity=opportunity,
                            category=category,
                            question=question,
                            position=position,
                            team_confidence=team[0],
                            team_implications=team[1],
                            team_actions=team[2],
                            reviewer_confidence=seen[0],
                            reviewer_implications=seen[1],
                            reviewer_actions=seen[2],
                            reviewer=reviewer,
                        )
                    )
    return rows


def _value_drivers(
    opportunity: Opportunity, people: list[Stakeholder], rng: random.Random
) -> list[ValueDriver]:
    """One or two quantified drivers, e.g. the wafer example, with their results."""
    owner = rng.choice(people)
    options: list[tuple[str, str, dict[str, float], str]] = [
        (
            "Higher wafer yield",
            "wafers_per_month * 12 * price_per_wafer * yield_gain",
            {"wafers_per_month": 20000, "price_per_wafer": 85, "yield_gain": 0.015},
            "EUR per year",
        ),
        (
            "Less unplanned downtime",
            "hours_saved * cost_per_hour",
            {"hours_saved": rng.choice((40, 60, 120)), "cost_per_hour": 4500},
            "EUR per year",
        ),
        (
            "Lower energy bill",
            "kwh_saved * price_per_kwh",
            {"kwh_saved": rng.choice((400000, 750000, 1200000)), "price_per_kwh": 0.11},
            "EUR per year",
        ),
    ]
    drivers = []
    for name, formula, inputs, unit in rng.sample(options, k=rng.randint(1, 2)):
        # The same safe evaluator the pages and the API use (no eval).
        result = evaluate(formula, inputs)
        drivers.append(
            ValueDriver(
                workspace=opportunity.workspace,
                opportunity=opportunity,
                driver=name,
                metric_owner=owner,
                formula=formula,
                inputs=inputs,
                result=result,
                unit=unit,
            )
        )
    return drivers
