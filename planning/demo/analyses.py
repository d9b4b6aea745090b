"""The demo's capture-plan analyses, half-way through as a team would leave them."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import User

from buying_center.models import BuyingRole, Stakeholder
from kam.tenancy.models import WorkspaceOwned
from planning.analysis.standard_questions import STANDARD_QUESTIONS
from planning.demo.account import _Account
from planning.models import (
    Action,
    ActionStatus,
    ChallengeQuestion,
    CriterionGroup,
    DecisionCriterion,
    HighAnxiety,
    LackOfReceptivity,
    NeedNature,
    NeedStatus,
    Opportunity,
    OpportunityContributor,
    OpportunityState,
    Severity,
    StakeholderNeed,
)
from planning.models.opportunities import ValueDriver, VulnerabilityStrategy
from planning.opportunities.formula import evaluate
from selling_center.models import SellingRole

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
                # An opportunity's tasks are actions of its account, linked to it.
                rows[Action].append(
                    Action(
                        workspace=workspace,
                        customer_id=opportunity.customer_id,
                        opportunity=opportunity,
                        title=title,
                        owner=opportunity.owner,
                        due_date=due,
                        status=ActionStatus.OPEN if active else ActionStatus.DONE,
                        done_on=None if active else today - datetime.timedelta(days=7),
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
