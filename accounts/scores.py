"""The "scores" recompute (work in progress: figures only for now)."""

from __future__ import annotations

from accounts.customer_figures import customer_figures_recompute
from kam.jobs.models import Job
from kam.jobs.runner import JobOutcome


def scores_recompute(*, workspace_id: int, job: Job) -> JobOutcome:
    return customer_figures_recompute(workspace_id=workspace_id, job=job)
