"""The account plan: one living document per key account, and its action list.

Everything here hangs off the customer (``customer``), like the buying center and
the opportunities, so one lookup rule (``row_or_404(..., customer=customer)``)
finds any row of a plan. :class:`AccountPlan` holds what there is once per plan
(owner, start date, the frozen baseline of the leading indicators); the rest are
rows people add, edit and delete, each carrying a ``version``.

Hand-typed texts (:class:`PlanText`) carry ``confirmed_on``: a text nobody
changed or confirmed for :data:`STALE_AFTER_DAYS` is stale, on the plan, on My
week and in health. Computed parts of the plan are not stored here at all: they
are read live from the pages that hold them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kam.tenancy.models import Versioned, WorkspaceOwned

#: A hand-typed section not changed or confirmed for this many days is stale.
STALE_AFTER_DAYS = 90


class AccountPlan(Versioned):
    """What there is once per key account's plan."""

    # One per customer (the constraint below); a foreign key, not a one-to-one field, so
    # that uniqueness is declared per workspace like every other constraint.
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="plans"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who keeps this plan; by default the account's key account manager.",
    )
    started_on = models.DateField(
        null=True, blank=True, help_text="When the plan started; the metrics' baseline date."
    )
    baseline = models.JSONField(
        default=dict,
        blank=True,
        help_text="The leading indicators as they stood when the plan started, frozen.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "customer"], name="account_plan_once")
        ]

    def __str__(self) -> str:
        return f"Plan of customer {self.customer_id}"


class PlanTopic(models.TextChoices):
    """The hand-typed texts of a plan, by section (the value is also the anchor's tail)."""

    # Customer profile: their environment.
    MARKET = "market", "Market"
    TRENDS = "trends", "Trends"
    COMPETITORS = "competitors", "Competitors"
    # Customer profile: their business.
    STRATEGY = "strategy", "Strategy"
    FINANCIAL = "financial", "Financial situation"
    # Customer profile: the account.
    HISTORY = "history", "History with us"
    BUYING = "buying", "How they buy"
    # Growth strategy: the reasoning behind each of the three directions.
    ENHANCE = "enhance", "Enhance (more of what they buy)"
    EXPAND = "expand", "Expand (offerings they do not buy yet)"
    EXTEND = "extend", "Extend (new departments, sites or uses)"
    # Value proposition.
    VALUE_PROPOSITION = "value_proposition", "Value proposition"


#: The profile's three groups, in page order.
PROFILE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Their environment", (PlanTopic.MARKET, PlanTopic.TRENDS, PlanTopic.COMPETITORS)),
    ("Their business", (PlanTopic.STRATEGY, PlanTopic.FINANCIAL)),
    ("The account", (PlanTopic.HISTORY, PlanTopic.BUYING)),
)
GROWTH_TOPICS: tuple[str, ...] = (PlanTopic.ENHANCE, PlanTopic.EXPAND, PlanTopic.EXTEND)


class PlanText(Versioned):
    """One short hand-typed text of a plan, with the date somebody last vouched for it."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="plan_texts"
    )
    topic = models.CharField(max_length=24, choices=PlanTopic.choices)
    text = models.TextField(blank=True)
    confirmed_on = models.DateField(
        null=True, blank=True, help_text="Last changed or confirmed unchanged."
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "customer", "topic"], name="plan_text_once_per_topic"
            )
        ]

    def __str__(self) -> str:
        return self.get_topic_display()


class SwotKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    WEAKNESS = "weakness", "Weakness"
    OPPORTUNITY = "opportunity", "Opportunity"
    THREAT = "threat", "Threat"


class SwotItem(Versioned):
    """One strength, weakness, opportunity or threat, with what it means for us."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="swot_items"
    )
    kind = models.CharField(max_length=12, choices=SwotKind.choices)
    text = models.CharField(max_length=300)
    implication = models.TextField(
        blank=True, help_text="What it means for our plan: what we do about it."
    )
    suggestion_key = models.CharField(
        max_length=120,
        blank=True,
        help_text="The data suggestion this item was accepted from, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "kind", "pk"]

    def __str__(self) -> str:
        return self.text


class SwotDismissal(WorkspaceOwned):
    """A data suggestion the KAM dismissed: it is not offered again for this account."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="swot_dismissals"
    )
    suggestion_key = models.CharField(max_length=120)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta(WorkspaceOwned.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "customer", "suggestion_key"], name="swot_dismissed_once"
            )
        ]


class Horizon(models.TextChoices):
    SHORT = "short", "Short term (3-6 months)"
    MEDIUM = "medium", "Medium term (6-18 months)"
    LONG = "long", "Long term (beyond 18 months)"


class ObjectiveKind(models.TextChoices):
    # Economic objectives carry a target; volume and margin measure themselves from sales.
    VOLUME = "volume", "Economic: volume"
    PRICE = "price", "Economic: price"
    MARGIN = "margin", "Economic: margin"
    # Socio-political objectives are about people.
    WIN_STAKEHOLDER = "win_stakeholder", "Socio-political: win a stakeholder"
    MOBILISE = "mobilise", "Socio-political: mobilise our people"


ECONOMIC_KINDS: tuple[str, ...] = (ObjectiveKind.VOLUME, ObjectiveKind.PRICE, ObjectiveKind.MARGIN)


class GoalLine(models.TextChoices):
    """The three lines a key account plan's goals follow (domain.md)."""

    GROWTH = "growth", "Growth faster than the rest of the company"
    NEW_OFFERINGS = "new_offerings", "Offerings not sold to the account before"
    INNOVATION = "innovation", "Innovation with the account"


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Objective(Versioned):
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(max_length=300)
    horizon = models.CharField(max_length=8, choices=Horizon.choices, default=Horizon.SHORT)
    kind = models.CharField(max_length=16, choices=ObjectiveKind.choices)
    goal_line = models.CharField(max_length=16, choices=GoalLine.choices, blank=True)
    target = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Economic objectives: the figure to reach (revenue, price or margin %).",
    )
    measured = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The figure reached so far, where it cannot be read from the sales lines.",
    )
    stakeholder = models.ForeignKey(
        "buying_center.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
        help_text="Socio-political objectives: the person to win.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Per cent done, where it is not computed from a target.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "horizon", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


#: Statuses of an action still to be done (an overdue action is one of these past its date).
ACTION_OPEN_STATUSES: tuple[str, ...] = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(Versioned):
    """Something somebody has to do for a key account: the one action list of the product.

    An action may serve an objective, answer a SWOT item, move an opportunity, or
    concern a stakeholder or one of their concerns; all links are optional and
    all point into the same account.
    """

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kam_actions",
    )
    milestone = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(null=True, blank=True)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    swot_item = models.ForeignKey(
        SwotItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    opportunity = models.ForeignKey(
        "planning.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    stakeholder = models.ForeignKey(
        "buying_center.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    concern = models.ForeignKey(
        "planning.StakeholderNeed",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "due_date", "pk"]
        indexes = [
            models.Index(fields=["workspace", "customer", "status"]),
            models.Index(fields=["workspace", "owner", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title


class SatisfactionEntry(Versioned):
    """Customer satisfaction as measured or heard, with the date it was."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="satisfaction_entries"
    )
    measured_on = models.DateField()
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="0 (very dissatisfied) to 10 (very satisfied).",
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="e.g. Annual survey, review meeting"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "-measured_on", "-pk"]


class HealthRating(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    UNKNOWN = "unknown", "Unknown"


class AccountHealth(Versioned):
    """The current health of one key account: computed, and perhaps overridden by hand.

    The computation writes only the ``computed_*`` columns; the override columns are
    written only by a person, so the next computation never wipes an override out.
    ``rating`` is what everybody sees: the override while it has not expired.
    """

    # One per customer (the constraint below), like AccountPlan.
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="health_rows"
    )
    computed_rating = models.CharField(
        max_length=8, choices=HealthRating.choices, default=HealthRating.UNKNOWN
    )
    computed_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="[{code, label, weight, evidence, as_of, unknown}] as computed.",
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    override_rating = models.CharField(max_length=8, choices=HealthRating.choices, blank=True)
    override_reason = models.TextField(blank=True)
    override_until = models.DateField(null=True, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "customer"], name="account_health_once")
        ]


class HealthRecord(WorkspaceOwned):
    """One computed health of one account at one time: the history a trend is drawn from."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="health_records"
    )
    at = models.DateTimeField()
    rating = models.CharField(max_length=8, choices=HealthRating.choices)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "-at"]
        indexes = [models.Index(fields=["workspace", "customer", "at"])]


class HealthSettings(Versioned):
    """A workspace's weights for the health signals; empty means the defaults."""

    weights = models.JSONField(
        default=dict, blank=True, help_text="{signal code: weight}; missing codes use defaults."
    )
    amber_at = models.DecimalField(max_digits=7, decimal_places=2, default=3)
    red_at = models.DecimalField(max_digits=7, decimal_places=2, default=6)

    class Meta(WorkspaceOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["workspace"], name="health_settings_once")]
