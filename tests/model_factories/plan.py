"""Factories for the account plan: texts, SWOT, objectives, actions, satisfaction, health."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from planning.models import (
    AccountHealth,
    AccountPlan,
    Action,
    Commitment,
    FactorCode,
    HealthRating,
    HealthRecord,
    HealthSettings,
    Objective,
    ObjectiveKind,
    PlanText,
    PlanTopic,
    PortfolioDecision,
    PortfolioFactor,
    Review,
    ReviewAttendee,
    ReviewKind,
    ReviewSnapshot,
    SatisfactionEntry,
    SwotDismissal,
    SwotItem,
    SwotKind,
)
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.base import InWorkspaceFactory, parent
from tests.model_factories.buying_center import StakeholderFactory


class AccountPlanFactory(InWorkspaceFactory[AccountPlan]):
    class Meta:
        model = AccountPlan

    customer = parent(CustomerFactory)
    started_on = factory.LazyFunction(datetime.date.today)


class PlanTextFactory(InWorkspaceFactory[PlanText]):
    class Meta:
        model = PlanText

    customer = parent(CustomerFactory)
    topic = PlanTopic.MARKET
    text = "Their market grows four per cent a year."
    confirmed_on = factory.LazyFunction(datetime.date.today)


class SwotItemFactory(InWorkspaceFactory[SwotItem]):
    class Meta:
        model = SwotItem

    customer = parent(CustomerFactory)
    kind = SwotKind.STRENGTH
    text = factory.Sequence(lambda n: f"Strength {n}")
    implication = "Use it to open the next site."


class SwotDismissalFactory(InWorkspaceFactory[SwotDismissal]):
    class Meta:
        model = SwotDismissal

    customer = parent(CustomerFactory)
    suggestion_key = factory.Sequence(lambda n: f"weakness:uncovered:{n}")


class ObjectiveFactory(InWorkspaceFactory[Objective]):
    class Meta:
        model = Objective

    customer = parent(CustomerFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    kind = ObjectiveKind.VOLUME


class ActionFactory(InWorkspaceFactory[Action]):
    class Meta:
        model = Action

    customer = parent(CustomerFactory)
    title = factory.Sequence(lambda n: f"Action {n}")


class SatisfactionEntryFactory(InWorkspaceFactory[SatisfactionEntry]):
    class Meta:
        model = SatisfactionEntry

    customer = parent(CustomerFactory)
    measured_on = factory.LazyFunction(datetime.date.today)
    score = 7


class AccountHealthFactory(InWorkspaceFactory[AccountHealth]):
    class Meta:
        model = AccountHealth

    customer = parent(CustomerFactory)


class HealthRecordFactory(InWorkspaceFactory[HealthRecord]):
    class Meta:
        model = HealthRecord

    customer = parent(CustomerFactory)
    at = factory.LazyFunction(timezone.now)
    rating = HealthRating.GREEN


class HealthSettingsFactory(InWorkspaceFactory[HealthSettings]):
    class Meta:
        model = HealthSettings


class ReviewFactory(InWorkspaceFactory[Review]):
    class Meta:
        model = Review

    customer = parent(CustomerFactory)
    kind = ReviewKind.MANAGEMENT
    scheduled_on = factory.LazyFunction(datetime.date.today)


class ReviewAttendeeFactory(InWorkspaceFactory[ReviewAttendee]):
    class Meta:
        model = ReviewAttendee

    review = parent(ReviewFactory)
    stakeholder = parent(StakeholderFactory, customer=factory.SelfAttribute("..review.customer"))


class ReviewSnapshotFactory(InWorkspaceFactory[ReviewSnapshot]):
    class Meta:
        model = ReviewSnapshot

    review = parent(ReviewFactory)
    schema_version = 1
    taken_at = factory.LazyFunction(timezone.now)
    content = factory.LazyFunction(lambda: {"schema_version": 1})
    content_hash = "0" * 64


class PortfolioFactorFactory(InWorkspaceFactory[PortfolioFactor]):
    class Meta:
        model = PortfolioFactor

    customer = parent(CustomerFactory)
    code = FactorCode.PRESTIGE
    score = 4
    reason = "A reference customer in its industry."
    judged_on = factory.LazyFunction(datetime.date.today)


class PortfolioDecisionFactory(InWorkspaceFactory[PortfolioDecision]):
    class Meta:
        model = PortfolioDecision

    customer = parent(CustomerFactory)
    recommendation = Commitment.MAINTAIN
    decision = Commitment.MAINTAIN
    decided_at = factory.LazyFunction(timezone.now)
