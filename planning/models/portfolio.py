"""The executive's portfolio: judged factors of the Fiocca matrix, and commitment decisions.

A :class:`PortfolioFactor` is one judgement (1 to 5, with its reason and date) of
one factor of one account; the matrix reads the mean of the importance factors
and of the difficulty factors. Volume and potential are prefilled from the
computed scores where nobody judged them, so those are not stored here.

A :class:`PortfolioDecision` is append-only: each confirmation or override is a
new row, the latest one of an account is its current decision, and the rows
before it are its history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kam.tenancy.models import Versioned, WorkspaceOwned

#: A factor nobody changed or judged again for this many days is stale (six months).
FACTOR_STALE_AFTER_DAYS = 183


class FactorCode(models.TextChoices):
    # Strategic importance
    VOLUME = "volume", "Volume"
    POTENTIAL = "potential", "Potential"
    PRESTIGE = "prestige", "Prestige"
    MARKET_LEADERSHIP = "market_leadership", "Market leadership"
    DESIRABILITY = "desirability", "Desirability"
    # Difficulty of managing the account
    OFFERING_NOVELTY = "offering_novelty", "Novelty of the offering"
    OFFERING_COMPLEXITY = "offering_complexity", "Complexity of the offering"
    ACCOUNT_NEEDS = "account_needs", "Account's needs"
    BUYING_BEHAVIOUR = "buying_behaviour", "Buying behaviour"
    POWER = "power", "Account's power"
    COMPETENCE = "competence", "Account's competence"
    MANY_SUPPLIERS = "many_suppliers", "Wish for many suppliers"
    COMPETITOR_NUMBER = "competitor_number", "Number of competitors"
    COMPETITOR_STRENGTH = "competitor_strength", "Competitors' strength"
    COMPETITOR_POSITION = "competitor_position", "Competitors' position"


class Commitment(models.TextChoices):
    MAINTAIN = "maintain", "Maintain"
    INCREASE = "increase", "Increase"
    REDUCE = "reduce", "Reduce"
    CEASE = "cease", "Cease"


class PortfolioFactor(Versioned):
    """One judged factor of one account: a score from 1 to 5, why, and when."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="portfolio_factors"
    )
    code = models.CharField(max_length=24, choices=FactorCode.choices)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (low) to 5 (high).",
    )
    reason = models.TextField(help_text="Why this score: what you saw or were told.")
    judged_on = models.DateField()
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "customer", "code"], name="portfoliofactor_one_per_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.score}/5"


class PortfolioDecision(WorkspaceOwned):
    """An executive's decision on the commitment to one account (append-only)."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="portfolio_decisions"
    )
    recommendation = models.CharField(
        max_length=10, choices=Commitment.choices, help_text="What the matrices recommended."
    )
    decision = models.CharField(max_length=10, choices=Commitment.choices)
    reason = models.TextField(blank=True, help_text="Why; required when overriding.")
    basis = models.JSONField(
        default=dict, blank=True, help_text="The positions the recommendation came from."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField()

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "-decided_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "customer", "-decided_at"])]

    @property
    def overridden(self) -> bool:
        return self.decision != self.recommendation

    def __str__(self) -> str:
        return f"{self.get_decision_display()} (recommended {self.recommendation})"
