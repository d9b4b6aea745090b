"""Key-account selection decisions and the quarterly selection review."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models.customers import Customer, CustomerStatus
from kam.tenancy.models import WorkspaceOwned


class SelectionDecision(WorkspaceOwned):
    """A promote or demote, with its reason; the history of the program's membership."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="selection_decisions"
    )
    from_status = models.CharField(max_length=20, choices=CustomerStatus.choices)
    to_status = models.CharField(max_length=20, choices=CustomerStatus.choices)
    reason = models.TextField()
    warnings = models.JSONField(
        default=list, help_text="Warnings shown and acknowledged when the decision was made."
    )
    score_snapshot = models.JSONField(default=dict, help_text="The scores the decision saw.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["workspace", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_status} -> {self.to_status}"


class SelectionReview(WorkspaceOwned):
    """A quarterly look at the program: what changed since the previous review."""

    period = models.CharField(max_length=20, help_text="The quarter reviewed, e.g. 2026-Q4.")
    held_at = models.DateTimeField(auto_now_add=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    snapshot = models.JSONField(
        default=dict, help_text="Key accounts and their scores when the review was closed."
    )

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-held_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "period"], name="selectionreview_period")
        ]

    def __str__(self) -> str:
        return f"Selection review {self.period}"
