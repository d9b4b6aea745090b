"""The "customer figures" job: per customer and year, sales, costs and margin.

Since the "scores" job (``accounts.scores``) exists, edits no longer request
this one: ``mark_customers_dirty`` asks for a single debounced "scores" run,
which stores the yearly figures too (converted to the reporting currency with
dated exchange rates), so one change starts one job kind, not two.

What stays here: the job people start by hand from the page to get the
figures as a CSV download (``customer_figures_recompute`` recomputes them in
chunks from the database and attaches ``figures_csv``), and
``customer_figures_request`` for code that wants exactly that job after a commit.
This job still leaves out lines in other currencies than the reporting one and
says so in its message; the "scores" job converts them."""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from collections.abc import Iterator

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.figures import SaleAmounts, customer_year_figures
from accounts.job_kinds import CUSTOMER_FIGURES
from accounts.models import Customer, CustomerYearFigures, SalesLine
from kam.jobs.debounce import request_run
from kam.jobs.models import Job
from kam.jobs.runner import JobOutcome
from kam.jobs.services import job_progress
from kam.spreadsheets import spreadsheet_safe
from kam.tenancy.context import require_workspace_id
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace

#: Customers per transaction: small enough that progress moves every second or
#: so on a large workspace, large enough that the per-chunk overhead is noise.
CHUNK_SIZE = 500


def customer_figures_request(*, workspace: Workspace, requested_by: User | None = None) -> None:
    """Ask for a "customer figures" run of ``workspace`` once this transaction commits.

    Cheap to call on every write: the debouncer turns any number of calls into
    at most one run now and one after it.
    """
    transaction.on_commit(
        functools.partial(
            request_run, workspace.pk, CUSTOMER_FIGURES.name, requested_by=requested_by
        ),
        robust=True,
    )


def _chunk_amounts(customer_ids: list[int]) -> Iterator[SaleAmounts]:
    # Summed in the database per customer, year and currency; the pure
    # function then adds the sums exactly as it would add single lines.
    rows = (
        SalesLine.objects.filter(customer_id__in=customer_ids)
        .annotate(year=ExtractYear("date"))
        .values("customer_id", "year", "currency")
        .annotate(
            net_sales_sum=Sum("net_sales"),
            cost_of_goods_sum=Sum("cost_of_goods"),
            cost_to_serve_sum=Sum("cost_to_serve"),
            lines=Count("pk"),
        )
        .order_by()
    )
    for row in rows:
        yield SaleAmounts(
            customer_id=row["customer_id"],
            year=row["year"],
            net_sales=row["net_sales_sum"],
            cost_of_goods=row["cost_of_goods_sum"],
            cost_to_serve=row["cost_to_serve_sum"],
            currency=row["currency"],
            line_count=row["lines"],
        )


def _store_chunk(customer_ids: list[int], *, currency: str) -> tuple[int, set[str]]:
    """Recompute and replace the figures of these customers; return what was skipped."""
    computed_at = timezone.now()
    workspace_id = require_workspace_id()  # bulk_create skips save(), which would set it
    result = customer_year_figures(_chunk_amounts(customer_ids), currency=currency)
    CustomerYearFigures.objects.filter(customer_id__in=customer_ids).delete()
    CustomerYearFigures.objects.bulk_create(
        CustomerYearFigures(
            workspace_id=workspace_id,
            customer_id=figures.customer_id,
            year=figures.year,
            net_sales=figures.net_sales,
            cost_of_goods=figures.cost_of_goods,
            cost_to_serve=figures.cost_to_serve,
            contribution_margin=figures.contribution_margin,
            line_count=figures.line_count,
            computed_at=computed_at,
        )
        for figures in result.figures
    )
    return result.skipped_lines, result.skipped_currencies


def figures_csv(*, currency: str) -> File:
    """All stored figures of the current workspace as a CSV file (spooled to disk if large)."""
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(
        [
            "Customer number",
            "Customer",
            "Year",
            f"Net sales ({currency})",
            f"Cost of goods ({currency})",
            f"Cost to serve ({currency})",
            f"Contribution margin ({currency})",
            "Sales lines",
        ]
    )
    with workspace_atomic():
        rows = (
            CustomerYearFigures.objects.select_related("customer")
            .order_by("customer__name", "customer_id", "year")
            .iterator(chunk_size=2000)
        )
        for figures in rows:
            writer.writerow(
                [
                    spreadsheet_safe(figures.customer.external_id),
                    spreadsheet_safe(figures.customer.name),
                    figures.year,
                    figures.net_sales,
                    figures.cost_of_goods,
                    figures.cost_to_serve,
                    figures.contribution_margin,
                    figures.line_count,
                ]
            )
    text.flush()
    text.detach()
    spool.seek(0)
    return File(spool)


def customer_figures_recompute(
    *, workspace_id: int, job: Job, chunk_size: int = CHUNK_SIZE
) -> JobOutcome:
    with workspace_atomic():
        currency = Workspace.objects.values_list("reporting_currency", flat=True).get(
            pk=workspace_id
        )
        customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    total = len(customer_ids)
    job_progress(
        workspace=workspace_id, job=job, done=0, total=total, message="Adding up sales lines."
    )
    skipped_lines = 0
    skipped_currencies: set[str] = set()
    for start in range(0, total, chunk_size):
        chunk = customer_ids[start : start + chunk_size]
        with workspace_atomic():
            skipped, currencies = _store_chunk(chunk, currency=currency)
        skipped_lines += skipped
        skipped_currencies |= currencies
        done = start + len(chunk)
        job_progress(
            workspace=workspace_id,
            job=job,
            done=done,
            message=f"{done:,} of {total:,} customers done.",
        )
    message = f"Figures computed for {total:,} customers."
    if skipped_lines:
        message += (
            f" {skipped_lines:,} sales lines in {', '.join(sorted(skipped_currencies))}"
            f" were left out: there are no exchange rates to {currency} yet."
        )
    stamp = timezone.now().strftime("%Y-%m-%d")
    return JobOutcome(
        message=message,
        result_name=f"customer-figures-{stamp}.csv",
        result=figures_csv(currency=currency),
    )
