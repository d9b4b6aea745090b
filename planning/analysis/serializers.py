"""API input and output shapes for needs, decision criteria and challenge questions.

Input serializers check types and same-workspace references only; the services
check ranges, choices of warning signs and the same account, so the API and
the pages give the same messages. Scales are plain integers here on purpose:
the service says "between 1 and 7" rather than a generic range error.
"""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from buying_center.models import BuyingRole, Stakeholder
from kam.api.fields import WorkspaceMemberField, WorkspaceRelatedField
from planning.analysis import scoring
from planning.analysis.selectors import CHECK_AGAIN_AFTER_DAYS, needs_check_again
from planning.models import (
    ChallengeCategory,
    ChallengeQuestion,
    CriterionGroup,
    DecisionCriterion,
    HighAnxiety,
    LackOfReceptivity,
    NeedNature,
    NeedStatus,
    Opportunity,
    Severity,
    StakeholderNeed,
    StakeholderNeedKind,
    VulnerabilityStrategy,
)

_OPPORTUNITY_HELP = "Id of the opportunity; it cannot change once created."

_CHOICE_FIELDS: dict[str, type[serializers.ChoiceField]] = {}


def named_choice(
    component: str, choices: type[TextChoices], *, allow_blank: bool = False, **kwargs: Any
) -> serializers.ChoiceField:
    """A choice field whose enum is its own schema component, named ``component``.

    Several models have a "kind", "role" or "status" with different choices;
    naming each set here keeps the schema free of clashing enum names without
    a project-wide override.
    """
    field_class = _CHOICE_FIELDS.get(component)
    if field_class is None:
        values: list[str] = [*choices.values, *([""] if allow_blank else [])]
        described = ", ".join(f"{v} ({label})" for v, label in choices.choices)
        field_class = extend_schema_field(
            {"type": "string", "enum": values, "description": described},
            component_name=component,
        )(type(component, (serializers.ChoiceField,), {}))
        _CHOICE_FIELDS[component] = field_class
    return field_class(choices=choices.choices, allow_blank=allow_blank, **kwargs)


# -- expectations and concerns ---------------------------------------------------


class StakeholderNeedInput(serializers.Serializer):
    opportunity = WorkspaceRelatedField(Opportunity, help_text=_OPPORTUNITY_HELP)
    stakeholder = WorkspaceRelatedField(
        Stakeholder, help_text="Id of a stakeholder of the opportunity's own account."
    )
    kind = named_choice("StakeholderNeedKindEnum", StakeholderNeedKind)
    nature = named_choice("NeedNatureEnum", NeedNature)
    description = serializers.CharField()
    severity = named_choice(
        "NeedSeverityEnum",
        Severity,
        required=False,
        allow_blank=True,
        help_text="Required for a concern.",
    )
    owner = WorkspaceMemberField(
        required=False, allow_null=True, help_text="User id of the workspace member who owns it."
    )
    status = named_choice("NeedStatusEnum", NeedStatus, required=False)
    lack_of_receptivity = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Warning signs ticked, from: " + ", ".join(LackOfReceptivity.values),
    )
    high_anxiety = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Warning signs ticked, from: " + ", ".join(HighAnxiety.values),
    )
    verified_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Last confirmed with the stakeholder; not future.",
    )


class StakeholderNeedOutput(serializers.ModelSerializer):
    kind = named_choice("StakeholderNeedKindEnum", StakeholderNeedKind, read_only=True)
    nature = named_choice("NeedNatureEnum", NeedNature, read_only=True)
    severity = named_choice("NeedSeverityEnum", Severity, allow_blank=True, read_only=True)
    status = named_choice("NeedStatusEnum", NeedStatus, read_only=True)
    check_again = serializers.SerializerMethodField(
        help_text=f"Never verified, or verified more than {CHECK_AGAIN_AFTER_DAYS} days ago."
    )

    class Meta:
        model = StakeholderNeed
        fields = [
            "id",
            "opportunity",
            "stakeholder",
            "kind",
            "nature",
            "description",
            "severity",
            "owner",
            "status",
            "lack_of_receptivity",
            "high_anxiety",
            "verified_on",
            "check_again",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_check_again(self, need: StakeholderNeed) -> bool:
        from django.utils import timezone

        return needs_check_again(need.verified_on, timezone.localdate())


# -- decision criteria ------------------------------------------------------------


class DecisionCriterionInput(serializers.Serializer):
    opportunity = WorkspaceRelatedField(Opportunity, help_text=_OPPORTUNITY_HELP)
    role = named_choice(
        "CriterionRoleEnum", BuyingRole, help_text="The buying role that applies this criterion."
    )
    stakeholder = WorkspaceRelatedField(
        Stakeholder,
        required=False,
        allow_null=True,
        help_text="Optional: id of a stakeholder of the opportunity's own account.",
    )
    group = named_choice("CriterionGroupEnum", CriterionGroup)
    name = serializers.CharField(max_length=200)
    importance = serializers.IntegerField(help_text="How much it weighs for them, 1 to 7.")
    difference = serializers.IntegerField(help_text="How far we stand out, 1 to 7.")
    vulnerability_strategy = named_choice(
        "VulnerabilityStrategyEnum", VulnerabilityStrategy, required=False, allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True)


class DecisionCriterionOutput(serializers.ModelSerializer):
    role = named_choice("CriterionRoleEnum", BuyingRole, read_only=True)
    group = named_choice("CriterionGroupEnum", CriterionGroup, read_only=True)
    vulnerability_strategy = named_choice(
        "VulnerabilityStrategyEnum", VulnerabilityStrategy, allow_blank=True, read_only=True
    )
    is_weak = serializers.SerializerMethodField(
        help_text=(
            f"Importance {scoring.WEAK_MIN_IMPORTANCE} or more and difference"
            f" {scoring.WEAK_MAX_DIFFERENCE} or less: a competitor can win on it."
        )
    )
    needs_strategy = serializers.SerializerMethodField(
        help_text="Weak, and no vulnerability strategy chosen yet."
    )

    class Meta:
        model = DecisionCriterion
        fields = [
            "id",
            "opportunity",
            "role",
            "stakeholder",
            "group",
            "name",
            "importance",
            "difference",
            "relevance",
            "is_weak",
            "needs_strategy",
            "vulnerability_strategy",
            "note",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {"relevance": {"help_text": "Importance x difference, 1 to 49."}}

    @extend_schema_field(serializers.BooleanField())
    def get_is_weak(self, criterion: DecisionCriterion) -> bool:
        return scoring.is_weak(criterion.importance, criterion.difference)

    @extend_schema_field(serializers.BooleanField())
    def get_needs_strategy(self, criterion: DecisionCriterion) -> bool:
        return self.get_is_weak(criterion) and not criterion.vulnerability_strategy


# -- challenge questions ---------------------------------------------------------------


def _score(side: str, dimension: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, help_text=f"{side} score of {dimension}, 1 to 5."
    )


class ChallengeQuestionInput(serializers.Serializer):
    opportunity = WorkspaceRelatedField(Opportunity, help_text=_OPPORTUNITY_HELP)
    category = named_choice("ChallengeCategoryEnum", ChallengeCategory)
    question = serializers.CharField(max_length=300)
    position = serializers.IntegerField(
        required=False, allow_null=True, help_text="Order in the list; at the end when omitted."
    )
    team_confidence = _score("Team", "confidence")
    team_implications = _score("Team", "implications")
    team_actions = _score("Team", "actions")
    reviewer_confidence = _score("Reviewer", "confidence")
    reviewer_implications = _score("Reviewer", "implications")
    reviewer_actions = _score("Reviewer", "actions")
    reviewer = WorkspaceMemberField(
        required=False,
        allow_null=True,
        help_text="User id of the independent reviewer (not on the account's selling center).",
    )
    note = serializers.CharField(required=False, allow_blank=True)


_RAG_HELP = (
    f"red below {scoring.RED_BELOW}, amber below {scoring.AMBER_BELOW}, green otherwise;"
    " empty when not scored."
)


class ChallengeQuestionOutput(serializers.ModelSerializer):
    category = named_choice("ChallengeCategoryEnum", ChallengeCategory, read_only=True)
    team_average = serializers.SerializerMethodField(help_text="Average of the team's scores.")
    reviewer_average = serializers.SerializerMethodField(
        help_text="Average of the reviewer's scores."
    )
    team_rag = serializers.SerializerMethodField(help_text=f"Team average: {_RAG_HELP}")
    reviewer_rag = serializers.SerializerMethodField(help_text=f"Reviewer average: {_RAG_HELP}")
    gap = serializers.SerializerMethodField(help_text="Team average minus reviewer average.")
    gap_flagged = serializers.SerializerMethodField(
        help_text=f"Gap of {scoring.GAP_FLAG_AT} or more: the team is more confident."
    )
    reviewer_on_team = serializers.SerializerMethodField(
        help_text="The reviewer is on the account's selling center: not independent."
    )

    class Meta:
        model = ChallengeQuestion
        fields = [
            "id",
            "opportunity",
            "category",
            "question",
            "position",
            "team_confidence",
            "team_implications",
            "team_actions",
            "reviewer",
            "reviewer_confidence",
            "reviewer_implications",
            "reviewer_actions",
            "team_average",
            "team_rag",
            "reviewer_average",
            "reviewer_rag",
            "gap",
            "gap_flagged",
            "reviewer_on_team",
            "note",
            "version",
        ]
        read_only_fields = fields

    @staticmethod
    def _team(question: ChallengeQuestion) -> scoring.Scores:
        return scoring.Scores(
            question.team_confidence, question.team_implications, question.team_actions
        )

    @staticmethod
    def _reviewer(question: ChallengeQuestion) -> scoring.Scores:
        return scoring.Scores(
            question.reviewer_confidence, question.reviewer_implications, question.reviewer_actions
        )

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_team_average(self, question: ChallengeQuestion) -> float | None:
        return self._team(question).average

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_reviewer_average(self, question: ChallengeQuestion) -> float | None:
        return self._reviewer(question).average

    @extend_schema_field(serializers.CharField())
    def get_team_rag(self, question: ChallengeQuestion) -> str:
        return scoring.rag(self._team(question).average)

    @extend_schema_field(serializers.CharField())
    def get_reviewer_rag(self, question: ChallengeQuestion) -> str:
        return scoring.rag(self._reviewer(question).average)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_gap(self, question: ChallengeQuestion) -> float | None:
        return scoring.gap(self._team(question).average, self._reviewer(question).average)

    @extend_schema_field(serializers.BooleanField())
    def get_gap_flagged(self, question: ChallengeQuestion) -> bool:
        return scoring.gap_flagged(self.get_gap(question))

    @extend_schema_field(serializers.BooleanField())
    def get_reviewer_on_team(self, question: ChallengeQuestion) -> bool:
        annotated = getattr(question, "reviewer_on_team", None)
        if annotated is not None:
            return bool(annotated)
        from selling_center.models import SellingCenterMember

        # A single row just written: one query, not worth an annotation.
        return (
            question.reviewer_id is not None
            and SellingCenterMember.objects.filter(
                workspace_id=question.workspace_id,
                customer_id=question.opportunity.customer_id,
                user_id=question.reviewer_id,
            ).exists()
        )
