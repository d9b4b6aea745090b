"""Customers and their sales history.

The selection and scoring issue extends these with offerings' business units,
exchange rates, scores and selection history; the foundation needs customers,
offerings and sales lines for the demo workspace and the isolation tests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kam.tenancy.models import WorkspaceOwned


class CustomerStatus(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    CANDIDATE = "candidate", "Key-account candidate"
    KEY_ACCOUNT = "key_account", "Key account"
    FORMER_KEY_ACCOUNT = "former_key_account", "Former key account"


class Customer(WorkspaceOwned):
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
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"], name="customer_unique_external_id"
            )
        ]
        indexes = [models.Index(fields=["workspace", "status"])]

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
    cost_to_serve = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        default=0,
        help_text="Direct selling expenses: pre-sale, KAM, relationship, admin, credit, delivery.",
    )
    currency = models.CharField(max_length=3, default="EUR")
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
