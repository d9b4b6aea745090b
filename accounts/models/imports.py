"""Imports of customers, offerings, sales lines and exchange rates from CSV and XLSX."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kam.tenancy.models import WorkspaceOwned


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    OFFERINGS = "offerings", "Offerings"
    SALES_LINES = "sales_lines", "Sales lines"
    EXCHANGE_RATES = "exchange_rates", "Exchange rates"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    MAPPED = "mapped", "Columns mapped"
    VALIDATED = "validated", "Checked"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"


def import_file_path(instance: ImportBatch, filename: str) -> str:
    return f"workspaces/{instance.workspace_id}/imports/{filename}"


class ImportBatch(WorkspaceOwned):
    """One uploaded file on its way from mapping to preview to an all-or-nothing apply."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    file = models.FileField(upload_to=import_file_path, max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="Our field -> the file's column.")
    options = models.JSONField(default=dict, help_text="Date format, decimal separator, ...")
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="The first errors: line, column, reason.")
    summary = models.JSONField(default=dict, help_text="Rows created, updated and unchanged.")
    job = models.ForeignKey(
        "kam.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta(WorkspaceOwned.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.original_name}"


class ColumnMapping(WorkspaceOwned):
    """The mapping last used for files with these headers, offered again next time."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    header_signature = models.CharField(
        max_length=64, help_text="Hash of the file's normalised header row."
    )
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(WorkspaceOwned.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "header_signature"], name="columnmapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping {self.header_signature[:8]}"
