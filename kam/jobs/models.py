"""Background jobs: what runs, how far it got, and how it ended.

A ``Job`` row is the single place where the page, the API and the worker meet:
the service that starts work creates it, the task updates it, and people poll
it. A ``JobTrigger`` row per workspace and kind holds the debouncing state (see
``kam.jobs.debounce``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kam.tenancy.models import WorkspaceOwned


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Finished"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED)


def job_result_path(job: Job, filename: str) -> str:
    # One folder per workspace and job: results are never listed or served
    # directly from storage, only through the permission-checked download view.
    return f"jobs/workspace-{job.workspace_id}/job-{job.pk}/{filename}"


class Job(WorkspaceOwned):
    kind = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True, help_text="Why the job failed, in plain words.")
    result_file = models.FileField(upload_to=job_result_path, blank=True, max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Last time the job was handed to the broker; empty while the broker was
    # unreachable, which is what the periodic re-dispatch looks for.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(WorkspaceOwned.Meta):
        app_label = "kam"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int | None:
        """Whole percent done, or ``None`` while the amount of work is unknown."""
        if self.progress_total <= 0:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)


class JobTrigger(WorkspaceOwned):
    """Debouncing state for one kind of job in one workspace.

    ``active_job`` is the run that is queued or running; ``next_job`` is the one
    follow-up run that collects every trigger arriving while ``active_job`` runs.
    """

    kind = models.CharField(max_length=64)
    active_job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta(WorkspaceOwned.Meta):
        app_label = "kam"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind"], name="jobtrigger_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} trigger (active {self.active_job_id}, next {self.next_job_id})"
