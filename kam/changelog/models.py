"""One change-log entry: who changed which object of which key account, and how."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from kam.tenancy.models import WorkspaceOwned


class ChangeAction(models.TextChoices):
    """What happened. The three generic verbs, plus domain verbs worth filtering on."""

    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    MOVED = "moved", "Moved"
    PASTED = "pasted", "Pasted"
    IMPORTED = "imported", "Imported"
    PROMOTED = "promoted", "Promoted"
    DEMOTED = "demoted", "Demoted"
    DECIDED = "decided", "Decided"
    CONFIRMED = "confirmed", "Confirmed"


class ChangeLogEntry(WorkspaceOwned):
    """A change as a person reads it; written in the transaction of the change.

    Entries are never edited or deleted by the application (there is no service
    that does), and they survive the object they describe: the object is named
    by content type and id, not by a foreign key, and its label, the acting
    person's name and the account are copied in as they were at the time.

    ``account_id`` is the key account (customer) the object belongs to, an
    integer without a foreign key on purpose: the foundation stays free of the
    ``accounts`` app, and an account's timeline still reads after the account,
    or the object, was deleted. A generic relation would add a second content
    type for a column that only ever names customers.
    """

    at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    actor_name = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The person's name at the time."
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", editable=False
    )
    object_id = models.PositiveBigIntegerField(editable=False)
    object_label = models.CharField(
        max_length=300, editable=False, help_text="The object's name at the time."
    )
    account_id = models.BigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The key account (customer id) the object belongs to; empty for workspace-wide"
        " objects such as valuation settings.",
    )
    action = models.CharField(max_length=20, choices=ChangeAction.choices, editable=False)
    changes = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text='Changed fields: [{"field", "label", "from", "to"}], values as people read them.',
    )
    sentence = models.CharField(max_length=1000, editable=False)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = "change-log entry"
        verbose_name_plural = "change-log entries"
        indexes = [
            models.Index(
                fields=["workspace", "account_id", "-at"], name="changelog_account_timeline"
            ),
            models.Index(
                fields=["workspace", "content_type", "object_id", "-at"],
                name="changelog_object_history",
            ),
        ]

    def __str__(self) -> str:
        return self.sentence
