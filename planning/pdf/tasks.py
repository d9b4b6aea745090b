"""The plan PDF's Celery task, routed to the ``pdf`` queue (``*.tasks.render_*_pdf``).

Memory: WeasyPrint can hold a few hundred MB for a long plan and gives little
of it back. The render runs in the worker process itself (no child process of
our own, so the embedded set-up without a broker runs exactly this code,
eagerly, in the web process); the worker started by docker-compose.yml recycles
any child that grew past ``--max-memory-per-child`` after its task ends.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from accounts.models import Customer
from kam.jobs.models import Job
from kam.jobs.runner import JobFailure, JobOutcome, run_job
from kam.jobs.services import job_progress
from kam.tenancy.tasks import workspace_atomic, workspace_task
from kam.workspaces.models import Workspace
from planning.pdf.document import plan_document
from planning.pdf.render import html_to_pdf
from planning.pdf.services import ticket_read


def plan_pdf_run(*, workspace_id: int, job: Job) -> JobOutcome:
    """Render the plan named by the job's ticket, as it stands now, to PDF."""
    ticket = ticket_read(job)
    if ticket is None:
        raise JobFailure("This print request lost track of its account. Start it again.")
    job_progress(workspace=workspace_id, job=job, done=0, total=2, message="Collecting the plan.")
    with workspace_atomic():  # row-level security needs a transaction
        workspace = Workspace.objects.get(pk=workspace_id)
        customer = (
            Customer.objects.select_related("owner", "workspace")
            .filter(pk=ticket.customer_id)
            .first()
        )
        if customer is None:
            raise JobFailure("This account no longer exists, so its plan cannot be printed.")
        document = plan_document(workspace=workspace, customer=customer, user=None)
    job_progress(workspace=workspace_id, job=job, done=1, message="Laying out the pages.")
    pdf = html_to_pdf(document.html)
    return JobOutcome(
        message="The plan is ready to download.",
        result_name=document.filename,
        result=ContentFile(pdf),
    )


@workspace_task(atomic=False, idempotent=True, bind=True)
def render_plan_pdf(task: Any, workspace_id: int, job_id: int) -> None:
    """Print the account plan of the job's ticket to PDF."""
    run_job(
        task,
        workspace_id=workspace_id,
        job_id=job_id,
        work=lambda job: plan_pdf_run(workspace_id=workspace_id, job=job),
    )
