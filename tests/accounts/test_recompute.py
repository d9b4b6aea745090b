"""The scores recompute on a small hand-checked workspace."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.dirty import mark_customers_dirty
from accounts.job_kinds import SCORES
from accounts.models import Customer, CustomerScore, CustomerYearFigures, ExchangeRate, SalesLine
from accounts.scores import score_freshness, scores_recompute
from accounts.services import sales_line_create
from kam.jobs.models import Job, JobStatus
from kam.tenancy.context import workspace_context
from kam.workspaces.models import Workspace
from tests.factories import WorkspaceWorld

TODAY = timezone.localdate()
# Default settings: discount 10 %, retention 85 %, horizon 5 years, no acquisition cost.
Q = 0.85 / 1.10


def annuity(years: int) -> float:
    return sum(Q**t for t in range(1, years + 1))


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def line(customer: Customer, days_ago: int, net: str, goods: str, **extra: Any) -> SalesLine:
    return SalesLine.objects.create(
        customer=customer,
        date=ago(days_ago),
        net_sales=Decimal(net),
        cost_of_goods=Decimal(goods),
        source_key=f"{customer.external_id}-{days_ago}-{net}",
        **extra,
    )


@pytest.fixture
def hand(db: None) -> Workspace:
    """Three customers whose numbers are worked out by hand in the tests below."""
    workspace = Workspace.objects.create(name="Hand", slug="hand", reporting_currency="EUR")
    with workspace_context(workspace):
        friend = Customer.objects.create(
            external_id="FRIEND", name="Friend", horizon_years_override=3
        )
        abroad = Customer.objects.create(external_id="ABROAD", name="Abroad")
        vulture = Customer.objects.create(external_id="VULTURE", name="Vulture")
        for days in (10, 400, 800):  # one line in each of the three rolling years
            line(friend, days, "1000.00", "600.00", cost_delivery=Decimal("100.00"))
            line(vulture, days, "500.00", "500.00")
        ExchangeRate.objects.create(currency="USD", valid_from=ago(30), rate=Decimal("0.9"))
        line(abroad, 10, "1000.00", "900.00", currency="USD")
        line(abroad, 800, "5000.00", "1000.00", currency="USD")  # before the first USD rate
    return workspace


def scores_of(workspace: Workspace) -> dict[str, CustomerScore]:
    with workspace_context(workspace):
        return {s.customer.external_id: s for s in CustomerScore.objects.select_related("customer")}


def test_hand_checked_revenue_margin_clv_quadrant_and_rank(hand: Workspace) -> None:
    with workspace_context(hand):
        outcome = scores_recompute(workspace_id=hand.pk)
    scores = scores_of(hand)

    friend, abroad, vulture = scores["FRIEND"], scores["ABROAD"], scores["VULTURE"]
    assert (friend.revenue_3y, friend.margin_3y) == (Decimal("3000.00"), Decimal("900.00"))
    assert friend.margin_share == pytest.approx(0.3)
    assert friend.quadrant == "friend"
    # Flat margin of 300 a year, over its own 3-year horizon (override).
    assert float(friend.clv_contractual) == pytest.approx(300 * annuity(3), abs=0.01)
    assert friend.inputs["clv_settings"]["horizon_years"] == 3

    # USD converted at 0.9; the older USD line has no rate and is left out.
    assert (abroad.revenue_3y, abroad.margin_3y) == (Decimal("900.00"), Decimal("90.00"))
    assert abroad.quadrant == "stranger"  # bought in one year of three, 10 % margin
    assert float(abroad.clv_contractual) == pytest.approx(90 * annuity(5), abs=0.01)
    assert abroad.inputs["lines_without_rate"] == 1
    assert abroad.currency == "EUR"

    assert (vulture.revenue_3y, vulture.margin_3y) == (Decimal("1500.00"), Decimal("0.00"))
    assert vulture.quadrant == "vulture"
    assert float(vulture.clv_contractual) == pytest.approx(0, abs=0.01)

    assert [friend.revenue_rank, vulture.revenue_rank, abroad.revenue_rank] == [1, 2, 3]
    # Three customers are too few to fit BG/NBD: no transactional CLV, and it says why.
    assert friend.clv_transactional is None
    assert "at least" in friend.inputs["transactional"]
    # The window ends on the data-as-of day: the latest sales line, 10 days ago.
    assert friend.inputs["window"] == {
        "from": ago(10 + 3 * 365 - 1).isoformat(),
        "to": ago(10).isoformat(),
    }
    assert friend.inputs["settings"]["discount_rate"] == pytest.approx(0.10)
    assert "1 sales lines in USD were left out" in outcome.message

    with workspace_context(hand):
        assert not Customer.objects.filter(scores_dirty=True).exists()
        figures = CustomerYearFigures.objects.get(customer__external_id="ABROAD", year=ago(10).year)
    assert figures.net_sales == Decimal("900.00")


def test_a_rate_for_the_old_date_brings_the_line_in(hand: Workspace) -> None:
    with workspace_context(hand):
        ExchangeRate.objects.create(currency="USD", valid_from=ago(1000), rate=Decimal("0.5"))
        outcome = scores_recompute(workspace_id=hand.pk)
    abroad = scores_of(hand)["ABROAD"]
    # 900 (today's rate) + 2,500 (the old line at the old rate).
    assert abroad.revenue_3y == Decimal("3400.00")
    assert abroad.inputs["lines_without_rate"] == 0
    assert "left out" not in outcome.message


def test_a_change_during_the_run_keeps_the_customer_dirty(
    hand: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: inputs read, then an edit commits, then the scores are stored."""
    import accounts.scores as scores_module

    real_compute = scores_module.compute_scores

    def compute_then_edit(*args: Any, **kwargs: Any) -> Any:
        table = real_compute(*args, **kwargs)
        with workspace_context(hand):
            friend = Customer.objects.get(external_id="FRIEND")
            mark_customers_dirty(workspace=hand, customer_ids=[friend.pk])
        return table

    monkeypatch.setattr(scores_module, "compute_scores", compute_then_edit)
    with workspace_context(hand):
        scores_recompute(workspace_id=hand.pk)
        dirty = set(
            Customer.objects.filter(scores_dirty=True).values_list("external_id", flat=True)
        )
    assert dirty == {"FRIEND"}


def test_debounced_requests_lead_to_one_run(
    hand: Workspace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with workspace_context(hand):
            for _ in range(3):
                mark_customers_dirty(workspace=hand)
    with workspace_context(hand):
        jobs = list(Job.objects.filter(kind=SCORES.name))
        freshness = score_freshness(workspace=hand)
    assert [job.status for job in jobs] == [JobStatus.SUCCEEDED]
    assert "Scores computed for 3 customers" in jobs[0].message
    assert freshness["dirty_count"] == 0
    assert freshness["running_job"] is None
    assert freshness["last_computed_at"] is not None


def test_scores_refresh_after_a_new_sales_line(
    hand: Workspace, django_capture_on_commit_callbacks: Any
) -> None:
    with workspace_context(hand):
        scores_recompute(workspace_id=hand.pk)
        vulture = Customer.objects.get(external_id="VULTURE")
        with django_capture_on_commit_callbacks(execute=True):
            sales_line_create(
                workspace=hand,
                customer=vulture,
                date=ago(5),
                net_sales=Decimal("2000.00"),
                cost_of_goods=Decimal("1000.00"),
            )
    vulture_score = scores_of(hand)["VULTURE"]
    assert vulture_score.revenue_3y == Decimal("3500.00")
    assert vulture_score.revenue_rank == 1


def test_freshness_counts_dirty_customers(hand: Workspace) -> None:
    with workspace_context(hand):
        freshness = score_freshness(workspace=hand)
    assert freshness == {
        "dirty_count": 3,
        "running_job": None,
        "failed_job": None,
        "last_computed_at": None,
    }


def _workspace_with(customers: int, slug: str) -> Workspace:
    workspace = Workspace.objects.create(name=slug, slug=slug)
    with workspace_context(workspace):
        made = Customer.objects.bulk_create(
            Customer(workspace=workspace, external_id=f"C{i}", name=f"C{i}")
            for i in range(customers)
        )
        SalesLine.objects.bulk_create(
            SalesLine(
                workspace=workspace,
                customer=customer,
                date=ago(30 * k + i % 7),
                net_sales=Decimal(100 + i),
                cost_of_goods=Decimal(60),
                source_key=f"{customer.pk}-{k}",
            )
            for i, customer in enumerate(made)
            for k in range(3)
        )
    return workspace


def test_query_count_does_not_grow_with_customers(db: None) -> None:
    counts = []
    for size in (10, 100):
        workspace = _workspace_with(size, f"q{size}")
        with workspace_context(workspace), CaptureQueriesContext(connection) as queries:
            scores_recompute(workspace_id=workspace.pk)
        counts.append(len(queries))
        with workspace_context(workspace):
            assert CustomerScore.objects.count() == size
    assert counts[0] == counts[1]


def test_recompute_of_one_workspace_touches_nothing_of_another(
    world: WorkspaceWorld, hand: Workspace
) -> None:
    def snapshot(workspace: Workspace) -> tuple[list[object], list[object]]:
        with workspace_context(workspace):
            customers = list(Customer.objects.values_list("pk", "scores_dirty", "updated_at"))
            scores = list(CustomerScore.objects.values_list("pk", "computed_at"))
        return customers, scores

    before = {tenant.workspace.pk: snapshot(tenant.workspace) for tenant in (world.a, world.b)}
    with workspace_context(hand):
        scores_recompute(workspace_id=hand.pk)
    after = {tenant.workspace.pk: snapshot(tenant.workspace) for tenant in (world.a, world.b)}
    assert after == before
    assert set(scores_of(hand)) == {"FRIEND", "ABROAD", "VULTURE"}


def test_stored_explanations_and_yearly_figures_add_up(hand: Workspace) -> None:
    """What the pages show: per-criterion parts that sum to the composite, exact yearly sums."""
    with workspace_context(hand):
        friend = Customer.objects.get(external_id="FRIEND")
        friend.upv_estimate = Decimal("1234.56")
        friend.strategic_importance = 4
        friend.save()
        scores_recompute(workspace_id=hand.pk)
        figures = list(CustomerYearFigures.objects.filter(customer=friend))
    score = scores_of(hand)["FRIEND"]

    assert set(score.criteria) == {
        "size",
        "strategic_importance",
        "clv",
        "upv",
        "account_fit",
        "relationship",
    }
    assert score.criteria["strategic_importance"] == {
        "score": 0.75,
        "contribution": pytest.approx(0.75 / 6, abs=1e-4),
        "missing": False,
    }
    assert score.criteria["account_fit"]["missing"] is True  # no fit ratings entered
    assert sum(c["contribution"] for c in score.criteria.values()) == pytest.approx(
        score.composite, abs=1e-3
    )
    assert (score.upv, score.upv_source) == (Decimal("1234.56"), "estimate")
    assert scores_of(hand)["VULTURE"].upv_source == ""
    assert scores_of(hand)["VULTURE"].upv is None
    assert score.inputs["lines_counted"] == 3
    assert score.probability_alive is None

    assert sum(f.line_count for f in figures) == 3
    assert sum(f.net_sales for f in figures) == Decimal("3000.00")
    for f in figures:
        assert f.contribution_margin == f.net_sales - f.cost_of_goods - f.cost_to_serve
        assert f.cost_to_serve == Decimal("100.00") * f.line_count


def test_a_second_run_replaces_scores_and_figures_without_duplicates(hand: Workspace) -> None:
    with workspace_context(hand):
        scores_recompute(workspace_id=hand.pk)
        SalesLine.objects.filter(customer__external_id="VULTURE").delete()
        scores_recompute(workspace_id=hand.pk)
        assert CustomerScore.objects.count() == 3
        vulture_figures = CustomerYearFigures.objects.filter(customer__external_id="VULTURE")
        assert not vulture_figures.exists()
        assert CustomerYearFigures.objects.filter(customer__external_id="FRIEND").count() == 3
    vulture = scores_of(hand)["VULTURE"]
    assert vulture.revenue_3y == Decimal("0.00")
    assert vulture.clv_contractual is None
