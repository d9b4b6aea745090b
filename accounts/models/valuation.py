"""Currencies, valuation settings and the stored scores of every customer."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models.customers import Customer
from kam.tenancy.models import Versioned, WorkspaceOwned


class ExchangeRate(WorkspaceOwned):
    """How many units of the reporting currency one unit of ``currency`` was worth.

    A rate holds from its date until the next rate of the same currency, so an
    amount is converted with the latest rate dated on or before the amount.
    """

    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. USD.")
    valid_from = models.DateField()
    rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text="Reporting-currency units for one unit of this currency.",
    )

    class Meta(WorkspaceOwned.Meta):
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "currency", "valid_from"], name="exchangerate_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} from {self.valid_from}"


class ValuationSettings(Versioned):
    """One row per workspace: CLV parameters, quadrant thresholds, scorecard weights."""

    discount_rate = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Yearly rate future margins are discounted at (0.10 = 10 %).",
    )
    retention = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.85"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Probability that a customer stays another year (0 to 1).",
    )
    horizon_years = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many years of future margin the CLV counts.",
    )
    acquisition_cost = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Cost of winning a customer, subtracted from its CLV.",
    )
    loyalty_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.75"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Share of recent periods with purchases from which a customer counts as loyal.",
    )
    profitability_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text="Contribution margin share of sales from which a customer counts as profitable.",
    )
    weight_size = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
    weight_strategic_importance = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1")
    )
    weight_clv = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
    weight_upv = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
    weight_account_fit = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
    weight_relationship = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("1"))
    max_key_accounts = models.PositiveSmallIntegerField(
        default=25, help_text="Warn when the program grows beyond this many key accounts."
    )
    max_accounts_per_kam = models.PositiveSmallIntegerField(
        default=5, help_text="Warn when a key account manager would hold more accounts."
    )
    data_as_of = models.DateField(
        null=True,
        blank=True,
        help_text="The day the sales data is complete up to, set by an admin; empty: the day "
        "of the latest sales line.",
    )
    # Kept by the imports and the recompute, not typed by anyone: no version bump.
    latest_sales_date = models.DateField(
        null=True, blank=True, help_text="The day of the latest sales line, as last seen."
    )
    model_fit = models.JSONField(
        default=dict,
        blank=True,
        help_text="The last recompute's purchase-model fit (BG/NBD, Gamma-Gamma): parameters, "
        "standard errors, log-likelihood, warnings.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        verbose_name_plural = "valuation settings"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"], name="valuationsettings_one_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return f"Valuation settings of workspace {self.workspace_id}"


class Quadrant(models.TextChoices):
    FRIEND = "friend", "Friend"
    BUTTERFLY = "butterfly", "Butterfly"
    STRANGER = "stranger", "Stranger"
    VULTURE = "vulture", "Vulture"


class CustomerScore(WorkspaceOwned):
    """The latest computed numbers of one customer, with when and from what.

    Written only by the recompute job; pages compare ``computed_at`` with the
    customer's ``scores_dirty`` flag to show a score's age or "recomputing".
    Amounts are in ``currency`` (the reporting currency when computed).
    """

    # A foreign key with a (workspace, customer) unique constraint rather than a
    # one-to-one field: uniqueness must include the workspace (Citus-ready).
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="scores")
    currency = models.CharField(max_length=3)
    revenue_3y = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    margin_3y = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    margin_share = models.FloatField(null=True, blank=True)
    clv_contractual = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    clv_transactional = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    probability_alive = models.FloatField(null=True, blank=True)
    upv = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    upv_source = models.CharField(max_length=20, blank=True)
    size_percentile = models.FloatField(null=True, blank=True)
    loyalty = models.FloatField(null=True, blank=True)
    quadrant = models.CharField(max_length=12, choices=Quadrant.choices, blank=True)
    composite = models.FloatField(null=True, blank=True)
    revenue_rank = models.PositiveIntegerField(null=True, blank=True)
    criteria = models.JSONField(default=dict, help_text="Per-criterion value and contribution.")
    inputs = models.JSONField(default=dict, help_text="Settings and data the score came from.")
    computed_at = models.DateTimeField()

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-composite"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "customer"], name="customerscore_unique")
        ]
        indexes = [models.Index(fields=["workspace", "revenue_rank"])]

    def __str__(self) -> str:
        return f"Score of customer {self.customer_id}"
