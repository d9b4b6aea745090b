"""Needs, decision criteria and challenge questions of opportunities in the REST API.

Reads need VIEW, writes EDIT_ACCOUNTS. Every row is versioned: ``ETag`` on
reads, ``If-Match`` required on updates (see ``kam.api.concurrency``). Writes go
through :mod:`planning.analysis.services`, so a stakeholder of another account
is refused with the same message as on the pages (400).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, Model, OuterRef, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from buying_center.models import BuyingRole
from kam.api.base import WorkspaceResourceViewSet
from kam.api.concurrency import OptimisticConcurrencyMixin
from kam.permissions import Capability
from planning.analysis import services
from planning.analysis.serializers import (
    ChallengeQuestionInput,
    ChallengeQuestionOutput,
    DecisionCriterionInput,
    DecisionCriterionOutput,
    StakeholderNeedInput,
    StakeholderNeedOutput,
)
from planning.models import (
    ChallengeCategory,
    ChallengeQuestion,
    DecisionCriterion,
    StakeholderNeed,
)
from selling_center.models import SellingCenterMember


def _resource_docs(noun: str, plural: str) -> dict[str, Any]:
    return {
        "list": extend_schema(summary=f"List {plural}"),
        "retrieve": extend_schema(summary=f"Get one {noun}"),
        "create": extend_schema(summary=f"Create {noun}"),
        "update": extend_schema(summary=f"Replace {noun}"),
        "partial_update": extend_schema(summary=f"Change some fields of {noun}"),
        "destroy": extend_schema(summary=f"Delete {noun}"),
    }


def _same_opportunity(instance: Any, data: dict[str, Any]) -> None:
    opportunity = data.pop("opportunity", None)
    if opportunity is not None and opportunity.pk != instance.opportunity_id:
        raise ValidationError(
            {"opportunity": "A row cannot move to another opportunity; create a new one there."}
        )


class _AnalysisFilter(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(
        field_name="opportunity_id", help_text="Opportunity id."
    )
    customer = django_filters.NumberFilter(
        field_name="opportunity__customer_id", help_text="Account (customer) id."
    )


class StakeholderNeedFilter(_AnalysisFilter):
    stakeholder = django_filters.NumberFilter(
        field_name="stakeholder_id", help_text="Stakeholder id."
    )

    class Meta:
        model = StakeholderNeed
        fields = ["opportunity", "customer", "stakeholder"]


@extend_schema_view(**_resource_docs("an expectation or concern", "expectations and concerns"))
class StakeholderNeedViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """Expectations and concerns of stakeholders about an opportunity.

    The stakeholder must be in the buying center of the opportunity's own
    account. A concern needs a severity. Warning signs are lists of keys of
    the two checklists (unknown keys are refused); `verified_on` cannot be in
    the future. `check_again` is true when it was never verified or more than
    90 days ago.
    """

    model = StakeholderNeed
    input_serializer_class = StakeholderNeedInput
    output_serializer_class = StakeholderNeedOutput
    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS
    filterset_class = StakeholderNeedFilter
    ordering_fields = ["id", "verified_on", "updated_at"]
    ordering = ["id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        opportunity = data.pop("opportunity")
        return services.stakeholder_need_create(
            workspace=self.workspace, opportunity=opportunity, **data
        )

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        _same_opportunity(instance, data)
        return services.stakeholder_need_update(
            workspace=self.workspace,
            need=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.stakeholder_need_delete(
            workspace=self.workspace, need=instance, expected_version=self.expected_version
        )


class DecisionCriterionFilter(_AnalysisFilter):
    role = django_filters.ChoiceFilter(choices=BuyingRole.choices)

    class Meta:
        model = DecisionCriterion
        fields = ["opportunity", "customer", "role"]


@extend_schema_view(**_resource_docs("a decision criterion", "decision criteria"))
class DecisionCriterionViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """How each buying role chooses, and how we compare on it.

    Importance and difference run from 1 to 7; `relevance` (importance x
    difference, 1 to 49) is computed by the database. `is_weak` marks a
    criterion that weighs a lot (importance 5 or more) where we hardly stand out
    (difference 3 or less); `needs_strategy` when it has no vulnerability
    strategy yet. Listed by relevance, highest first, unless ordered otherwise.
    """

    model = DecisionCriterion
    input_serializer_class = DecisionCriterionInput
    output_serializer_class = DecisionCriterionOutput
    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS
    filterset_class = DecisionCriterionFilter
    ordering_fields = ["relevance", "importance", "difference", "id"]
    ordering = ["-relevance", "id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        opportunity = data.pop("opportunity")
        return services.decision_criterion_create(
            workspace=self.workspace, opportunity=opportunity, **data
        )

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        _same_opportunity(instance, data)
        return services.decision_criterion_update(
            workspace=self.workspace,
            criterion=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.decision_criterion_delete(
            workspace=self.workspace, criterion=instance, expected_version=self.expected_version
        )


class ChallengeQuestionFilter(_AnalysisFilter):
    category = django_filters.ChoiceFilter(choices=ChallengeCategory.choices)

    class Meta:
        model = ChallengeQuestion
        fields = ["opportunity", "customer", "category"]


@extend_schema_view(**_resource_docs("a challenge question", "challenge questions"))
class ChallengeQuestionViewSet(OptimisticConcurrencyMixin, WorkspaceResourceViewSet):
    """Questions of the capture-plan challenge, scored by the team and an independent reviewer.

    Each of confidence, implications and actions is scored 1 to 5 (or null)
    by each side. The averages are red below 2.5, amber below 3.5 and green
    from 3.5; `gap` is the team average minus the reviewer's, flagged from 1.5.
    `reviewer_on_team` is true when the reviewer is on the account's selling
    center (the review is then not independent).
    """

    model = ChallengeQuestion
    input_serializer_class = ChallengeQuestionInput
    output_serializer_class = ChallengeQuestionOutput
    read_capability = Capability.VIEW
    write_capability = Capability.EDIT_ACCOUNTS
    filterset_class = ChallengeQuestionFilter
    ordering_fields = ["position", "id"]
    ordering = ["opportunity", "position", "id"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        on_team = SellingCenterMember.objects.filter(
            workspace_id=OuterRef("workspace_id"),
            customer_id=OuterRef("opportunity__customer_id"),
            user_id=OuterRef("reviewer_id"),
        )
        return queryset.select_related("opportunity").annotate(reviewer_on_team=Exists(on_team))

    def create_object(self, data: dict[str, Any]) -> Model:
        opportunity = data.pop("opportunity")
        return services.challenge_question_create(
            workspace=self.workspace, opportunity=opportunity, **data
        )

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        assert self.expected_version is not None
        _same_opportunity(instance, data)
        return services.challenge_question_update(
            workspace=self.workspace,
            challenge_question=instance,
            expected_version=self.expected_version,
            **data,
        )

    def delete_object(self, instance: Any) -> None:
        services.challenge_question_delete(
            workspace=self.workspace,
            challenge_question=instance,
            expected_version=self.expected_version,
        )
