"""Starting a plan PDF: reuse the stored file, join the running render, or queue one.

The cache key is the SHA-256 of the document's HTML. The HTML holds everything
the PDF shows (figures, texts, the map, the date), and nothing about who asked,
so the same plan prints once per day whoever asks: a repeat finds the finished
job whose file name ends with the digest and answers with it, without
rendering again. Two people asking while the render runs join the same job.

The job row has no room for parameters, so the request (which account, which
digest) is a small ticket stored next to the job's result file; the task reads
it back. The ticket lives in the same storage the result does, which web and
workers already share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Customer
from kam.jobs.dispatch import send_job_on_commit
from kam.jobs.models import ACTIVE_STATUSES, Job, JobStatus, job_result_path
from kam.jobs.services import job_create
from kam.tenancy.tasks import workspace_atomic
from kam.workspaces.models import Workspace
from planning.pdf.document import plan_document
from planning.pdf.kinds import PLAN_PDF

TICKET_NAME = "request.json"


@dataclass(frozen=True)
class Ticket:
    customer_id: int
    digest: str


def ticket_path(job: Job) -> str:
    return job_result_path(job, TICKET_NAME)


def ticket_read(job: Job) -> Ticket | None:
    """The account and digest a plan PDF job was started for; ``None`` if unreadable."""
    try:
        with default_storage.open(ticket_path(job), "rb") as handle:
            data: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
        return Ticket(customer_id=int(data["customer_id"]), digest=str(data["digest"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _stored(digest: str) -> Job | None:
    """A finished plan PDF of exactly this content whose file is still there."""
    for job in Job.objects.filter(
        kind=PLAN_PDF.name,
        status=JobStatus.SUCCEEDED,
        result_file__endswith=f"-{digest[:16]}.pdf",
    ).order_by("-finished_at", "-pk")[:3]:
        if job.result_file and default_storage.exists(job.result_file.name):
            return job
    return None


def _running(customer: Customer, digest: str) -> Job | None:
    for job in Job.objects.filter(kind=PLAN_PDF.name, status__in=ACTIVE_STATUSES):
        ticket = ticket_read(job)
        if ticket is not None and ticket == Ticket(customer_id=customer.pk, digest=digest):
            return job
    return None


def plan_pdf_request(*, workspace: Workspace, customer: Customer, user: Any) -> Job:
    """The job that gives ``user`` the PDF of the customer's plan as it stands now.

    A finished job when this content was printed before, the running job when
    someone is printing it right now, else a new queued job (sent to the ``pdf``
    workers when this transaction commits; without a broker it runs in process).
    """
    document = plan_document(workspace=workspace, customer=customer, user=None)
    with workspace_atomic():
        # Two requests for the same account take turns here, so the second
        # sees the first one's job instead of queueing a twin.
        Customer.objects.select_for_update().filter(pk=customer.pk).exists()
        found = _stored(document.digest) or _running(customer, document.digest)
        if found is not None:
            return found
        job = job_create(
            workspace=workspace,
            kind=PLAN_PDF.name,
            requested_by=user,
            message="Waiting for a worker to print the plan.",
        )
        ticket = {"customer_id": customer.pk, "digest": document.digest}
        default_storage.save(ticket_path(job), ContentFile(json.dumps(ticket).encode("utf-8")))
        send_job_on_commit(workspace_id=workspace.pk, job_id=job.pk, kind=PLAN_PDF.name)
        return job
