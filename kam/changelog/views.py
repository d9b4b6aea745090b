"""The "History" page of any editable object of the workspace."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from kam.changelog import selectors
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view

PER_PAGE = 50


@workspace_view(Capability.VIEW)
def object_history(request: WorkspaceRequest, type_label: str, object_id: int) -> HttpResponse:
    """Every logged change of one object, newest first; works after it was deleted."""
    content_type = selectors.history_content_type(type_label)
    if content_type is None:
        raise Http404("No such kind of object.")
    subject = selectors.history_subject(
        workspace=request.workspace, content_type=content_type, object_id=object_id
    )
    if subject is None:
        raise Http404("No such object in this workspace.")
    entries = selectors.change_log_for_object(
        workspace=request.workspace, content_type=content_type, object_id=object_id
    )
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "changelog/history.html",
        {"subject": subject, "noun": content_type.name, "page": page},
    )
