"""Import pages: upload, map columns, preview with errors, apply with a progress bar."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.imports.fields import fields_for, mapping_warnings
from accounts.imports.parsing import DATE_FORMATS, DECIMAL_SEPARATORS
from accounts.imports.selectors import import_batch_get, import_batch_list
from accounts.imports.services import (
    ImportRefused,
    import_batch_apply,
    import_batch_check,
    import_batch_create,
    work_files,
)
from accounts.imports.uploads import (
    import_max_bytes,
    install_upload_handlers,
    too_large_by_header,
    too_large_message,
    upload_was_too_large,
)
from accounts.imports.validation import MappingProblem, read_errors
from accounts.job_kinds import CHECK, IMPORT
from accounts.models import ImportBatch, ImportKind, ImportStatus
from kam.jobs.kinds import job_kind_label
from kam.permissions import Capability
from kam.spreadsheets import spreadsheet_safe
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view


def _upload_page(request: WorkspaceRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "accounts/imports/upload.html",
        {
            "kinds": ImportKind.choices,
            # The first steps on the home page link here with the kind chosen.
            "chosen_kind": request.POST.get("kind", "") or request.GET.get("kind", ""),
            "error": error,
            "max_mb": import_max_bytes() // (1024 * 1024),
            "batches": import_batch_list(workspace=request.workspace)[:20],
        },
        status=status,
    )


@csrf_exempt  # CSRF is checked in `_upload` below, after the upload handlers are in place
@require_http_methods(["GET", "POST"])
@workspace_view(Capability.MANAGE_DATA)
def upload(request: WorkspaceRequest) -> HttpResponse:
    """Step 1: choose what the file holds and upload it."""
    if request.method == "POST":
        # Refuse an announced 500 MB body before reading a byte of it.
        announced = too_large_by_header(request)
        if announced is not None:
            return render(
                request,
                "accounts/imports/upload.html",
                {
                    "kinds": ImportKind.choices,
                    "error": too_large_message(announced),
                    "max_mb": import_max_bytes() // (1024 * 1024),
                    "batches": [],
                },
                status=413,
            )
        install_upload_handlers(request)
    return _upload(request)


@csrf_protect
def _upload(request: WorkspaceRequest) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request)
    upload_file = request.FILES.get("file")  # parses the body, through the size guard
    if upload_was_too_large(request):
        return _upload_page(request, error=too_large_message(), status=413)
    if upload_file is None:
        return _upload_page(request, error="Choose a file to upload.", status=400)
    try:
        batch = import_batch_create(
            workspace=request.workspace,
            kind=request.POST.get("kind", ""),
            upload=upload_file,
            user=request.user,
        )
    except ImportRefused as refused:
        return _upload_page(request, error=str(refused), status=400)
    return redirect("imports:mapping", import_batch_id=batch.pk)


@require_http_methods(["GET", "POST"])
@workspace_view(Capability.MANAGE_DATA)
def mapping(request: WorkspaceRequest, import_batch_id: int) -> HttpResponse:
    """Step 2: which column holds what; date format and decimal separator."""
    batch = import_batch_get(workspace=request.workspace, import_batch_id=import_batch_id)
    # Problems the background check found with the saved mapping, until the next try.
    problems: dict[str, str] = dict(batch.summary.get("problems", {}))
    chosen = dict(batch.mapping)
    options = dict(batch.options)
    if request.method == "POST":
        chosen = {
            spec.name: request.POST.get(f"map_{spec.name}", "") for spec in fields_for(batch.kind)
        }
        options.update(
            date_format=request.POST.get("date_format", "auto"),
            decimal_separator=request.POST.get("decimal_separator", "auto"),
        )
        try:
            import_batch_check(  # a large file: a job checks it; the preview page follows it
                workspace=request.workspace,
                batch=batch,
                mapping=chosen,
                options=options,
                user=request.user,
            )
        except MappingProblem as problem:
            problems = problem.errors
        except ImportRefused as refused:
            problems = {"file": str(refused)}
        else:
            return redirect("imports:preview", import_batch_id=batch.pk)
    rows = [
        {"spec": spec, "column": chosen.get(spec.name, ""), "error": problems.get(spec.name, "")}
        for spec in fields_for(batch.kind)
    ]
    return render(
        request,
        "accounts/imports/mapping.html",
        {
            "batch": batch,
            "rows": rows,
            "options": options,
            "problems": problems,
            "date_formats": DATE_FORMATS.items(),
            "decimal_separators": DECIMAL_SEPARATORS.items(),
            "warnings": mapping_warnings(batch.kind, {k: v for k, v in chosen.items() if v}),
        },
        status=400 if problems else 200,
    )


@require_http_methods(["GET"])
@workspace_view(Capability.MANAGE_DATA)
def preview(request: WorkspaceRequest, import_batch_id: int) -> HttpResponse:
    """Step 3: what the file would change, and every problem, before anything is written."""
    batch = import_batch_get(workspace=request.workspace, import_batch_id=import_batch_id)
    if _checking(batch):
        return render(request, "accounts/imports/checking.html", {"batch": batch, "job": batch.job})
    if batch.status in {ImportStatus.UPLOADED, ImportStatus.MAPPED}:
        return redirect("imports:mapping", import_batch_id=batch.pk)
    check = batch.summary.get("check", {})
    columns = [spec for spec in fields_for(batch.kind) if spec.name in batch.mapping]
    return render(
        request,
        "accounts/imports/preview.html",
        {
            "batch": batch,
            "check": check,
            "columns": columns,
            "preview_rows": [
                (row.get("line", ""), [row.get(spec.name, "") for spec in columns])
                for row in check.get("preview", [])
            ],
            "can_apply": batch.status == ImportStatus.VALIDATED
            and not batch.error_count
            and check.get("valid"),
            "kind_label": job_kind_label(IMPORT.name),
            # The apply's job; the batch points at its check's job until then.
            "apply_job": batch.job if batch.job and batch.job.kind == IMPORT.name else None,
        },
    )


def _checking(batch: ImportBatch) -> bool:
    """Whether a background check of this batch has not reported back yet."""
    return (
        batch.status == ImportStatus.MAPPED
        and batch.job is not None
        and batch.job.kind == CHECK.name
        and batch.job.is_active
    )


@never_cache
@require_http_methods(["GET"])
@workspace_view(Capability.MANAGE_DATA)
def check_status(request: WorkspaceRequest, import_batch_id: int) -> HttpResponse:
    """The background check's progress (htmx polls it); when it ends, on to the next page."""
    batch = import_batch_get(workspace=request.workspace, import_batch_id=import_batch_id)
    if not _checking(batch):
        target = reverse(
            "imports:preview" if batch.status == ImportStatus.VALIDATED else "imports:mapping",
            args=[batch.pk],
        )
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return redirect(target)
    return render(request, "accounts/imports/_checking.html", {"batch": batch, "job": batch.job})


@require_http_methods(["POST"])
@workspace_view(Capability.MANAGE_DATA)
def apply(request: WorkspaceRequest, import_batch_id: int) -> HttpResponse:
    """Step 4: start the all-or-nothing apply; the preview page then follows the job."""
    batch = import_batch_get(workspace=request.workspace, import_batch_id=import_batch_id)
    try:
        import_batch_apply(
            workspace=request.workspace,
            batch=batch,
            user=request.user,
            replace_keys=request.POST.get("replace_keys") == "yes",
        )
    except ImportRefused as refused:
        return render(
            request,
            "accounts/imports/refused.html",
            {"batch": batch, "message": str(refused)},
            status=409,
        )
    return redirect("imports:preview", import_batch_id=batch.pk)


def _error_rows(batch_errors: Iterator[list[str]]) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff"  # so Excel opens the report as UTF-8
    for row in batch_errors:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


@require_http_methods(["GET"])
@workspace_view(Capability.MANAGE_DATA)
def errors_csv(request: WorkspaceRequest, import_batch_id: int) -> StreamingHttpResponse:
    """Every problem of the check as CSV; cells that look like formulas stay text."""
    batch = import_batch_get(workspace=request.workspace, import_batch_id=import_batch_id)
    path = work_files(batch).errors
    if not path.exists():
        raise Http404("This file has not been checked yet.")
    response = StreamingHttpResponse(_error_rows(read_errors(path)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response
