"""Demo selling centers and SCAP alignment for the demo key accounts.

Runs after the buying center's builder, so the stakeholders exist; with none
(a buying center not built yet) the team, interfaces and stages are still made.
Each account gets the three required roles (sponsor: the executive user; key
account executive: a named business-unit director; KAM: the account's owner),
leaders and a temporary contributor, the four common interface pairs, owners
for most stakeholders with realistic gaps (a decider or two nobody owns),
extra contacts, executive pairs, engagement plans for their executives and
stage resources with a couple of uncovered stages.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User

from accounts.models import Customer, CustomerStatus
from buying_center.models import BuyingRole, Stakeholder
from selling_center.models import (
    AlignmentStatus,
    BuyingStage,
    SellingCenterMember,
    SellingRole,
)
from selling_center.selectors import (
    COMMON_INTERFACE_PAIRS,
    connection_level_suggestion,
    is_customer_executive,
)
from selling_center.services import engagement_plans, interfaces, members, stage_resources
from selling_center.services.connections import connection_create, connection_level_decide

if TYPE_CHECKING:
    from kam.management.demo import DemoWorkspace

DIRECTORS = (
    ("Helena Strand", "Director, Flow Solutions"),
    ("Mikael Aho", "Director, Compressed Air"),
    ("Sofie Krogh", "Director, Field Services"),
)
SUBJECT_MATTER = (
    ("Lars Øberg", "Application engineer, slurry pumps"),
    ("Ingrid Vik", "Reliability engineer"),
    ("Tomas Kallio", "Compressed-air specialist"),
)
ADMINISTRATIVE = (("Eva Sundqvist", "Order-to-cash lead"), ("Peter Holm", "Contracts manager"))
GEOGRAPHIC = (("Anna Lund", "Regional service manager North"), ("Ola Rask", "Country manager"))
CONTRIBUTORS = (("Nils Brandt", "Energy auditor"), ("Kaisa Mäki", "Commissioning engineer"))

#: Which of our roles usually owns a stakeholder holding each buying role.
OWNER_BY_BUYING_ROLE = {
    BuyingRole.DECIDER: SellingRole.SPONSOR,
    BuyingRole.INFLUENCER: SellingRole.SUBJECT_MATTER_LEADER,
    BuyingRole.ADVISOR: SellingRole.SUBJECT_MATTER_LEADER,
    BuyingRole.FACILITATOR: SellingRole.ADMINISTRATIVE_LEADER,
    BuyingRole.USER: SellingRole.SUPPLY_CHAIN_LEADER,
    BuyingRole.BUYER: SellingRole.KAM,
    BuyingRole.GATEKEEPER: SellingRole.KAM,
}

STAGE_ROLES = {
    BuyingStage.NEED_RECOGNITION: (SellingRole.KAM,),
    BuyingStage.CHARACTERISTIC_DETERMINATION: (SellingRole.SUBJECT_MATTER_LEADER,),
    BuyingStage.SPECIFICATION_ESTABLISHMENT: (SellingRole.SUBJECT_MATTER_LEADER,),
    BuyingStage.POTENTIAL_SOURCE_IDENTIFICATION: (SellingRole.KAM,),
    BuyingStage.PROPOSAL_REQUESTS: (SellingRole.KAM, SellingRole.ADMINISTRATIVE_LEADER),
    BuyingStage.PROPOSAL_EVALUATION: (SellingRole.EXECUTIVE, SellingRole.KAM),
    BuyingStage.SUPPLIER_SELECTION: (SellingRole.SPONSOR,),
    BuyingStage.POST_PURCHASE_EVALUATION: (SellingRole.SUPPLY_CHAIN_LEADER,),
}


def _pick_user(demo: DemoWorkspace, *names: str) -> User | None:
    for name in names:
        if name in demo.users:
            return demo.users[name]
    return None


def _team(
    demo: DemoWorkspace, customer: Customer, index: int, rng: random.Random
) -> dict[str, SellingCenterMember]:
    workspace = demo.workspace
    kam_user = customer.owner or demo.key_account_owners[index % len(demo.key_account_owners)]
    sponsor_user = _pick_user(demo, "exec", "admin")
    supply_user = _pick_user(demo, "member")
    director, director_title = DIRECTORS[index % len(DIRECTORS)]
    expert, expert_title = SUBJECT_MATTER[index % len(SUBJECT_MATTER)]
    admin_name, admin_title = ADMINISTRATIVE[index % len(ADMINISTRATIVE)]

    def add(
        role: str, user: User | None = None, name: str = "", title: str = "", **extra: Any
    ) -> SellingCenterMember:
        return members.selling_center_member_create(
            workspace=workspace,
            customer=customer,
            role=role,
            user=user,
            name="" if user else name,
            title=title,
            **extra,
        )

    team: dict[str, SellingCenterMember] = {
        SellingRole.SPONSOR: add(
            SellingRole.SPONSOR, sponsor_user, title="Chief commercial officer"
        ),
        SellingRole.EXECUTIVE: add(SellingRole.EXECUTIVE, name=director, title=director_title),
        SellingRole.KAM: add(SellingRole.KAM, kam_user, title="Key account manager"),
        SellingRole.SUBJECT_MATTER_LEADER: add(
            SellingRole.SUBJECT_MATTER_LEADER, name=expert, title=expert_title
        ),
        SellingRole.ADMINISTRATIVE_LEADER: add(
            SellingRole.ADMINISTRATIVE_LEADER, name=admin_name, title=admin_title
        ),
    }
    if supply_user is not None:
        team[SellingRole.SUPPLY_CHAIN_LEADER] = add(
            SellingRole.SUPPLY_CHAIN_LEADER, supply_user, title="Supply-chain planner"
        )
    if index % 2 == 0:
        geo_name, geo_title = GEOGRAPHIC[index // 2 % len(GEOGRAPHIC)]
        team[SellingRole.GEOGRAPHIC_LEADER] = add(
            SellingRole.GEOGRAPHIC_LEADER,
            name=geo_name,
            title=geo_title,
            permanent=False,
            starts_on=demo.period_end - datetime.timedelta(days=120),
            ends_on=demo.period_end + datetime.timedelta(days=240),
        )
    contributor, contributor_title = CONTRIBUTORS[index % len(CONTRIBUTORS)]
    team[SellingRole.CONTRIBUTOR] = add(
        SellingRole.CONTRIBUTOR,
        name=contributor,
        title=contributor_title,
        permanent=False,
        starts_on=demo.period_end - datetime.timedelta(days=30),
        ends_on=demo.period_end + datetime.timedelta(days=rng.choice((60, 90, 150))),
        notes="Energy audit of the main compressor house.",
    )
    return team


def _interfaces(demo: DemoWorkspace, customer: Customer, team: dict[str, SellingCenterMember]):
    owners = (
        SellingRole.SUPPLY_CHAIN_LEADER,
        SellingRole.ADMINISTRATIVE_LEADER,
        SellingRole.SUBJECT_MATTER_LEADER,
        SellingRole.KAM,
    )
    statuses = (
        AlignmentStatus.ALIGNED,
        AlignmentStatus.ISSUE,
        AlignmentStatus.OPPORTUNITY,
        AlignmentStatus.ALIGNED,
    )
    notes = (
        "Weekly call-off schedule shared with their goods receipt.",
        "Invoices rejected for missing order references; agree a PO format.",
        "Their RFP team would welcome early specification workshops.",
        "Users report through our service portal.",
    )
    for (supplier, theirs), owner, status, note in zip(
        COMMON_INTERFACE_PAIRS, owners, statuses, notes, strict=True
    ):
        interfaces.interface_alignment_create(
            workspace=demo.workspace,
            customer=customer,
            supplier_function=supplier,
            customer_function=theirs,
            status=status,
            owner=team.get(owner) or team[SellingRole.KAM],
            notes=note,
        )


def _owners_and_connections(
    demo: DemoWorkspace,
    customer: Customer,
    team: dict[str, SellingCenterMember],
    index: int,
    rng: random.Random,
) -> tuple[int, int]:
    stakeholders = list(
        Stakeholder.objects.filter(workspace=demo.workspace, customer=customer).order_by("id")
    )
    deciders = [s for s in stakeholders if BuyingRole.DECIDER in (s.roles or [])]
    # Realistic gaps: on every other account the last decider has nobody, and a
    # few others are left open at random.
    uncovered = {deciders[-1].pk} if deciders and index % 2 == 1 else set()
    changed = []
    for stakeholder in stakeholders:
        if stakeholder.pk in uncovered or rng.random() < 0.12:
            continue
        roles = stakeholder.roles or [BuyingRole.USER]
        role = OWNER_BY_BUYING_ROLE.get(roles[0], SellingRole.KAM)
        stakeholder.owner = team.get(role) or team[SellingRole.KAM]
        changed.append(stakeholder)
    Stakeholder.objects.bulk_update(changed, ["owner"])
    connections = 0
    executives = [s for s in stakeholders if is_customer_executive(s) and s.pk not in uncovered]
    for stakeholder in executives[:2]:
        for role in (SellingRole.SPONSOR, SellingRole.EXECUTIVE):
            connection_create(workspace=demo.workspace, stakeholder=stakeholder, member=team[role])
            connections += 1
    kam = team[SellingRole.KAM]
    for stakeholder in rng.sample(stakeholders, k=min(3, len(stakeholders))):
        if stakeholder.owner_id == kam.pk or stakeholder in executives[:2]:
            continue
        connection_create(workspace=demo.workspace, stakeholder=stakeholder, member=kam)
        connections += 1
    plans = 0
    for stakeholder in executives[:3]:
        engagement_plans.engagement_plan_create(
            workspace=demo.workspace,
            stakeholder=stakeholder,
            owner=team[SellingRole.SPONSOR],
            objective=f"Make {customer.name} see us as its partner for uptime, not a pump vendor.",
            cadence=rng.choice(("Quarterly business review", "Twice a year", "Monthly call")),
            next_step=rng.choice(
                ("Site visit with our CEO", "Share the energy audit results", "Joint roadmap day")
            ),
            next_step_due=demo.period_end + datetime.timedelta(days=rng.randint(10, 75)),
        )
        plans += 1
    return connections, plans


def _stages(
    demo: DemoWorkspace, customer: Customer, team: dict[str, SellingCenterMember], index: int
) -> None:
    # A couple of gaps: nobody follows up after the purchase on some accounts,
    # nobody watches for competing sources on others.
    skipped = {
        0: {BuyingStage.POST_PURCHASE_EVALUATION},
        1: {BuyingStage.POTENTIAL_SOURCE_IDENTIFICATION},
    }.get(index % 3, set())
    for stage, roles in STAGE_ROLES.items():
        if stage in skipped:
            continue
        for role in roles:
            member = team.get(role)
            if member is not None:
                stage_resources.stage_resource_add(
                    workspace=demo.workspace, customer=customer, stage=stage, member=member
                )


def build(demo: DemoWorkspace) -> str:
    rng = random.Random(f"selling-center-demo:{demo.seed}")  # noqa: S311
    key_accounts = list(
        Customer.objects.filter(workspace=demo.workspace, status=CustomerStatus.KEY_ACCOUNT)
        .select_related("owner")
        .order_by("name")
    )
    connections = plans = 0
    for index, customer in enumerate(key_accounts):
        team = _team(demo, customer, index, rng)
        _interfaces(demo, customer, team)
        made, planned = _owners_and_connections(demo, customer, team, index, rng)
        connections += made
        plans += planned
        _stages(demo, customer, team, index)
        if index % 2 == 0:
            suggested = connection_level_suggestion(workspace=demo.workspace, customer=customer)
            connection_level_decide(
                workspace=demo.workspace,
                customer=customer,
                level=suggested.level,
                reason="Agreed in the last account review.",
                decided_by=team[SellingRole.KAM].user,
            )
    return (
        f"{len(key_accounts)} selling centers, {connections} connections, {plans} engagement plans"
    )
