"""KAMP opportunities and everything a capture plan records about them.

An opportunity belongs to one key account; every stakeholder, team member and
Open Space cell it refers to must belong to that same account (services check
it and say which). The analyses hang off the opportunity: CABS qualification
and the value-proposition checklist live on the row, the per-stakeholder and
per-question analyses in their own tables.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from buying_center.models import BuyingRole
from kam.tenancy.models import Versioned, WorkspaceOwned
from planning.models.plan import Action, ActionStatus
from selling_center.models import BuyingStage


class Origin(models.TextChoices):
    PUSH = "push", "Push (we found it)"
    PULL = "pull", "Pull (the customer asked)"


class GrowthType(models.TextChoices):
    ENHANCE = "enhance", "Enhance"
    EXPAND = "expand", "Expand"
    EXTEND = "extend", "Extend"


class ProjectPhase(models.TextChoices):
    INITIATION = "initiation", "Initiation"
    OBJECTIVES = "objectives", "Objectives"
    PLANNING = "planning", "Planning"
    EXECUTION = "execution", "Execution"
    CONTROL = "control", "Control"


class OpportunityState(models.TextChoices):
    """Where the deal stands; the four open states are the prioritization quadrants."""

    IN_PROGRESS = "in_progress", "In progress"
    EARLY_STAGE = "early_stage", "Early stage"
    DELAYED = "delayed", "Customer delaying or cancelling"
    LONG_TERM = "long_term", "Long-term potential"
    WON = "won", "Won"
    LOST = "lost", "Lost"


#: Prioritization matrix quadrant of each open state (domain.md, "Prioritization matrix").
PRIORITY_QUADRANTS: dict[str, str] = {
    OpportunityState.IN_PROGRESS: "I",
    OpportunityState.EARLY_STAGE: "II",
    OpportunityState.DELAYED: "III",
    OpportunityState.LONG_TERM: "IV",
}
OPEN_STATES = tuple(PRIORITY_QUADRANTS)


class Opportunity(Versioned):
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    origin = models.CharField(max_length=4, choices=Origin.choices, default=Origin.PUSH)
    state = models.CharField(
        max_length=12, choices=OpportunityState.choices, default=OpportunityState.EARLY_STAGE
    )
    value = models.DecimalField(
        max_digits=18, decimal_places=2, default=0, help_text="Expected sales value."
    )
    margin_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text="Expected gross margin, percent of value.",
    )
    probability = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(100)],
        help_text="Chance of winning, percent.",
    )
    expected_close = models.DateField(null=True, blank=True)
    buying_stage = models.CharField(max_length=40, choices=BuyingStage.choices, blank=True)
    growth_type = models.CharField(max_length=8, choices=GrowthType.choices, blank=True)
    phase = models.CharField(
        max_length=12, choices=ProjectPhase.choices, default=ProjectPhase.INITIATION
    )
    economic_objectives = models.TextField(
        blank=True, help_text="Volume, price and margin we aim for."
    )
    sociopolitical_objectives = models.TextField(
        blank=True, help_text="Which stakeholders to win, which of our people to mobilise."
    )
    open_space_cell = models.ForeignKey(
        "planning.OpenSpaceCell",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        help_text="The Open Space cell this opportunity comes from.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_opportunities",
    )
    # CABS qualification: each checkpoint holds only with evidence.
    compelling_reason = models.BooleanField(default=False)
    compelling_reason_evidence = models.TextField(blank=True)
    authority_leverage = models.BooleanField(default=False)
    authority_leverage_evidence = models.TextField(blank=True)
    budget_availability = models.BooleanField(default=False)
    budget_availability_evidence = models.TextField(blank=True)
    supporting_allies = models.BooleanField(default=False)
    supporting_allies_evidence = models.TextField(blank=True)
    # Value-proposition checklist: None = not answered yet.
    vp_needs_justify_price = models.BooleanField(
        null=True, blank=True, help_text="Do the customer's needs justify our price?"
    )
    vp_strengths_ahead = models.BooleanField(
        null=True, blank=True, help_text="Are our strengths ahead of the competitors'?"
    )
    vp_benefits_demonstrated = models.BooleanField(
        null=True, blank=True, help_text="Have we shown the benefits to the key members?"
    )
    vp_more_expensive = models.BooleanField(
        null=True, blank=True, help_text="Are we more expensive than the competitors?"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "expected_close", "pk"]
        verbose_name_plural = "opportunities"
        indexes = [
            models.Index(fields=["workspace", "customer", "state"]),
            models.Index(fields=["workspace", "state", "expected_close"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="opportunity_probability_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_qualified(self) -> bool:
        """CABS: qualified only when all four checkpoints hold."""
        return (
            self.compelling_reason
            and self.authority_leverage
            and self.budget_availability
            and self.supporting_allies
        )

    @property
    def value_proposition_alarm(self) -> bool:
        """Needs, strengths and benefits all answered no, and we are the dearer option."""
        return (
            self.vp_needs_justify_price is False
            and self.vp_strengths_ahead is False
            and self.vp_benefits_demonstrated is False
            and self.vp_more_expensive is True
        )

    @property
    def priority_quadrant(self) -> str | None:
        return PRIORITY_QUADRANTS.get(self.state)


class OpportunityContributor(Versioned):
    """A selling-center member lent to this opportunity for a while."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="contributors"
    )
    member = models.ForeignKey(
        "selling_center.SellingCenterMember",
        on_delete=models.CASCADE,
        related_name="opportunity_contributions",
    )
    contribution = models.CharField(max_length=200, blank=True)
    until = models.DateField(null=True, blank=True, help_text="When the help ends.")

    class Meta(WorkspaceOwned.Meta):
        ordering = ["opportunity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "opportunity", "member"], name="opportunitycontributor_unique"
            )
        ]


class StakeholderNeedKind(models.TextChoices):
    EXPECTATION = "expectation", "Expectation"
    CONCERN = "concern", "Concern"


class NeedNature(models.TextChoices):
    SOLUTION = "solution", "Solution-based"
    RELATIONAL = "relational", "Relational"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class NeedStatus(models.TextChoices):
    OPEN = "open", "Open"
    ADDRESSED = "addressed", "Addressed"
    NOT_MET = "not_met", "Not met"


class LackOfReceptivity(models.TextChoices):
    INFORMATION_NOT_RECEIVED = "information_not_received", "Requested information not received"
    CONTRADICTORY_INFORMATION = "contradictory_information", "Contradictory information"
    UNREALISTIC_REQUESTS = "unrealistic_requests", "Unrealistic requests"
    FEWER_CONTACTS = "fewer_contacts", "Fewer contacts"
    NO_COMPELLING_REASON = "no_compelling_reason", "No compelling reason"
    NEEDS_IMPLIED = "needs_implied", "Needs stay implied"


class HighAnxiety(models.TextChoices):
    MANY_REQUESTS = "many_requests", "Many requests for information or meetings"
    OLD_OBJECTIONS = "old_objections", "Old objections return"
    CONTRADICTORY_OBJECTIONS = "contradictory_objections", "Contradictory objections"
    POOR_RECEPTIVENESS = "poor_receptiveness", "Poor receptiveness"
    CREDIBILITY_QUESTIONED = "credibility_questioned", "Our credibility questioned"


class StakeholderNeed(Versioned):
    """An expectation or a concern of one stakeholder about one opportunity."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="needs")
    stakeholder = models.ForeignKey(
        "buying_center.Stakeholder", on_delete=models.CASCADE, related_name="opportunity_needs"
    )
    kind = models.CharField(max_length=12, choices=StakeholderNeedKind.choices)
    nature = models.CharField(max_length=12, choices=NeedNature.choices)
    description = models.TextField()
    severity = models.CharField(
        max_length=8, choices=Severity.choices, blank=True, help_text="For concerns."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who on our side looks after it.",
    )
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    lack_of_receptivity = models.JSONField(
        default=list,
        blank=True,
        help_text="Warning signs ticked: " + ", ".join(LackOfReceptivity.values),
    )
    high_anxiety = models.JSONField(
        default=list,
        blank=True,
        help_text="Warning signs ticked: " + ", ".join(HighAnxiety.values),
    )
    verified_on = models.DateField(null=True, blank=True, help_text="Last confirmed with them.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["opportunity", "stakeholder", "kind", "pk"]
        indexes = [models.Index(fields=["workspace", "opportunity"])]


class CriterionGroup(models.TextChoices):
    CORE_TRANSACTIONAL = "core_transactional", "Core transactional"
    SERVICE = "service", "Service"
    PROCESS = "process", "Process"
    BUYER_SELLER_FIT = "buyer_seller_fit", "Buyer-seller fit"


class VulnerabilityStrategy(models.TextChoices):
    CHANGE_IMPORTANCE = "change_importance", "Change its perceived importance"
    ACCENTUATE_DIFFERENCE = "accentuate_difference", "Accentuate our difference"
    FACILITATOR = "facilitator", "Work through the facilitator"


_ONE_TO_SEVEN = [MinValueValidator(1), MaxValueValidator(7)]


class DecisionCriterion(Versioned):
    """How one buying role chooses, and how we compare on it."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="decision_criteria"
    )
    role = models.CharField(
        max_length=12,
        choices=BuyingRole.choices,
        help_text="The buying role that applies this criterion.",
    )
    stakeholder = models.ForeignKey(
        "buying_center.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_criteria",
    )
    group = models.CharField(max_length=20, choices=CriterionGroup.choices)
    name = models.CharField(max_length=200)
    importance = models.PositiveSmallIntegerField(
        validators=_ONE_TO_SEVEN, help_text="How much it weighs for them, 1-7."
    )
    difference = models.PositiveSmallIntegerField(
        validators=_ONE_TO_SEVEN, help_text="How far we stand out from competitors on it, 1-7."
    )
    relevance = models.GeneratedField(
        expression=models.F("importance") * models.F("difference"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    vulnerability_strategy = models.CharField(
        max_length=24, choices=VulnerabilityStrategy.choices, blank=True
    )
    note = models.TextField(blank=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["opportunity", "-relevance", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(importance__gte=1, importance__lte=7)
                & models.Q(difference__gte=1, difference__lte=7),
                name="decisioncriterion_scales",
            )
        ]


class ChallengeCategory(models.TextChoices):
    CUSTOMER_ISSUES = "customer_issues", "Customer issues and objectives"
    BUYING_PROCESS = "buying_process", "The customer's buying process"
    COMPETITION = "competition", "Competition"
    OUR_POSITION = "our_position", "Our solution and position"


_ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def _score() -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(null=True, blank=True, validators=_ONE_TO_FIVE)


class ChallengeQuestion(Versioned):
    """One question of the capture-plan challenge, scored by the team and by a reviewer."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="challenge_questions"
    )
    category = models.CharField(max_length=20, choices=ChallengeCategory.choices)
    question = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    team_confidence = _score()
    team_implications = _score()
    team_actions = _score()
    reviewer_confidence = _score()
    reviewer_implications = _score()
    reviewer_actions = _score()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The independent reviewer, not on the account team.",
    )
    note = models.TextField(blank=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["opportunity", "position", "pk"]


class ValueDriver(Versioned):
    """Value quantification: a driver, who owns its metric, and a formula over named inputs."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="value_drivers"
    )
    driver = models.CharField(max_length=200, help_text="e.g. Higher wafer yield")
    metric_owner = models.ForeignKey(
        "buying_center.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_value_metrics",
        help_text="The customer person who owns the metric.",
    )
    formula = models.CharField(
        max_length=500, help_text="e.g. wafers_per_month * 12 * price_per_wafer * yield_gain"
    )
    inputs = models.JSONField(
        default=dict, blank=True, help_text="Named inputs of the formula: {name: number}."
    )
    result = models.DecimalField(
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text="The formula evaluated with the inputs, stored on every save.",
    )
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. EUR per year")

    class Meta(WorkspaceOwned.Meta):
        ordering = ["opportunity", "pk"]


#: An opportunity's tasks are actions: the same statuses (open and done, and the two between).
TaskStatus = ActionStatus


class OpportunityTask(Action):
    """The actions that move one opportunity: its tasks, stored as :class:`Action` rows.

    Not a table of its own (migration 0004 moved the tasks into the action list):
    a view of the actions with an opportunity, under the name the opportunity
    page, its URLs and ``/api/v1/opportunity-tasks/`` have always used. Saving one
    files it under the opportunity's account.
    """

    class Meta:
        proxy = True
        ordering = ["opportunity", "status", "due_date", "pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        opportunity = self.opportunity if self.opportunity_id is not None else None
        if opportunity is not None and not self.customer_id:
            self.customer_id = opportunity.customer_id
        super().save(*args, **kwargs)
