"""The "import" job: apply one checked file in ONE transaction, reporting progress.

(The "import_check" job, at the end, checks a large file in the background.)

All or nothing: every row of the file is written in a single transaction, with
the dirty marks for the scores recompute. Any failure rolls all of it back; the
batch is then marked failed in a transaction of its own.

Progress while that one transaction is open: a job row updated inside it would
stay invisible until the end, so on PostgreSQL each progress report is written
by a short helper thread on its own connection (committed at once). SQLite
allows one writer at a time, so there the bar jumps from start to end; files
imported on the embedded database are small.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.db import connection, connections

from accounts.dirty import mark_customers_dirty, sales_inputs_changed
from accounts.imports.apply import apply_staged
from accounts.imports.reading import FileFormat, estimated_rows
from accounts.imports.rekey import rekeyed_lines_replace
from accounts.imports.services import import_batch_finish, import_batch_run_check, work_files
from accounts.imports.staged import DataChanged, Progress
from accounts.imports.validation import MappingProblem
from accounts.models import ImportBatch, ImportKind, ImportStatus
from kam.changelog.models import ChangeAction
from kam.changelog.services import change_log_record
from kam.jobs.models import Job
from kam.jobs.runner import JobFailure, JobOutcome
from kam.jobs.services import job_progress
from kam.tenancy.context import workspace_context
from kam.tenancy.tasks import workspace_atomic

PROGRESS_EVERY_SECONDS = 1.0

#: Imports that change sales inputs (what the UPV and figures are computed from).
SALES_INPUT_KINDS = frozenset({ImportKind.SALES_LINES, ImportKind.EXCHANGE_RATES})


def _progress_reporter(
    workspace_id: int, job: Job, total: int, *, what: str = "rows written"
) -> Progress:
    if connection.vendor != "postgresql":
        return lambda done: None
    last = 0.0

    def write(done: int) -> None:
        # An estimate can be short (a last line without a line break): never "101 of 100".
        whole = max(total, done)
        try:
            with workspace_context(workspace_id):
                job_progress(
                    workspace=workspace_id,
                    job=job,
                    done=done,
                    total=whole,
                    message=f"{done:,} of {whole:,} {what}.",
                )
        finally:
            connections.close_all()  # this thread's own connection

    def report(done: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_EVERY_SECONDS:
            return
        last = now
        thread = threading.Thread(target=write, args=(done,), daemon=True)
        thread.start()
        thread.join(timeout=10)

    return report


def import_apply_run(
    *, workspace_id: int, job: Job, progress: Progress | None = None
) -> JobOutcome:
    """Apply the batch of ``job``; ``progress`` (default: the job's progress bar) hears how far.

    An exception raised from ``progress`` fails the import like any other: all
    of it is rolled back.
    """
    with workspace_atomic():
        batch = ImportBatch.objects.select_related("workspace").get(job_id=job.pk)
    total = int(batch.summary.get("check", {}).get("valid", 0))
    job_progress(workspace=workspace_id, job=job, done=0, total=total, message="Applying.")
    if progress is None:
        progress = _progress_reporter(workspace_id, job, total)
    try:
        with workspace_atomic():
            if batch.options.get("replace_keys"):
                rekeyed_lines_replace(work=work_files(batch))
            result = apply_staged(
                workspace=batch.workspace,
                kind=batch.kind,
                staged=work_files(batch).staged,
                mapped=set(batch.mapping),
                progress=progress,
            )
            changed = None if result.all_customers else result.customer_ids
            if batch.kind in SALES_INPUT_KINDS:
                sales_inputs_changed(workspace=workspace_id, customer_ids=changed)
            elif changed is None or changed:
                mark_customers_dirty(workspace=workspace_id, customer_ids=changed)
            # One change-log entry for the whole batch, in the apply's transaction.
            single = list(result.customer_ids) if len(result.customer_ids) == 1 else [None]
            change_log_record(
                workspace=workspace_id,
                obj=batch,
                action=ChangeAction.IMPORTED,
                account_id=None if result.all_customers else single[0],
                summary=f"imported {batch.original_name} ({batch.get_kind_display().lower()}):"
                f" {result.created:,} new, {result.updated:,} changed,"
                f" {result.unchanged:,} unchanged",
            )
    except DataChanged as error:
        with workspace_atomic():
            import_batch_finish(batch=batch, status=ImportStatus.FAILED, error=str(error))
        raise JobFailure(f"{error} Nothing was applied. Check the file again.") from error
    except Exception:
        with workspace_atomic():
            import_batch_finish(
                batch=batch,
                status=ImportStatus.FAILED,
                error="The import failed; nothing was applied.",
            )
        raise
    with workspace_atomic():
        import_batch_finish(batch=batch, status=ImportStatus.APPLIED, applied=result.as_dict())
    return JobOutcome(
        message=f"Imported {batch.original_name}: {result.created:,} new,"
        f" {result.updated:,} changed, {result.unchanged:,} unchanged."
    )


def import_check_run(*, workspace_id: int, job: Job) -> JobOutcome:
    """Check a large file in the background; problems with the mapping go back to its page."""
    with workspace_atomic():
        batch = ImportBatch.objects.select_related("workspace", "job").get(job_id=job.pk)
    if batch.status != ImportStatus.MAPPED:
        return JobOutcome(message="Nothing to check: the file was checked already.")
    # Data rows: the estimate counts the header row too (a line break, or the sheet's row 1).
    lines = estimated_rows(Path(batch.file.path), FileFormat.from_options(batch.options))
    total = max(lines - 1, 1)
    job_progress(workspace=workspace_id, job=job, done=0, total=total, message="Checking.")
    report = _progress_reporter(workspace_id, job, total, what="rows checked")
    try:
        with workspace_atomic():
            result = import_batch_run_check(workspace=batch.workspace, batch=batch, progress=report)
    except MappingProblem as problem:
        with workspace_atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.MAPPED, summary={**batch.summary, "problems": problem.errors}
            )
        raise JobFailure(
            "The file could not be checked with this mapping: " + " ".join(problem.errors.values())
        ) from problem
    return JobOutcome(
        message=f"Checked {result.rows:,} rows: {result.valid:,} ready, {result.errors:,} with"
        " problems."
    )
