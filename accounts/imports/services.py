"""Imports, step by step: upload, map and check, apply (as a background job).

Each step refuses with :class:`ImportRefused` (a sentence for the person) and
then changes nothing. Only the apply step writes customers, offerings, sales
lines or exchange rates, in one transaction inside the "import" job.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.data_as_of import latest_sales_date_query, latest_sales_date_store
from accounts.imports.changes import count_changes
from accounts.imports.fields import (
    fields_for,
    mapping_warnings,
    normalise_header,
    suggest_mapping,
)
from accounts.imports.parsing import DATE_FORMATS, DECIMAL_SEPARATORS
from accounts.imports.reading import (
    FileFormat,
    UnreadableFile,
    detect_format,
    estimated_rows,
    file_type_of,
    read_headers,
)
from accounts.imports.rekey import rekeyed_lines_find
from accounts.imports.rows import quoted
from accounts.imports.staged import CheckResult, Progress, WorkFiles
from accounts.imports.uploads import import_max_bytes, sha256_of, too_large_message
from accounts.imports.validation import MappingProblem, check_file
from accounts.job_kinds import CHECK, IMPORT
from accounts.models import ColumnMapping, ImportBatch, ImportKind, ImportStatus, ValuationSettings
from kam.jobs.dispatch import send_job_on_commit
from kam.jobs.models import Job
from kam.jobs.services import job_create
from kam.workspaces.models import Workspace

#: Files with more rows than this are checked in the background: a million
#: lines take several seconds, too long for a page to wait on.
CHECK_IN_BACKGROUND_ROWS = 50_000


class ImportRefused(Exception):
    """This step cannot be done; the message says why and what to do."""


def header_signature(kind: str, headers: list[str]) -> str:
    """Files whose header rows read the same (ignoring case, accents, punctuation) match."""
    text = "\x1f".join([kind, *(normalise_header(h) for h in headers)])
    return hashlib.sha256(text.encode()).hexdigest()


def work_files(batch: ImportBatch) -> WorkFiles:
    """Where the check leaves the clean rows and the error report: next to the upload."""
    return WorkFiles(Path(batch.file.path).with_name(f"batch-{batch.pk}-work"))


def _remembered(workspace: Workspace, kind: str, headers: list[str]) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(
        workspace=workspace, kind=kind, header_signature=header_signature(kind, headers)
    ).first()


@transaction.atomic
def import_batch_create(
    *, workspace: Workspace, kind: str, upload: UploadedFile, user: User | None
) -> ImportBatch:
    """Store an uploaded file, read its header row and propose a column mapping."""
    if kind not in ImportKind.values:
        raise ImportRefused(
            "Choose what the file contains: customers, offerings, sales lines or exchange rates."
        )
    if upload.size is not None and upload.size > import_max_bytes():
        raise ImportRefused(too_large_message(upload.size))
    name = upload.name or "upload"
    if not upload.size:
        raise ImportRefused("The file is empty. Export the data again and upload the new file.")
    if file_type_of(name) is None:
        try:
            detect_format(Path("/dev/null"), name)
        except UnreadableFile as error:
            raise ImportRefused(str(error)) from None
    batch = ImportBatch(
        workspace=workspace,
        kind=kind,
        original_name=Path(name).name[:255],
        size_bytes=upload.size or 0,
        sha256=sha256_of(upload),
        created_by=user if user is not None and user.pk else None,
    )
    # Our own file name: the person's may hold anything; we show it, never use it as a path.
    batch.file.save(f"{uuid.uuid4().hex}{Path(name).suffix.lower()}", upload, save=False)
    path = Path(batch.file.path)
    try:
        file_format = detect_format(path, name)
        headers = read_headers(path, file_format)
    except UnreadableFile as error:
        batch.file.delete(save=False)
        raise ImportRefused(str(error)) from None
    batch.headers = headers
    batch.options = {
        **file_format.as_options(),
        "date_format": "auto",
        "decimal_separator": "auto",
        "mapping_source": "suggested",
    }
    remembered = _remembered(workspace, kind, headers)
    if remembered is not None:
        # Same signature means the same headers up to case and punctuation:
        # point the remembered choices at this file's spelling of each column.
        by_normal = {normalise_header(h): h for h in headers}
        batch.mapping = {
            f: by_normal[normalise_header(c)]
            for f, c in remembered.mapping.items()
            if normalise_header(c) in by_normal
        }
        batch.options.update(
            {
                k: v
                for k, v in remembered.options.items()
                if k in {"date_format", "decimal_separator"}
            }
        )
        batch.options["mapping_source"] = "remembered"
    else:
        batch.mapping = suggest_mapping(kind, headers)
    batch.save()
    return batch


def _clean_choices(
    batch: ImportBatch, mapping: dict[str, str], options: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    problems: dict[str, str] = {}
    known = {spec.name for spec in fields_for(batch.kind)}
    clean_mapping: dict[str, str] = {}
    for field_name, column in mapping.items():
        if field_name not in known:
            problems[field_name] = f"{quoted(field_name)} is not a field of this kind of import."
        elif column and column not in batch.headers:
            problems[field_name] = f"The file has no column {quoted(column)}."
        elif column:
            clean_mapping[field_name] = column
    date_format = options.get("date_format", "auto") or "auto"
    if date_format not in DATE_FORMATS:
        problems["date_format"] = f"Choose one of: {', '.join(DATE_FORMATS)}."
    separator = options.get("decimal_separator", "auto") or "auto"
    if separator not in DECIMAL_SEPARATORS:
        problems["decimal_separator"] = "Choose auto, '.' or ','."
    if problems:
        raise MappingProblem(problems)
    return clean_mapping, {"date_format": date_format, "decimal_separator": separator}


def _refuse_if_applied(batch: ImportBatch) -> None:
    if batch.status in {ImportStatus.APPLYING, ImportStatus.APPLIED}:
        raise ImportRefused(
            "This file has already been applied. To import it again, upload it again."
            if batch.status == ImportStatus.APPLIED
            else "This file is being applied right now."
        )


def _refuse_if_checking(batch: ImportBatch) -> None:
    if batch.job is not None and batch.job.kind == CHECK.name and batch.job.is_active:
        raise ImportRefused("This file is being checked right now. Wait until the check ends.")


def checks_in_background(batch: ImportBatch) -> bool:
    """Whether checking this file would keep the page waiting too long (a job does it)."""
    try:
        rows = estimated_rows(Path(batch.file.path), FileFormat.from_options(batch.options))
    except UnreadableFile:
        return False  # the check itself says what is wrong, at once
    return rows > CHECK_IN_BACKGROUND_ROWS


@transaction.atomic
def import_batch_check(
    *,
    workspace: Workspace,
    batch: ImportBatch,
    mapping: dict[str, str],
    options: dict[str, Any],
    user: User | None = None,
) -> CheckResult | Job:
    """Save the mapping, remember it for files like this one, and check every row.

    A file of more than :data:`CHECK_IN_BACKGROUND_ROWS` rows is checked by an
    "import_check" job instead: the job is returned, and the batch stays
    "mapped" until it ends. Raises :class:`MappingProblem` (form field ->
    message) when the mapping or options cannot be used. Writes nothing but the
    batch and the mapping memory.
    """
    if batch.workspace_id != workspace.pk:
        raise ValueError("batch of another workspace")
    _refuse_if_applied(batch)
    _refuse_if_checking(batch)
    clean_mapping, clean_options = _clean_choices(batch, mapping, options)
    batch.mapping = clean_mapping
    batch.options = {**batch.options, **clean_options}
    batch.status = ImportStatus.MAPPED
    batch.summary = {key: value for key, value in batch.summary.items() if key != "problems"}
    if checks_in_background(batch):
        job = job_create(
            workspace=workspace,
            kind=CHECK.name,
            requested_by=user,
            message=f"Waiting to check {batch.original_name}.",
        )
        batch.job = job
        batch.save()
        send_job_on_commit(workspace_id=workspace.pk, job_id=job.pk, kind=CHECK.name)
        return job
    return import_batch_run_check(workspace=workspace, batch=batch)


def import_batch_run_check(
    *, workspace: Workspace, batch: ImportBatch, progress: Progress | None = None
) -> CheckResult:
    """Check every row with the batch's saved mapping and record the outcome on the batch.

    Two steps: the check proper (which writes the staged rows and nothing in the
    workspace), then counting what those rows would change.
    """
    work = work_files(batch)
    try:
        result = check_file(
            workspace=workspace,
            kind=batch.kind,
            path=Path(batch.file.path),
            file_format=FileFormat.from_options(batch.options),
            headers=batch.headers,
            mapping=batch.mapping,
            options=batch.options,
            work=work,
            progress=progress,
        )
    except UnreadableFile as error:
        batch.save()
        raise MappingProblem({"file": str(error)}) from None
    except MappingProblem:
        batch.save()
        raise
    count_changes(
        workspace=workspace,
        kind=batch.kind,
        staged=work.staged,
        mapped={name for name, column in batch.mapping.items() if column},
        result=result,
    )
    if batch.kind == ImportKind.SALES_LINES and result.new:
        result.rekeyed = rekeyed_lines_find(work=work)
        if result.rekeyed:
            result.notices.append(rekeyed_notice(result.rekeyed))
    result.notices.extend(mapping_warnings(batch.kind, batch.mapping))
    ColumnMapping.objects.update_or_create(
        workspace=workspace,
        kind=batch.kind,
        header_signature=header_signature(batch.kind, batch.headers),
        defaults={
            "mapping": batch.mapping,
            "options": {k: batch.options[k] for k in ("date_format", "decimal_separator")},
        },
    )
    batch.status = ImportStatus.VALIDATED
    batch.row_count = result.rows
    batch.error_count = result.errors
    batch.errors = result.first_errors
    check = result.as_dict()
    check.pop("first_errors")
    batch.summary = {"check": check}
    batch.save()
    return result


def rekeyed_notice(count: int) -> str:
    return (
        f"{count:,} lines of this file match sales lines already imported, with the same"
        " customer, offering, date and amounts, under another key: the line-id column is mapped"
        " differently from the earlier import. Applying would add them a second time, so the"
        " apply is refused unless you choose to replace the earlier import's keys with this"
        " file's (the lines then stay once), or map the line id as before."
    )


@transaction.atomic
def import_batch_apply(
    *, workspace: Workspace, batch: ImportBatch, user: User | None, replace_keys: bool = False
) -> Job:
    """Start the all-or-nothing apply in the background; return its job.

    Lines the check found under another key (``summary.check.rekeyed``) are
    refused unless ``replace_keys``: the apply then gives those stored lines
    this file's keys before writing, so nothing is added twice.
    """
    if batch.workspace_id != workspace.pk:
        raise ValueError("batch of another workspace")
    # Lock the row: two clicks on "Apply" must not start two jobs.
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _refuse_if_applied(batch)
    _refuse_if_checking(batch)
    if batch.status != ImportStatus.VALIDATED:
        raise ImportRefused("Map the columns and check the file before applying it.")
    if batch.error_count:
        raise ImportRefused(
            f"The file has {batch.error_count} errors. Correct them in the file and upload it"
            " again; nothing is applied while errors remain."
        )
    if not batch.summary.get("check", {}).get("valid"):
        raise ImportRefused("The file has no rows to apply.")
    rekeyed = int(batch.summary.get("check", {}).get("rekeyed", 0))
    if rekeyed and not replace_keys:
        raise ImportRefused(
            f"Nothing was applied: {rekeyed:,} lines of this file are already imported under"
            " other keys and would be added a second time. Choose to replace the earlier"
            " import's keys, or map the line-id column as in the earlier import and check again."
        )
    batch.options = {**batch.options, "replace_keys": bool(rekeyed and replace_keys)}
    job = job_create(
        workspace=workspace,
        kind=IMPORT.name,
        requested_by=user,
        message=f"Waiting to import {batch.original_name}.",
    )
    batch.job = job
    batch.status = ImportStatus.APPLYING
    batch.save(update_fields=["job", "status", "options"])
    send_job_on_commit(workspace_id=workspace.pk, job_id=job.pk, kind=IMPORT.name)
    return job


def import_batch_finish(
    *, batch: ImportBatch, status: str, applied: dict[str, int] | None = None, error: str = ""
) -> None:
    """Record how the apply ended; called in its own transaction after the apply's."""
    summary = dict(batch.summary)
    if applied is not None:
        summary["applied"] = applied
    if status == ImportStatus.APPLIED and batch.kind == ImportKind.SALES_LINES:
        summary["data_as_of"] = _data_as_of_after_import(batch.workspace_id)
    if error:
        summary["apply_error"] = error
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        summary=summary,
        applied_at=timezone.now() if status == ImportStatus.APPLIED else None,
    )


def _data_as_of_after_import(workspace_id: int) -> dict[str, object]:
    """Move the data-as-of day to the newest sales line, unless an admin set it.

    A date an admin set stays (it may be the last closed month on purpose);
    the summary then says the newer lines are there, and the pages offer to
    move the date (templates/accounts/_data_as_of.html).
    """
    latest = latest_sales_date_query(workspace_id=workspace_id)
    latest_sales_date_store(workspace_id=workspace_id, latest=latest)
    admin_day = (
        ValuationSettings.objects.filter(workspace_id=workspace_id)
        .values_list("data_as_of", flat=True)
        .first()
    )
    day = admin_day or latest
    return {
        "latest_sales_date": latest.isoformat() if latest else None,
        "data_as_of": day.isoformat() if day else None,
        "set_by_admin": admin_day is not None,
        "newer_lines": bool(admin_day and latest and latest > admin_day),
    }


def import_batch_delete_work(batch: ImportBatch) -> None:
    shutil.rmtree(work_files(batch).directory, ignore_errors=True)
