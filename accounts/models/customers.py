"""Customers, the supplier's offerings, and the sales history between them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F

from kam.tenancy.models import Versioned, WorkspaceOwned


class CustomerStatus(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    CANDIDATE = "candidate", "Key-account candidate"
    KEY_ACCOUNT = "key_account", "Key account"
    FORMER_KEY_ACCOUNT = "former_key_account", "Former key account"


class Customer(Versioned):
    external_id = models.CharField(
        max_length=64, help_text="The customer's number in your ERP or CRM."
    )
    name = models.CharField(max_length=200)
    parent_group = models.CharField(max_length=200, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    size_measure = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A volume measure of the customer's size, e.g. employees or sites.",
    )
    status = models.CharField(
        max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.CUSTOMER
    )
    tier = models.PositiveSmallIntegerField(
        default=3, choices=[(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
        help_text="The key account manager responsible for this customer.",
    )
    # Judgement inputs of the six-criteria scorecard (domain.md, "Selecting key accounts").
    strategic_importance = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (none) to 5 (trend setter, innovator, reference customer).",
    )
    strategic_importance_reason = models.TextField(
        blank=True, help_text="Why this customer matters beyond its revenue."
    )
    fit_strategic = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fit_operational = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fit_cultural = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    upv_estimate = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Estimated unrealized potential value, used until the account has an Open Space.",
    )
    upv_open_space = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text="UPV from the account's Open Space matrix (written by planning).",
    )
    # Per-account overrides of the workspace's contractual CLV settings.
    discount_rate_override = models.DecimalField(
        max_digits=6, decimal_places=4, null=True, blank=True
    )
    retention_override = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    horizon_years_override = models.PositiveSmallIntegerField(null=True, blank=True)
    acquisition_cost_override = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True
    )
    # Set in the same transaction as any change to this customer's inputs; the
    # debounced recompute clears it once fresh scores are stored.
    scores_dirty = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"], name="customer_unique_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(
                fields=["workspace"],
                condition=models.Q(scores_dirty=True),
                name="customer_dirty_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Offering(WorkspaceOwned):
    """A supplier product line, grouped by the supplier business unit that sells it."""

    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    business_unit = models.CharField(max_length=100, blank=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["business_unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="offering_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


COST_TO_SERVE_KINDS: dict[str, str] = {
    "cost_presale": "Pre-sale",
    "cost_kam": "Key account management",
    "cost_relationship": "Relationship",
    "cost_admin": "Administration",
    "cost_trade_credit": "Trade credit (late payment)",
    "cost_delivery": "Delivery",
    "cost_service": "Service",
}


class SalesLine(WorkspaceOwned):
    """One invoiced line. Returns and credit notes are negative lines."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sales_lines")
    offering = models.ForeignKey(
        Offering, null=True, blank=True, on_delete=models.PROTECT, related_name="sales_lines"
    )
    date = models.DateField()
    segment = models.CharField(
        max_length=100, blank=True, help_text="The customer's segment: region, site or unit."
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=3, default=0)
    net_sales = models.DecimalField(max_digits=18, decimal_places=2)
    cost_of_goods = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # Cost to serve by kind (direct selling expenses); their sum is stored in
    # `cost_to_serve` by the database so aggregates stay one column wide.
    cost_presale = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost_kam = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost_relationship = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost_admin = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost_trade_credit = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost_delivery = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost_service = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    cost_to_serve = models.GeneratedField(
        expression=F("cost_presale")
        + F("cost_kam")
        + F("cost_relationship")
        + F("cost_admin")
        + F("cost_trade_credit")
        + F("cost_delivery")
        + F("cost_service"),
        output_field=models.DecimalField(max_digits=18, decimal_places=2),
        db_persist=True,
    )
    currency = models.CharField(max_length=3, default="EUR", help_text="ISO 4217 code.")
    source_key = models.CharField(
        max_length=128,
        help_text="Natural key of the imported line, so re-importing a file adds nothing twice.",
    )

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source_key"], name="salesline_unique_source_key"
            )
        ]
        indexes = [models.Index(fields=["workspace", "customer", "date"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.date} {self.net_sales} {self.currency}"


class CustomerYearFigures(WorkspaceOwned):
    """Net sales, costs and contribution margin of one customer in one calendar year.

    Computed from the sales lines by the "customer figures" job
    (``accounts/figures.py`` defines the calculation); never edited by hand.
    Amounts are in the workspace's reporting currency.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="year_figures")
    year = models.PositiveSmallIntegerField()
    net_sales = models.DecimalField(max_digits=18, decimal_places=2)
    cost_of_goods = models.DecimalField(max_digits=18, decimal_places=2)
    cost_to_serve = models.DecimalField(max_digits=18, decimal_places=2)
    contribution_margin = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        help_text="Net sales minus cost of goods minus cost to serve.",
    )
    line_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "-year"]
        verbose_name_plural = "customer year figures"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "customer", "year"], name="customeryearfigures_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.year}: {self.contribution_margin}"
