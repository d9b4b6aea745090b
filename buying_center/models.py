"""The customer's side of a key account: stakeholders of the buying center."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kam.tenancy.models import Versioned, WorkspaceOwned


class BuyingRole(models.TextChoices):
    GATEKEEPER = "gatekeeper", "Gatekeeper"
    BUYER = "buyer", "Buyer"
    USER = "user", "User"
    INFLUENCER = "influencer", "Influencer"
    ADVISOR = "advisor", "Advisor"
    FACILITATOR = "facilitator", "Facilitator"
    DECIDER = "decider", "Decider"


class PromoterType(models.TextChoices):
    INFORMATION_PROVIDER = "information_provider", "Information provider"
    GOOD_BUDDY = "good_buddy", "Good buddy"
    INNER_SALESPERSON = "inner_salesperson", "Inner salesperson"


class Zone(models.TextChoices):
    POWER = "power", "Power"
    THREAT = "threat", "Threat"
    RECEPTIVENESS = "receptiveness", "Receptiveness"


class Attitude(models.TextChoices):
    CHAMPION = "champion", "Champion"
    SUPPORTIVE = "supportive", "Supportive"
    NEUTRAL = "neutral", "Neutral"
    SKEPTICAL = "skeptical", "Skeptical"
    OPPOSED = "opposed", "Opposed"


class MeetingFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"
    RARELY = "rarely", "Rarely"


#: The five-step relationship scale, stored as -2..2.
RELATIONSHIP_SCORES: dict[int, str] = {-2: "--", -1: "-", 0: "0", 1: "+", 2: "++"}

#: An assessment older than this is stale (domain.md: six months).
STALE_AFTER_DAYS = 183


class Stakeholder(Versioned):
    """A person in the key account's buying center."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    function = models.CharField(max_length=120, blank=True, help_text="e.g. Procurement")
    site = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    roles = models.JSONField(
        default=list, help_text="One or more buying roles: " + ", ".join(BuyingRole.values)
    )
    dominant_advisor = models.BooleanField(default=False)
    opponent_influencer = models.BooleanField(
        default=False, help_text="Works against our proposal (anti-sponsor)."
    )
    promoter_type = models.CharField(max_length=24, choices=PromoterType.choices, blank=True)
    zone = models.CharField(max_length=16, choices=Zone.choices, blank=True)
    attitude = models.CharField(max_length=12, choices=Attitude.choices, blank=True)
    relationship_score = models.SmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
        help_text="From -2 (--) to +2 (++).",
    )
    meeting_frequency = models.CharField(
        max_length=12, choices=MeetingFrequency.choices, blank=True
    )
    # Referenced by name, not imported: the owner rule and the choices reach the buying
    # center through its seam, buying_center.owners (docs/architecture.md).
    owner = models.ForeignKey(
        "selling_center.SellingCenterMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_stakeholders",
        help_text="Who on our side owns this relationship.",
    )
    personal_goals = models.TextField(blank=True)
    needs = models.TextField(blank=True)
    constraints_text = models.TextField("constraints", blank=True)
    how_we_help = models.TextField(blank=True)
    assessed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the scores were last assessed."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "name"]
        indexes = [models.Index(fields=["workspace", "customer"])]

    def __str__(self) -> str:
        return self.name


class StakeholderChange(WorkspaceOwned):
    """A dated, attributed change of one assessed attribute, so trends can be shown."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["workspace", "stakeholder", "field"])]

    def __str__(self) -> str:
        return f"{self.stakeholder_id}.{self.field}: {self.old_value} -> {self.new_value}"


class InfluenceLink(WorkspaceOwned):
    """``source`` influences ``target`` with a strength from 1 (weak) to 3 (strong)."""

    source = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="influences")
    target = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="influenced_by")
    strength = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta(WorkspaceOwned.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "target"], name="influencelink_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="influencelink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"


class RoleGroup(models.TextChoices):
    BUYERS = "buyers", "Buyers"
    USERS = "users", "Users"
    DECIDERS = "deciders", "Deciders"
    PROMOTERS = "promoters", "Promoters"


class AnalysisGrid(Versioned):
    """What a role group worries about, risks and expects, with our assessment and actions."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="analysis_grids"
    )
    role_group = models.CharField(max_length=12, choices=RoleGroup.choices)
    preoccupations_tangible = models.TextField(blank=True)
    preoccupations_intangible = models.TextField(blank=True)
    consequences_tangible = models.TextField(blank=True)
    consequences_intangible = models.TextField(blank=True)
    expectations_current = models.TextField(blank=True)
    expectations_possible = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "role_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "customer", "role_group"], name="analysisgrid_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.role_group}"
