"""The stakeholder import page: upload, map the columns and preview, apply.

One URL, three steps told apart by the posted ``step``; the uploaded file is
named by a random token kept under the workspace's own media folder.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.imports.reading import UnreadableFile, detect_format, read_headers
from buying_center import imports
from buying_center.views import _account, account_context
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view

#: How many checked rows the preview shows.
PREVIEW_ROWS = 20


def _mapping_from(request: WorkspaceRequest, headers: list[str]) -> dict[str, str]:
    mapping = {}
    for spec in imports.FIELDS:
        column = request.POST.get(f"map_{spec.name}", "")
        if column and column in headers:
            mapping[spec.name] = column
    return mapping


@workspace_view(Capability.EDIT_ACCOUNTS)
def stakeholder_import(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    workspace = request.workspace
    customer = _account(request, customer_id)
    context: dict[str, Any] = {
        **account_context(customer, "buying-center"),
        "fields": imports.FIELDS,
    }
    if request.method != "POST":
        return render(request, "buying_center/import.html", context)

    step = request.POST.get("step", "upload")
    if step == "upload":
        upload = request.FILES.get("file")
        if upload is None:
            context["problem"] = "Choose a file to import."
            return render(request, "buying_center/import.html", context, status=400)
        try:
            token = imports.store_upload(workspace=workspace, upload=upload)
            path = imports.stored_file(workspace=workspace, token=token)
            assert path is not None
            headers = read_headers(path, detect_format(path, upload.name or token))
        except UnreadableFile as error:
            context["problem"] = str(error)
            return render(request, "buying_center/import.html", context, status=400)
        mapping = imports.suggest_mapping(headers)
        original_name = upload.name or token
    else:
        token = request.POST.get("upload", "")
        original_name = request.POST.get("original_name", "") or token
        path = imports.stored_file(workspace=workspace, token=token)
        if path is None:
            context["problem"] = "That upload is no longer here. Upload the file again."
            return render(request, "buying_center/import.html", context, status=400)
        headers = read_headers(path, detect_format(path, token))
        mapping = _mapping_from(request, headers)

    check = imports.check_stakeholder_file(
        workspace=workspace,
        customer=customer,
        path=path,
        original_name=token,
        mapping=mapping,
    )
    if step == "apply" and check.can_apply:
        try:
            count = imports.apply_stakeholder_file(
                workspace=workspace, customer=customer, check=check, changed_by=request.user
            )
        except ValidationError as error:
            context["problem"] = "Nothing was imported: " + " ".join(error.messages)
        else:
            path.unlink(missing_ok=True)
            messages.success(request, f"{count} people were imported into the buying center.")
            return redirect("account-detail", customer_id=customer.pk)
    context.update(
        {
            "token": token,
            "original_name": original_name,
            "headers": [h for h in headers if h],
            "mapping": mapping,
            "check": check,
            "preview": check.rows[:PREVIEW_ROWS],
        }
    )
    return render(request, "buying_center/import.html", context)
