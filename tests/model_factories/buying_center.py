"""Factories for the buying center: the customer's people, their influence and the grids."""

from __future__ import annotations

import factory

from buying_center.models import AnalysisGrid, InfluenceLink, Stakeholder, StakeholderChange
from tests.model_factories.accounts import CustomerFactory
from tests.model_factories.base import InWorkspaceFactory, member_of_workspace, parent, sibling


class StakeholderFactory(InWorkspaceFactory[Stakeholder]):
    class Meta:
        model = Stakeholder

    customer = parent(CustomerFactory)
    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    roles = factory.LazyFunction(lambda: ["buyer"])


class StakeholderChangeFactory(InWorkspaceFactory[StakeholderChange]):
    class Meta:
        model = StakeholderChange

    stakeholder = parent(StakeholderFactory)
    field = "relationship_score"
    old_value = "0"
    new_value = "1"
    changed_by = member_of_workspace()


class InfluenceLinkFactory(InWorkspaceFactory[InfluenceLink]):
    """``source`` influences ``target``, two people of the same account."""

    class Meta:
        model = InfluenceLink

    source = parent(StakeholderFactory, roles=["decider"])
    target = parent(StakeholderFactory, customer=sibling("source.customer"))
    strength = 2


class AnalysisGridFactory(InWorkspaceFactory[AnalysisGrid]):
    class Meta:
        model = AnalysisGrid

    customer = parent(CustomerFactory)
    role_group = "buyers"
