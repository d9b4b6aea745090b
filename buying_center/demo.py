"""Demo buying centers: each key account gets an org chart of 8 to 40 stakeholders.

Owners are left empty on purpose: the selling-center demo (built after this
one, see ``kam.management.demo.DEMO_APPS``) creates the account teams and
assigns owners, leaving some deciders uncovered as realistic gaps.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from buying_center.models import (
    Attitude,
    BuyingRole,
    InfluenceLink,
    MeetingFrequency,
    PromoterType,
    Stakeholder,
    StakeholderChange,
    Zone,
)
from kam.management.demo import DemoWorkspace

FIRST = [
    "Anna",
    "Lars",
    "Mia",
    "Tom",
    "Eva",
    "Jonas",
    "Sofia",
    "Erik",
    "Lena",
    "Pablo",
    "Chiara",
    "Marek",
    "Ingrid",
    "Hugo",
    "Nadia",
    "Oskar",
    "Greta",
    "Rui",
    "Elif",
    "Stefan",
    "Marta",
    "Kofi",
    "Hanna",
    "Luca",
    "Ines",
    "Viktor",
    "Aino",
    "Dmitri",
    "Clara",
    "Ahmed",
]
LAST = [
    "Berg",
    "Holm",
    "Li",
    "Lund",
    "Novak",
    "Rossi",
    "Schmidt",
    "Dahl",
    "Moreau",
    "Silva",
    "Kowalski",
    "Nyberg",
    "Fischer",
    "Costa",
    "Jansen",
    "Eriksen",
    "Weber",
    "Ortega",
    "Kaya",
    "Virtanen",
    "Brandt",
    "Moretti",
    "Larsen",
    "Petrov",
    "Haddad",
]
# (function, head's title, staff titles, typical roles)
DEPARTMENTS = [
    (
        "Procurement",
        "Chief procurement officer",
        ["Category buyer", "Strategic buyer", "Purchasing assistant"],
        [BuyingRole.BUYER, BuyingRole.GATEKEEPER],
    ),
    (
        "Operations",
        "VP operations",
        ["Plant manager", "Maintenance lead", "Shift supervisor"],
        [BuyingRole.USER, BuyingRole.INFLUENCER],
    ),
    (
        "Engineering",
        "Head of engineering",
        ["Process engineer", "Reliability engineer"],
        [BuyingRole.INFLUENCER, BuyingRole.ADVISOR],
    ),
    (
        "Finance",
        "Chief financial officer",
        ["Controller", "Accounts payable lead"],
        [BuyingRole.DECIDER, BuyingRole.ADVISOR],
    ),
    (
        "Quality & HSE",
        "Head of quality and safety",
        ["HSE manager", "Quality engineer"],
        [BuyingRole.ADVISOR, BuyingRole.USER],
    ),
    ("IT", "Chief information officer", ["IT architect"], [BuyingRole.FACILITATOR]),
    ("Legal", "General counsel", ["Contract manager"], [BuyingRole.GATEKEEPER]),
]
SITES = ["Headquarters", "North plant", "South plant", "Port terminal", "R&D centre"]
SIZES_MAIN = (38, 24, 16, 30, 9)
SIZES_SANDBOX = (12, 8)


def build(demo: DemoWorkspace) -> str:
    """Entry point for ``manage.py demo``: see ``kam.management.demo``."""
    rng = random.Random(f"buying-center-demo:{demo.seed}")  # noqa: S311
    now = timezone.now()
    accounts = list(
        Customer.objects.filter(
            workspace=demo.workspace, status=CustomerStatus.KEY_ACCOUNT
        ).order_by("name")
    )
    sizes = SIZES_MAIN if demo.is_main else SIZES_SANDBOX
    people = links = 0
    for index, customer in enumerate(accounts):
        size = sizes[index % len(sizes)]
        stakeholders = _org_chart(demo, customer, size, rng, now)
        people += len(stakeholders)
        links += _influence(demo, stakeholders, rng)
        _history(demo, stakeholders, rng, now)
    return f"{people} stakeholders in {len(accounts)} buying centers, {links} influence links"


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


def _assessment(
    rng: random.Random, roles: Sequence[str], now: datetime.datetime, *, stale: bool
) -> dict[str, object]:
    score = rng.choice([-2, -1, 0, 0, 1, 1, 1, 2, 2])
    attitude = {
        2: Attitude.CHAMPION,
        1: Attitude.SUPPORTIVE,
        0: Attitude.NEUTRAL,
        -1: Attitude.SKEPTICAL,
        -2: Attitude.OPPOSED,
    }[score]
    days = rng.randint(200, 420) if stale else rng.randint(3, 150)
    return {
        "relationship_score": score,
        "attitude": attitude,
        "zone": Zone.POWER
        if BuyingRole.DECIDER in roles
        else rng.choice([Zone.RECEPTIVENESS, Zone.RECEPTIVENESS, Zone.THREAT, ""]),
        "meeting_frequency": rng.choice(list(MeetingFrequency.values)),
        "promoter_type": rng.choice(list(PromoterType.values))
        if BuyingRole.INFLUENCER in roles and score > 0
        else "",
        "assessed_at": now - datetime.timedelta(days=days),
    }


def _org_chart(
    demo: DemoWorkspace,
    customer: Customer,
    size: int,
    rng: random.Random,
    now: datetime.datetime,
) -> list[Stakeholder]:
    used: set[str] = set()
    ceo_roles = [BuyingRole.DECIDER]
    ceo = Stakeholder(
        workspace=demo.workspace,
        customer=customer,
        name=_name(rng, used),
        title="Chief executive officer",
        function="Executive board",
        site="Headquarters",
        roles=ceo_roles,
        personal_goals="Grow margin while cutting unplanned downtime.",
        needs="A supplier who brings ideas, not only prices.",
        **_assessment(rng, ceo_roles, now, stale=False),
    )
    ceo.save()
    everyone = [ceo]
    departments = DEPARTMENTS[: max(2, min(len(DEPARTMENTS), size // 4))]
    heads: list[tuple[Stakeholder, tuple]] = []
    for department in departments:
        function, title, _, roles = department
        head_roles = (
            [BuyingRole.DECIDER, roles[0]]
            if function in {"Procurement", "Finance", "Operations"}
            else [roles[0]]
        )
        head = Stakeholder(
            workspace=demo.workspace,
            customer=customer,
            name=_name(rng, used),
            title=title,
            function=function,
            site="Headquarters",
            roles=sorted(set(head_roles)),
            reports_to=ceo,
            dominant_advisor=function == "Engineering",
            **_assessment(rng, head_roles, now, stale=rng.random() < 0.2),
        )
        head.save()
        heads.append((head, department))
        everyone.append(head)
    while len(everyone) < size:
        head, (function, _, titles, roles) = rng.choice(heads)
        staff_roles = sorted(set(rng.sample(roles, k=rng.randint(1, len(roles)))))
        person = Stakeholder(
            workspace=demo.workspace,
            customer=customer,
            name=_name(rng, used),
            title=rng.choice(titles),
            function=function,
            site=rng.choice(SITES),
            roles=staff_roles,
            reports_to=head,
            **_assessment(rng, staff_roles, now, stale=rng.random() < 0.25),
        )
        if rng.random() < 0.1:
            person.assessed_at = None
        person.save()
        everyone.append(person)
    # A couple of opponents: people who would rather keep the incumbent supplier.
    candidates = [s for s in everyone[1:] if BuyingRole.INFLUENCER in s.roles or s.roles]
    for opponent in rng.sample(candidates, k=min(2, len(candidates))):
        opponent.opponent_influencer = True
        opponent.relationship_score = -2
        opponent.attitude = Attitude.OPPOSED
        opponent.promoter_type = ""
        opponent.constraints_text = "Sponsored the incumbent supplier's last contract."
        opponent.save()
    return everyone


def _influence(demo: DemoWorkspace, people: list[Stakeholder], rng: random.Random) -> int:
    pairs: set[tuple[int, int]] = set()
    for person in people[1:]:
        if person.reports_to_id and rng.random() < 0.5:
            pairs.add((person.pk, person.reports_to_id))  # staff shape their boss's view
    for _ in range(max(2, len(people) // 5)):
        source, target = rng.sample(people, k=2)
        pairs.add((source.pk, target.pk))
    InfluenceLink.objects.bulk_create(
        InfluenceLink(
            workspace=demo.workspace, source_id=s, target_id=t, strength=rng.choice([1, 2, 2, 3])
        )
        for s, t in sorted(pairs)
    )
    return len(pairs)


def _history(
    demo: DemoWorkspace, people: list[Stakeholder], rng: random.Random, now: datetime.datetime
) -> None:
    """Earlier scores, so stakeholder pages show a trend."""
    author = demo.key_account_owners[0] if demo.key_account_owners else None
    changes = []
    for person in people:
        if person.relationship_score is None or person.assessed_at is None:
            continue
        score = max(-2, min(2, person.relationship_score - rng.choice([-1, 0, 1, 1])))
        steps = [(score, person.relationship_score)] if score != person.relationship_score else []
        for old, new in [("", str(score)), *[(str(a), str(b)) for a, b in steps]]:
            changes.append(
                StakeholderChange(
                    workspace=demo.workspace,
                    stakeholder=person,
                    field="relationship_score",
                    old_value=old,
                    new_value=new,
                    changed_by=author,
                )
            )
    created = StakeholderChange.objects.bulk_create(changes)
    # Back-date them: the first assessment a year ago, the latest at assessed_at.
    for change in created:
        person = change.stakeholder
        assert person.assessed_at is not None
        change.changed_at = (
            person.assessed_at - datetime.timedelta(days=rng.randint(120, 300))
            if change.old_value == ""
            else person.assessed_at
        )
    StakeholderChange.objects.bulk_update(created, ["changed_at"])
