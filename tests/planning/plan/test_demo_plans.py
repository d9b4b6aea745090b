"""The demo's account plans: every key account has a full plan, in a different state."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Customer, CustomerStatus, SalesLine
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Membership, Workspace
from planning.demo.plan_texts import facts_for
from planning.models import (
    AccountHealth,
    AccountPlan,
    Action,
    NeedStatus,
    Objective,
    PlanText,
    PlanTopic,
    SatisfactionEntry,
    Severity,
    StakeholderNeed,
    SwotItem,
    SwotKind,
)
from planning.plan.my_week import LineKind, key_accounts, my_week, week_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def main() -> Workspace:
    call_command("demo", "--customers", "50", "--seed", "3", stdout=StringIO())
    return Workspace.objects.get(slug="nordhavn")


def _kinds_per_account(workspace: Workspace) -> dict[str, Counter[str]]:
    accounts = key_accounts(workspace=workspace)
    kinds: dict[str, Counter[str]] = {a.name: Counter() for a in accounts}
    for line in week_lines(workspace=workspace, accounts=accounts):
        kinds[line.customer_name][line.kind] += 1
    return kinds


def test_every_key_account_has_a_full_plan(main: Workspace) -> None:
    today = timezone.localdate()
    with workspace_context(main):
        accounts = list(Customer.objects.filter(status=CustomerStatus.KEY_ACCOUNT))
        assert len(accounts) == 5
        members = set(Membership.objects.filter(workspace=main).values_list("user_id", flat=True))
        for customer in accounts:
            plan = AccountPlan.objects.get(customer=customer)
            assert plan.started_on is not None
            assert 100 <= (today - plan.started_on).days <= 200
            assert plan.baseline["taken_on"] == plan.started_on.isoformat()
            assert plan.owner_id == customer.owner_id

            texts = PlanText.objects.filter(customer=customer)
            assert set(texts.values_list("topic", flat=True)) == set(PlanTopic.values)
            assert all(t.text and t.confirmed_on for t in texts)
            # Written for the account's industry: its equipment and its market.
            facts = facts_for(customer.industry)
            everything = " ".join(t.text for t in texts)
            assert facts.asset in everything
            assert facts.driver in everything

            swot = SwotItem.objects.filter(customer=customer)
            assert set(swot.values_list("kind", flat=True)) == set(SwotKind.values)
            for item in swot:
                assert item.implication, item.text
                assert item.actions.exists(), item.text  # each item answered by an action

            objectives = Objective.objects.filter(customer=customer)
            assert set(objectives.values_list("horizon", flat=True)) == {"short", "medium", "long"}
            kinds = set(objectives.values_list("kind", flat=True))
            assert {"volume", "margin"} <= kinds
            assert {"win_stakeholder", "mobilise"} <= kinds

            actions = Action.objects.filter(customer=customer)
            assert actions.count() >= 7
            assert not actions.filter(owner__isnull=True).exists()
            assert set(actions.values_list("owner_id", flat=True)) <= members
            assert all(a.created_at.date() <= today for a in actions)
            assert SatisfactionEntry.objects.filter(customer=customer).count() == 3


def test_the_kams_accounts_are_healthy_amber_and_red(main: Workspace) -> None:
    today = timezone.localdate()
    with workspace_context(main):
        kinds = _kinds_per_account(main)
        by_name = {c.name: c for c in key_accounts(workspace=main)}

        def latest_satisfaction(name: str) -> int:
            entry = SatisfactionEntry.objects.filter(customer=by_name[name]).first()
            assert entry is not None
            return entry.score

        def severe_open(name: str) -> int:
            return StakeholderNeed.objects.filter(
                opportunity__customer=by_name[name],
                kind="concern",
                severity=Severity.HIGH,
                status=NeedStatus.OPEN,
            ).count()

        healthy = [
            name
            for name, seen in kinds.items()
            if not seen[LineKind.OVERDUE]
            and not seen[LineKind.STALE_TEXT]
            and not seen[LineKind.UNCOVERED]
            and not seen[LineKind.STALE_ASSESSMENT]
        ]
        assert len(healthy) == 1
        assert latest_satisfaction(healthy[0]) == 8
        assert severe_open(healthy[0]) == 0
        assert kinds[healthy[0]][LineKind.DUE] >= 1  # on time, with something due this week
        assert not Objective.objects.filter(customer=by_name[healthy[0]], status="at_risk")

        amber = [
            name
            for name, seen in kinds.items()
            if seen[LineKind.STALE_TEXT] >= 4 and seen[LineKind.OVERDUE] == 2
        ]
        assert len(amber) == 1
        assert kinds[amber[0]][LineKind.STALE_ASSESSMENT] == 0
        assert kinds[amber[0]][LineKind.UNCOVERED] == 0
        stale = PlanText.objects.filter(
            customer=by_name[amber[0]], confirmed_on__lt=today - datetime.timedelta(days=119)
        )
        assert stale.count() == 4

        red = [name for name, seen in kinds.items() if seen[LineKind.UNCOVERED]]
        assert by_name[amber[0]].owner == by_name[healthy[0]].owner
        red_of_kam = [n for n in red if by_name[n].owner == by_name[healthy[0]].owner]
        assert len(red_of_kam) == 1
        assert severe_open(red_of_kam[0]) >= 1
        assert latest_satisfaction(red_of_kam[0]) == 4
        # Its gross margin declines year on year over the last three years.
        year = SalesLine.objects.latest("date").date.year
        margins = []
        for past in (year - 2, year - 1, year):
            totals = SalesLine.objects.filter(
                customer=by_name[red_of_kam[0]], date__year=past
            ).aggregate(sales=Sum("net_sales"), cost=Sum("cost_of_goods"))
            margins.append((totals["sales"] - totals["cost"]) / totals["sales"])
        assert margins[0] > margins[1] > margins[2]
        # The first screen tells the three stories in the health the KAM sees.
        ratings = {
            h.customer.name: h.computed_rating
            for h in AccountHealth.objects.select_related("customer")
        }
        assert ratings[healthy[0]] == "green"
        assert ratings[amber[0]] == "amber"
        assert ratings[red_of_kam[0]] == "red"


def test_kam_sees_overdue_actions_in_my_week(main: Workspace) -> None:
    with workspace_context(main):
        kam = Membership.objects.get(workspace=main, user__username="kam").user
        week = my_week(workspace=main, user=kam)
    assert week.overdue_count >= 3  # amber's two and red's one
    assert any(line.kind == LineKind.UNCOVERED for line in week.lines)
