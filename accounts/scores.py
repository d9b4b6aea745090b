"""The "scores" recompute and the freshness of the stored scores.

``scores_recompute`` is the work of the debounced "scores" job (see
``accounts.dirty`` for how edits ask for it, ``accounts.tasks`` for the task):

1. read every customer's inputs and sales lines and the exchange rates in a
   fixed number of queries (``accounts.score_inputs``), in one transaction so
   they are one consistent picture;
2. compute all scores at once in numpy (``accounts.score_table``);
3. store them in chunks (``accounts.score_store``), each chunk its own short
   transaction with job progress after it: upsert the ``CustomerScore`` rows,
   replace the yearly ``CustomerYearFigures``, clear ``scores_dirty`` where
   nothing moved. On PostgreSQL a chunk is one binary COPY per table into a
   temporary table and one set-based statement each; elsewhere ``bulk_create``.

The race on ``scores_dirty``: an edit can commit while the run is between
reading the inputs (step 1) and storing (step 3). Clearing every flag in the
chunk would then mark a score computed from old inputs as fresh. So step 1
remembers each customer's ``updated_at`` (every ``mark_customers_dirty`` moves
it, even for a customer already dirty), and step 3 clears the flag only where
``updated_at`` is still the remembered value, under a row lock (one
``UPDATE ... WHERE updated_at = remembered`` on PostgreSQL, which re-checks a
row a concurrent edit changed; ``select_for_update`` then a compare
elsewhere). An edit committed before the lock has moved it: the flag stays.
An edit that commits after our chunk commits sets the flag again itself.
Either way its on-commit request found this run running and queued the one
follow-up run (``kam.jobs.debounce``), which scores it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from accounts.currency import EPOCH, load_rate_table
from accounts.data_as_of import latest_sales_date_store
from accounts.job_kinds import SCORES
from accounts.models import Customer, CustomerScore, ValuationSettings
from accounts.score_inputs import load_customers, load_sales_lines
from accounts.score_store import RunFacts, store_chunk
from accounts.score_table import ScoreSettings, compute_scores
from accounts.scoring.scorecard import ScoreWeights
from accounts.signals import scores_stored
from kam.jobs.models import ACTIVE_STATUSES, Job, JobStatus
from kam.jobs.runner import JobOutcome
from kam.jobs.services import job_progress
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace

#: Customers per stored chunk (one transaction and one progress report each).
CHUNK_SIZE = 10_000


def score_settings(settings: ValuationSettings) -> ScoreSettings:
    return ScoreSettings(
        discount_rate=float(settings.discount_rate),
        retention=float(settings.retention),
        horizon_years=int(settings.horizon_years),
        acquisition_cost=float(settings.acquisition_cost),
        loyalty_threshold=float(settings.loyalty_threshold),
        profitability_threshold=float(settings.profitability_threshold),
        weights=ScoreWeights(
            size=float(settings.weight_size),
            strategic_importance=float(settings.weight_strategic_importance),
            clv=float(settings.weight_clv),
            upv=float(settings.weight_upv),
            account_fit=float(settings.weight_account_fit),
            relationship=float(settings.weight_relationship),
        ),
    )


def _current_settings() -> ValuationSettings:
    # The unsaved default row when the workspace never changed its settings:
    # reading must not write (the settings service creates the row).
    return ValuationSettings.objects.first() or ValuationSettings()


def scores_recompute(
    *, workspace_id: int, job: Job | None = None, chunk_size: int = CHUNK_SIZE
) -> JobOutcome:
    """Recompute and store every customer's scores in the current workspace."""

    def progress(done: int, total: int | None = None, message: str | None = None) -> None:
        if job is not None:
            job_progress(workspace=workspace_id, job=job, done=done, total=total, message=message)

    progress(0, message="Reading customers and sales lines.")
    with workspace_atomic():
        currency = Workspace.objects.values_list("reporting_currency", flat=True).get(
            pk=workspace_id
        )
        settings_row = _current_settings()
        settings = score_settings(settings_row)
        customers = load_customers()
        rates = load_rate_table(reporting_currency=currency)
        lines = load_sales_lines()
    latest = EPOCH + datetime.timedelta(days=int(lines.day.max())) if lines.count else None
    # Figures end on the data's own day (accounts.data_as_of), not today.
    as_of = settings_row.data_as_of or latest or timezone.localdate()
    total = customers.count
    line_count = lines.count
    progress(0, total, f"Computing scores from {line_count:,} sales lines.")
    table = compute_scores(customers, lines, rates, settings=settings, as_of=as_of)
    del lines  # already emptied by compute_scores
    run = RunFacts(
        currency=currency,
        computed_at=timezone.now(),
        inputs={
            "currency": currency,
            "as_of": as_of.isoformat(),
            "as_of_source": "admin" if settings_row.data_as_of else "latest_line",
            "window": {"from": table.window_start.isoformat(), "to": as_of.isoformat()},
            "settings": settings.as_dict(),
            "settings_version": settings_row.version if settings_row.pk else None,
            "transactional": table.transactional_note,
        },
    )
    cleared = 0
    for start in range(0, total, chunk_size):
        stop = min(start + chunk_size, total)
        with workspace_atomic():
            cleared += store_chunk(table, customers.ids, customers.updated_at, start, stop, run=run)
        progress(stop, message=f"{stop:,} of {total:,} customers scored.")
    with workspace_atomic():
        latest_sales_date_store(
            workspace_id=workspace_id,
            latest=latest,
            model_fit={
                **table.model_fit,
                "computed_at": run.computed_at.isoformat(),
                "currency": currency,
            },
        )
    scores_stored.send(sender=scores_recompute, workspace_id=workspace_id)
    message = f"Scores computed for {total:,} customers from {line_count:,} sales lines."
    if table.missing.lines:
        message += " " + table.missing.sentence(currency)
    return JobOutcome(message=message)


def score_freshness(*, workspace: Workspace) -> dict[str, Any]:
    """What the pages say about the scores: how old, and whether a recompute is due or running.

    ``dirty``: customers whose inputs changed since their score was computed
    (show "recomputing", never their old number as if fresh); ``running_job``:
    the queued or running "scores" job, if any; ``failed_job``: the last "scores"
    job when it failed and none runs for the dirty customers since (the page
    says so instead of "recomputing"); ``last_computed_at``: when the
    newest score was stored (``None`` before the first run).
    """
    dirty = Customer.objects.filter(workspace=workspace, scores_dirty=True).count()
    scores_jobs = Job.objects.filter(workspace=workspace, kind=SCORES.name)
    running = scores_jobs.filter(status__in=ACTIVE_STATUSES).order_by("created_at", "pk").first()
    failed = None
    if dirty and running is None:
        # Nothing is running for the dirty customers: if the last run failed,
        # say so, rather than "recomputing" until the next change.
        latest = scores_jobs.order_by("-created_at", "-pk").first()
        failed = latest if latest is not None and latest.status == JobStatus.FAILED else None
    last = CustomerScore.objects.filter(workspace=workspace).aggregate(last=Max("computed_at"))[
        "last"
    ]
    return {
        "dirty_count": dirty,
        "running_job": running,
        "failed_job": failed,
        "last_computed_at": last,
    }
