"""Needs, decision criteria and challenge questions of opportunities in the REST API.

Reads need VIEW, writes EDIT_ACCOUNTS. Every row is versioned: ``ETag`` on
reads, ``If-Match`` required on updates (see ``kam.api.concurrency``). Writes go
through :mod:`planning.analysis.services`, so a stakeholder of another account
is refused with the same message as on the pages (400).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.utils import extend_schema_view

from buying_center.models import BuyingRole
from kam.api.rows import RowServices, VersionedRowViewSet
from kam.api.schema import resource_docs
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

_MOVED = "A row cannot move to another opportunity; create a new one there."


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


@extend_schema_view(**resource_docs("an expectation or concern", "expectations and concerns"))
class StakeholderNeedViewSet(VersionedRowViewSet):
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
    filterset_class = StakeholderNeedFilter
    ordering_fields = ["id", "verified_on", "updated_at"]
    ordering = ["id"]

    writes = RowServices(
        create=services.stakeholder_need_create,
        update=services.stakeholder_need_update,
        delete=services.stakeholder_need_delete,
        row="need",
        parent="opportunity",
        moved=_MOVED,
    )


class DecisionCriterionFilter(_AnalysisFilter):
    role = django_filters.ChoiceFilter(choices=BuyingRole.choices)

    class Meta:
        model = DecisionCriterion
        fields = ["opportunity", "customer", "role"]


@extend_schema_view(**resource_docs("a decision criterion", "decision criteria"))
class DecisionCriterionViewSet(VersionedRowViewSet):
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
    filterset_class = DecisionCriterionFilter
    ordering_fields = ["relevance", "importance", "difference", "id"]
    ordering = ["-relevance", "id"]

    writes = RowServices(
        create=services.decision_criterion_create,
        update=services.decision_criterion_update,
        delete=services.decision_criterion_delete,
        row="criterion",
        parent="opportunity",
        moved=_MOVED,
    )


class ChallengeQuestionFilter(_AnalysisFilter):
    category = django_filters.ChoiceFilter(choices=ChallengeCategory.choices)

    class Meta:
        model = ChallengeQuestion
        fields = ["opportunity", "customer", "category"]


@extend_schema_view(**resource_docs("a challenge question", "challenge questions"))
class ChallengeQuestionViewSet(VersionedRowViewSet):
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

    writes = RowServices(
        create=services.challenge_question_create,
        update=services.challenge_question_update,
        delete=services.challenge_question_delete,
        row="challenge_question",
        parent="opportunity",
        moved=_MOVED,
    )
