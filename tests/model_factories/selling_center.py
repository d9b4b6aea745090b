"""Factories for the selling center: our people on an account and how they meet the customer's."""

from __future__ import annotations

import factory

from selling_center.models import (
    Connection,
    ConnectionLevelDecision,
    EngagementPlan,
    InterfaceAlignment,
    SellingCenterMember,
    StageResource,
)
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.base import InWorkspaceFactory, member_of_workspace, parent, sibling
from tests.model_factories.buying_center import StakeholderFactory


class SellingCenterMemberFactory(InWorkspaceFactory[SellingCenterMember]):
    """A named person on the account's team (pass ``user=`` for a workspace member)."""

    class Meta:
        model = SellingCenterMember

    customer = parent(CustomerFactory)
    name = factory.LazyAttribute(lambda member: "" if member.user else f"{member.role} person")
    user = None
    role = "kam"


class InterfaceAlignmentFactory(InWorkspaceFactory[InterfaceAlignment]):
    class Meta:
        model = InterfaceAlignment

    customer = parent(CustomerFactory)
    supplier_function = "Invoicing"
    customer_function = "Payables"


class ConnectionFactory(InWorkspaceFactory[Connection]):
    """One of our people who talks to one of theirs, on the same account."""

    class Meta:
        model = Connection

    stakeholder = parent(StakeholderFactory)
    member = parent(SellingCenterMemberFactory, customer=sibling("stakeholder.customer"))


class EngagementPlanFactory(InWorkspaceFactory[EngagementPlan]):
    class Meta:
        model = EngagementPlan

    stakeholder = parent(StakeholderFactory)
    owner = parent(SellingCenterMemberFactory, customer=sibling("stakeholder.customer"))
    objective = "Meet quarterly"


class StageResourceFactory(InWorkspaceFactory[StageResource]):
    class Meta:
        model = StageResource

    customer = parent(CustomerFactory)
    stage = "need_recognition"
    member = parent(SellingCenterMemberFactory, customer=sibling("customer"))


class ConnectionLevelDecisionFactory(InWorkspaceFactory[ConnectionLevelDecision]):
    class Meta:
        model = ConnectionLevelDecision

    customer = parent(CustomerFactory)
    suggested_level = "transactional"
    level = "transactional"
    decided_by = member_of_workspace()
