"""The plan's leading indicators against the baseline frozen when it started."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from buying_center.models import Stakeholder
from kam.tenancy.context import workspace_context
from planning.models import Opportunity
from planning.plan.metrics import plan_metrics, relationship_moves
from planning.plan.overview import captured_share
from planning.plan.services.plans import plan_start
from planning.plan.services.satisfaction import satisfaction_entry_create
from tests.planning.plan.conftest import Plan

pytestmark = pytest.mark.django_db


def test_relationship_moves_count_people_present_at_the_start() -> None:
    before = {"1": -1, "2": 1, "3": None, "4": 0}
    after = {"1": 1, "2": 0, "3": 2, "5": 2}
    assert relationship_moves(before, after) == (1, 1)


def test_captured_share_is_unknown_without_any_figure() -> None:
    assert captured_share(Decimal(0), Decimal(0)) is None
    assert captured_share(Decimal(300), Decimal(100)) == Decimal(75)


def test_metrics_compare_now_with_the_frozen_baseline(plan: Plan) -> None:
    today = datetime.date.today()
    with workspace_context(plan.workspace):
        Stakeholder.objects.filter(customer=plan.customer, name="A Buyer").update(
            relationship_score=1
        )
        Stakeholder.objects.filter(customer=plan.customer, name="A Plant Director").update(
            relationship_score=0
        )
        satisfaction_entry_create(
            workspace=plan.workspace,
            customer=plan.customer,
            measured_on=today - datetime.timedelta(days=30),
            score=6,
            source="Survey",
        )
        started = plan_start(workspace=plan.workspace, customer=plan.customer, today=today)
        assert started.baseline["stakeholders"] == 2
        assert started.baseline["satisfaction"]["score"] == 6
        assert started.baseline["margin"] == {"year": today.year - 1, "percent": "15.0"}
        # After the start: a new decider, a better relationship, a new deal, better satisfaction.
        buyer = Stakeholder.objects.get(customer=plan.customer, name="A Buyer")
        decider = Stakeholder.objects.get(customer=plan.customer, name="A Plant Director")
        Stakeholder.objects.filter(pk=decider.pk).update(relationship_score=2)
        Stakeholder.objects.filter(pk=buyer.pk).update(relationship_score=-1)
        Stakeholder.objects.create(customer=plan.customer, name="New CFO", roles=["decider"])
        Opportunity.objects.create(customer=plan.customer, title="Sensors pilot")
        satisfaction_entry_create(
            workspace=plan.workspace, customer=plan.customer, measured_on=today, score=8
        )
        started.refresh_from_db()
        metrics = plan_metrics(customer=plan.customer, plan=started, today=today)
    shown = {i.label: i for i in metrics.indicators}
    assert shown["New opportunities identified"].now == 1
    assert shown["New key players identified"].now == 1
    improved = shown["Relationships improved"]
    assert "1 better, 1 worse" in improved.change
    assert shown["Customer satisfaction"].change == "6/10 then, 8/10 now"
    assert shown["Customer satisfaction"].good is True
    assert "15.0 %" in shown["Profitability of the account"].change
    assert [e.score for e in metrics.satisfaction] == [8, 6]


def test_a_plan_not_started_has_no_indicators(plan: Plan) -> None:
    with workspace_context(plan.workspace):
        metrics = plan_metrics(customer=plan.customer, plan=None, today=datetime.date.today())
    assert metrics.started_on is None and metrics.indicators == []


def test_satisfaction_refuses_every_bad_field_at_once(plan: Plan) -> None:
    with workspace_context(plan.workspace), pytest.raises(ValidationError) as error:
        satisfaction_entry_create(
            workspace=plan.workspace,
            customer=plan.customer,
            measured_on=datetime.date.today() + datetime.timedelta(days=3),
            score=12,
            source="x" * 201,
        )
    assert set(error.value.message_dict) == {"measured_on", "score", "source"}


def test_a_baseline_of_another_shape_reads_as_unknown_not_as_an_error(plan: Plan) -> None:
    from planning.models import AccountPlan

    today = datetime.date.today()
    with workspace_context(plan.workspace):
        odd = AccountPlan.objects.create(
            customer=plan.customer,
            started_on=today - datetime.timedelta(days=40),
            baseline={"satisfaction": 7, "opportunities_identified": 3, "margin": "high"},
        )
        metrics = plan_metrics(customer=plan.customer, plan=odd, today=today)
    shown = {i.label: i for i in metrics.indicators}
    assert shown["Customer satisfaction"].baseline == 7
    assert "unknown" in shown["Relationships improved"].change
    assert shown["Profitability of the account"].baseline == "unknown"
