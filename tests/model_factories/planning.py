"""Factories for planning: Open Space, critical success factors and opportunities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from planning.models import (
    ChallengeQuestion,
    CriticalSuccessFactor,
    DecisionCriterion,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
    Opportunity,
    OpportunityContributor,
    OpportunityTask,
    StakeholderNeed,
    ValueDriver,
)
from tests.model_factories.accounts import CustomerFactory, OfferingFactory
from tests.model_factories.base import InWorkspaceFactory, parent, sibling
from tests.model_factories.buying_center import StakeholderFactory
from tests.model_factories.selling_center import SellingCenterMemberFactory


class CriticalSuccessFactorFactory(InWorkspaceFactory[CriticalSuccessFactor]):
    class Meta:
        model = CriticalSuccessFactor

    customer = parent(CustomerFactory)
    title = factory.Sequence(lambda n: f"Success factor {n}")


class OpenSpaceFactory(InWorkspaceFactory[OpenSpace]):
    class Meta:
        model = OpenSpace

    customer = parent(CustomerFactory)


class OpenSpaceSegmentFactory(InWorkspaceFactory[OpenSpaceSegment]):
    class Meta:
        model = OpenSpaceSegment

    open_space = parent(OpenSpaceFactory)
    group = "Europe"
    name = factory.Sequence(lambda n: f"Segment {n}")


class OpenSpaceColumnFactory(InWorkspaceFactory[OpenSpaceColumn]):
    """An offering's column; pass ``offering=None, name=...`` for a co-creation idea."""

    class Meta:
        model = OpenSpaceColumn

    open_space = parent(OpenSpaceFactory)
    offering = parent(OfferingFactory)


class OpenSpaceCellFactory(InWorkspaceFactory[OpenSpaceCell]):
    class Meta:
        model = OpenSpaceCell

    open_space = parent(OpenSpaceFactory)
    segment = parent(OpenSpaceSegmentFactory, open_space=sibling("open_space"))
    column = parent(OpenSpaceColumnFactory, open_space=sibling("open_space"))
    potential = Decimal("500000")


class OpportunityFactory(InWorkspaceFactory[Opportunity]):
    class Meta:
        model = Opportunity

    customer = parent(CustomerFactory)
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    value = Decimal("250000")


def _of_the_opportunity(factory_class: type[InWorkspaceFactory[Any]]) -> Any:
    """A parent on the opportunity's account (a stakeholder or member of that customer)."""
    return parent(factory_class, customer=sibling("opportunity.customer"))


class OpportunityContributorFactory(InWorkspaceFactory[OpportunityContributor]):
    class Meta:
        model = OpportunityContributor

    opportunity = parent(OpportunityFactory)
    member = _of_the_opportunity(SellingCenterMemberFactory)


class StakeholderNeedFactory(InWorkspaceFactory[StakeholderNeed]):
    class Meta:
        model = StakeholderNeed

    opportunity = parent(OpportunityFactory)
    stakeholder = _of_the_opportunity(StakeholderFactory)
    kind = "concern"
    nature = "solution"
    description = "Downtime during the changeover"
    severity = "high"


class DecisionCriterionFactory(InWorkspaceFactory[DecisionCriterion]):
    class Meta:
        model = DecisionCriterion

    opportunity = parent(OpportunityFactory)
    role = "buyer"
    group = "service"
    name = factory.Sequence(lambda n: f"Criterion {n}")
    importance = 6
    difference = 2


class ChallengeQuestionFactory(InWorkspaceFactory[ChallengeQuestion]):
    class Meta:
        model = ChallengeQuestion

    opportunity = parent(OpportunityFactory)
    category = "customer_issues"
    question = "What is the customer trying to accomplish?"


class ValueDriverFactory(InWorkspaceFactory[ValueDriver]):
    class Meta:
        model = ValueDriver

    opportunity = parent(OpportunityFactory)
    driver = "Less downtime"
    formula = "hours * rate"
    inputs = factory.LazyFunction(lambda: {"hours": 100, "rate": 900})


class OpportunityTaskFactory(InWorkspaceFactory[OpportunityTask]):
    class Meta:
        model = OpportunityTask

    # A task is an action of the opportunity's account, linked to the opportunity.
    opportunity = parent(OpportunityFactory)
    customer = factory.SelfAttribute("opportunity.customer")
    title = factory.Sequence(lambda n: f"Task {n}")
