"""The scores recompute with few or no sales: it finishes, and unknowns stay unknown."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Customer, CustomerScore, CustomerYearFigures, SalesLine
from accounts.scores import scores_recompute
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace

TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def fresh(db: None) -> Workspace:
    """A new workspace with three customers imported and no sales line anywhere."""
    workspace = Workspace.objects.create(name="Fresh", slug="fresh", reporting_currency="EUR")
    with workspace_context(workspace):
        for number in ("A", "B", "C"):
            Customer.objects.create(external_id=number, name=f"Customer {number}")
    return workspace


def _sell(workspace: Workspace, number: str, days_ago: int, net: str, goods: str) -> None:
    with workspace_context(workspace):
        SalesLine.objects.create(
            customer=Customer.objects.get(external_id=number),
            date=ago(days_ago),
            net_sales=Decimal(net),
            cost_of_goods=Decimal(goods),
            source_key=f"{number}-{days_ago}-{net}",
        )


def _recompute(workspace: Workspace) -> dict[str, CustomerScore]:
    with workspace_context(workspace):
        outcome = scores_recompute(workspace_id=workspace.pk)
        assert outcome.message.startswith("Scores computed for 3 customers")
        assert not Customer.objects.filter(scores_dirty=True).exists()
        return {s.customer.external_id: s for s in CustomerScore.objects.select_related("customer")}


def _assert_unknown(score: CustomerScore) -> None:
    assert score.clv_contractual is None
    assert score.clv_transactional is None
    assert score.margin_share is None
    assert score.revenue_3y == Decimal("0.00")


def test_no_sales_lines_at_all(fresh: Workspace) -> None:
    scores = _recompute(fresh)
    assert set(scores) == {"A", "B", "C"}
    for score in scores.values():
        _assert_unknown(score)
    with workspace_context(fresh):
        assert not CustomerYearFigures.objects.exists()


def test_one_customer_with_lines_the_others_without(fresh: Workspace) -> None:
    _sell(fresh, "A", 10, "1000.00", "600.00")
    scores = _recompute(fresh)
    assert scores["A"].revenue_3y == Decimal("1000.00")
    assert scores["A"].margin_share == pytest.approx(0.4)
    assert scores["A"].clv_contractual is not None
    assert scores["A"].revenue_rank == 1
    _assert_unknown(scores["B"])
    _assert_unknown(scores["C"])


def test_lines_only_older_than_the_three_year_window(fresh: Workspace) -> None:
    _sell(fresh, "A", 5 * 365, "1000.00", "600.00")
    # The window ends at the data-as-of day, the latest line: B's, 10 days ago.
    _sell(fresh, "B", 10, "10.00", "6.00")
    scores = _recompute(fresh)
    assert scores["A"].revenue_3y == Decimal("0.00")
    assert scores["A"].margin_share is None
    with workspace_context(fresh):
        figures = CustomerYearFigures.objects.get(customer__external_id="A")
        assert figures.net_sales == Decimal("1000.00")


def test_a_customer_whose_lines_are_all_returns(fresh: Workspace) -> None:
    _sell(fresh, "A", 10, "-500.00", "-300.00")
    _sell(fresh, "A", 400, "-100.00", "-60.00")
    scores = _recompute(fresh)
    returns = scores["A"]
    assert returns.revenue_3y == Decimal("-600.00")
    assert returns.margin_3y == Decimal("-240.00")
    # No positive revenue: a margin share would be meaningless, so it is unknown.
    assert returns.margin_share is None
    _assert_unknown(scores["B"])
