"""The demo's planning data: every key account gets CSFs, an Open Space and a pipeline."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import Customer, CustomerStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from planning.models import (
    ChallengeQuestion,
    CriticalSuccessFactor,
    DecisionCriterion,
    OpenSpace,
    Opportunity,
    OpportunityState,
    OpportunityTask,
    StakeholderNeed,
    ValueDriver,
)
from planning.open_space.selectors import open_space_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_output() -> str:
    out = StringIO()
    call_command("demo", "--customers", "50", "--seed", "2", stdout=out)
    return out.getvalue()


def test_every_key_account_has_csfs_open_space_and_a_full_pipeline(demo_output: str) -> None:
    main = Workspace.objects.get(slug="nordhavn")
    with workspace_context(main):
        accounts = list(Customer.objects.filter(status=CustomerStatus.KEY_ACCOUNT))
        assert len(accounts) == 5
        for customer in accounts:
            csfs = CriticalSuccessFactor.objects.filter(customer=customer)
            assert 2 <= csfs.count() <= 5, customer.name
            assert not csfs.filter(owner__isnull=True).exists()
            assert not csfs.exclude(owner__customer=customer).exists()

            open_space = OpenSpace.objects.get(customer=customer)
            matrix = open_space_matrix(open_space)
            assert 6 <= len(matrix.segments) <= 14
            assert matrix.priority_count > 0, customer.name
            assert matrix.upv.total > 0
            customer.refresh_from_db()
            assert customer.upv_open_space == matrix.upv.total  # fed to the scores

            opportunities = Opportunity.objects.filter(customer=customer)
            assert 5 <= opportunities.count() <= 15, customer.name
            assert set(opportunities.values_list("state", flat=True)) == set(
                OpportunityState.values
            )
            assert opportunities.filter(open_space_cell__isnull=False).exists()
            assert (
                not opportunities.filter(open_space_cell__isnull=False)
                .exclude(open_space_cell__open_space__customer=customer)
                .exists()
            )


def test_matrices_have_sales_from_real_lines_and_co_creation(demo_output: str) -> None:
    main = Workspace.objects.get(slug="nordhavn")
    with workspace_context(main):
        for open_space in OpenSpace.objects.all():
            matrix = open_space_matrix(open_space)
            assert any(column.is_co_creation for column in matrix.columns)
            catalog = [c for c in matrix.columns if not c.is_co_creation]
            assert 8 <= len(catalog) <= 16
            # All three kinds of growth show on every demo account.
            assert matrix.upv.up_sell > 0
            assert matrix.upv.cross_sell > 0
            assert matrix.upv.co_creation > 0


def test_the_analyses_are_there_to_explore(demo_output: str) -> None:
    main = Workspace.objects.get(slug="nordhavn")
    with workspace_context(main):
        opportunities = Opportunity.objects.all()
        qualified = [o for o in opportunities if o.is_qualified and o.state != "won"]
        assert qualified
        assert any(o.value_proposition_alarm for o in opportunities)
        assert OpportunityTask.objects.filter(status="open").exists()
        assert OpportunityTask.objects.filter(
            status="open", due_date__lt=timezone.localdate()
        ).exists(), "some tasks are overdue"
        for driver in ValueDriver.objects.filter(driver="Higher wafer yield"):
            assert driver.result == Decimal("306000.00")  # 20000 x 12 x 85 x 1.5 %
        assert ValueDriver.objects.exclude(result__isnull=True).exists()
        assert StakeholderNeed.objects.filter(kind="concern").exclude(high_anxiety=[]).exists()
        weak = DecisionCriterion.objects.filter(importance__gte=5, difference__lte=3)
        assert weak.exclude(vulnerability_strategy="").exists()
        assert weak.filter(vulnerability_strategy="").exists()
        scored = ChallengeQuestion.objects.exclude(reviewer_confidence__isnull=True)
        assert scored.exclude(team_confidence__isnull=True).exists()
        per_opportunity = list(
            ChallengeQuestion.objects.order_by().values("opportunity").annotate(n=Count("pk"))
        )
        assert per_opportunity and all(row["n"] >= 10 for row in per_opportunity)


def test_the_demo_reports_what_planning_built(demo_output: str) -> None:
    line = next(x for x in demo_output.splitlines() if "planning" in x and "Nordhavn" in x)
    assert "5 accounts" in line and "priority" in line and "opportunities" in line


def _snapshot() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = list(
        Opportunity.objects.order_by("customer__name", "title", "state", "value").values_list(
            "customer__name", "title", "state", "value", "probability", "expected_close"
        )
    )
    rows += list(
        CriticalSuccessFactor.objects.order_by("customer__name", "position").values_list(
            "customer__name", "title", "owner__name"
        )
    )
    return rows


def test_the_same_seed_builds_the_same_plans(demo_output: str) -> None:
    import datetime

    from django.contrib.auth.models import User

    from kam.management.demo import DemoWorkspace
    from planning import demo as planning_demo

    main = Workspace.objects.get(slug="nordhavn")
    with workspace_context(main):
        first = _snapshot()
        assert first
        # Wipe the planning data and build it again from the same accounts and seed.
        Opportunity.objects.all().delete()
        OpenSpace.objects.all().delete()
        CriticalSuccessFactor.objects.all().delete()
        users = {u.username: u for u in User.objects.filter(memberships__workspace=main)}
        planning_demo.build(
            DemoWorkspace(
                workspace=main,
                users=users,
                key_account_owners=(users["kam"], users["kam2"]),
                customer_count=50,
                seed=2,
                period_end=datetime.date.today(),
                is_main=True,
            )
        )
        assert _snapshot() == first
