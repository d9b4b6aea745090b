"""Review meetings of an account plan, who attends them, and the snapshot each one froze.

A :class:`Review` is one meeting on a key account: the management review a week
or so after the planning session, the 60-day and 90-day reviews, the quarterly
selection review or an executive-to-executive meeting. Starting it freezes the
plan's state into a :class:`ReviewSnapshot`, once: the snapshot is the record of
what the room saw, so nothing ever changes it (its ``save`` refuses an existing
row). Closing the review stamps who closed it and locks it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kam.tenancy.models import Versioned, WorkspaceOwned


class ReviewKind(models.TextChoices):
    MANAGEMENT = "management", "Management review"
    DAY_60 = "day_60", "60-day review"
    DAY_90 = "day_90", "90-day review"
    QUARTERLY_SELECTION = "quarterly_selection", "Quarterly selection review"
    EXECUTIVE = "executive", "Executive-to-executive meeting"


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Review(Versioned):
    """One review meeting on a key account."""

    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(max_length=24, choices=ReviewKind.choices)
    scheduled_on = models.DateField(help_text="The day the meeting is planned for.")
    held_on = models.DateField(null=True, blank=True, help_text="The day it took place.")
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED
    )
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True, help_text="What was said and decided.")
    started_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["customer", "scheduled_on", "pk"]
        indexes = [models.Index(fields=["workspace", "customer", "status", "scheduled_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.scheduled_on.isoformat()}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class ReviewAttendee(WorkspaceOwned):
    """One person at a review: one of our people (``user``) or a customer's stakeholder."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    stakeholder = models.ForeignKey(
        "buying_center.Stakeholder",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_attendances",
    )

    class Meta(WorkspaceOwned.Meta):
        ordering = ["review", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, stakeholder__isnull=True)
                    | models.Q(user__isnull=True, stakeholder__isnull=False)
                ),
                name="review_attendee_one_side",
            ),
            models.UniqueConstraint(
                fields=["workspace", "review", "user"], name="review_attendee_user_once"
            ),
            models.UniqueConstraint(
                fields=["workspace", "review", "stakeholder"],
                name="review_attendee_stakeholder_once",
            ),
        ]


class SnapshotImmutable(ValueError):
    """A saved snapshot was about to change."""


class ReviewSnapshot(WorkspaceOwned):
    """The plan's state as it stood when a review started: frozen, hashed, never edited."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="snapshots")
    schema_version = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField()
    content_hash = models.CharField(max_length=64, help_text="sha256 of the canonical JSON.")

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "review"], name="review_snapshot_once")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A snapshot is the record of what a meeting saw: written once, never changed.
        if self.pk is not None or not self._state.adding:
            raise SnapshotImmutable("A review's snapshot is frozen; it is never changed.")
        super().save(*args, **kwargs)
