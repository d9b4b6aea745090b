"""A key account's Open Space: critical success factors and the segment x offering matrix.

Rows are the customer's segments (grouped, e.g. region > business unit), columns
the supplier's offerings (grouped by our business unit) plus co-creation ideas
that are not in the catalog. A cell is *incumbent* when it had sales last year
and *open* otherwise; open cells carry the potential that becomes the account's
unrealized potential value (UPV).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kam.tenancy.models import Versioned, WorkspaceOwned

#: domain.md: two to five CSFs per key account; outside this range we warn.
CSF_RECOMMENDED_RANGE = (2, 5)


class CriticalSuccessFactor(Versioned):
    """Something the customer must get right to win in its own market."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="critical_success_factors"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        "buying_center.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_success_factors",
        help_text="The customer executive who owns this factor.",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "position", "pk"]
        indexes = [models.Index(fields=["workspace", "customer", "position"])]

    def __str__(self) -> str:
        return self.title


class OpenSpace(Versioned):
    """The matrix of one key account (one per customer); its version guards its layout."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="open_spaces"
    )
    notes = models.TextField(blank=True)
    #: Bumped by every change of rows or columns (add, rename, reorder, remove);
    #: cells carry their own versions.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "customer"], name="openspace_unique")
        ]

    def __str__(self) -> str:
        return f"Open Space of {self.customer_id}"


class OpenSpaceSegment(WorkspaceOwned):
    """A row: one of the customer's segments (region, business unit, site)."""

    open_space = models.ForeignKey(OpenSpace, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(max_length=120)
    group = models.CharField(
        max_length=120, blank=True, help_text="The grouping above this row, e.g. the region."
    )
    sales_segment = models.CharField(
        max_length=100,
        blank=True,
        help_text=(
            "The segment as written on sales lines; last year's sales are summed from lines"
            " with this segment. Empty: the row's name."
        ),
    )
    position = models.PositiveIntegerField(default=0)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["open_space", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "open_space", "group", "name"], name="openspacesegment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} > {self.name}" if self.group else self.name

    @property
    def sales_key(self) -> str:
        return self.sales_segment or self.name


class OpenSpaceColumn(WorkspaceOwned):
    """A column: an offering of our catalog, or a co-creation idea not in it."""

    open_space = models.ForeignKey(OpenSpace, on_delete=models.CASCADE, related_name="columns")
    offering = models.ForeignKey(
        "accounts.Offering",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="open_space_columns",
        help_text="Empty for a co-creation column.",
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="Label of a co-creation column (catalog: offering)."
    )
    group = models.CharField(
        max_length=120,
        blank=True,
        help_text="Our business unit above this column (catalog: the offering's).",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["open_space", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "open_space", "offering"],
                condition=models.Q(offering__isnull=False),
                name="openspacecolumn_unique_offering",
            ),
            models.CheckConstraint(
                condition=models.Q(offering__isnull=False) | ~models.Q(name=""),
                name="openspacecolumn_cocreation_named",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_co_creation(self) -> bool:
        return self.offering_id is None

    @property
    def label(self) -> str:
        # With no offering id, ``self.offering`` is None without a query.
        if not self.name and (offering := self.offering) is not None:
            return offering.name
        return self.name


class OpenSpaceCell(Versioned):
    """One segment x offering intersection. Absent row = empty cell."""

    open_space = models.ForeignKey(OpenSpace, on_delete=models.CASCADE, related_name="cells")
    segment = models.ForeignKey(OpenSpaceSegment, on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(OpenSpaceColumn, on_delete=models.CASCADE, related_name="cells")
    entered_sales = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Last year's sales typed in; used only when no sales lines match the cell.",
    )
    potential = models.DecimalField(
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Estimated yearly sales we could add in this cell.",
    )
    success_factor = models.ForeignKey(
        CriticalSuccessFactor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aligned_cells",
        help_text="The customer's CSF this cell serves (CSF alignment).",
    )
    competitor = models.CharField(
        max_length=120,
        blank=True,
        help_text="Competitor holding this cell or favoured in it (competitor advantage).",
    )
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(WorkspaceOwned.Meta):
        ordering = ["open_space", "segment", "column"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "segment", "column"], name="openspacecell_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(potential__isnull=True) | models.Q(potential__gte=0),
                name="openspacecell_potential_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(entered_sales__isnull=True) | models.Q(entered_sales__gte=0),
                name="openspacecell_sales_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} x {self.column_id}"
