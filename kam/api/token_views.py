"""Pages to list, create and revoke one's personal access tokens (Settings > API tokens)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kam.api.forms import AccessTokenForm
from kam.api.selectors import access_token_get_own, access_token_list
from kam.api.services import access_token_issue, access_token_revoke
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_view


def _list_page(request: WorkspaceRequest, form: AccessTokenForm, status: int = 200) -> HttpResponse:
    tokens = access_token_list(
        workspace=request.workspace,
        user=cast(User, request.user),
    )
    return render(request, "api/tokens.html", {"tokens": tokens, "form": form}, status=status)


@require_GET
@workspace_view(Capability.USE_API)
def token_list(request: WorkspaceRequest) -> HttpResponse:
    return _list_page(request, AccessTokenForm())


@never_cache
@require_POST
@workspace_view(Capability.USE_API)
def token_create(request: WorkspaceRequest) -> HttpResponse:
    form = AccessTokenForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    token, secret = access_token_issue(
        workspace=request.workspace,
        user=cast(User, request.user),
        name=form.cleaned_data["name"],
    )
    # Rendered, not redirected: the secret exists only in this response (it is
    # stored hashed), and never_cache keeps it out of every cache on the way.
    return render(request, "api/token_created.html", {"token": token, "secret": secret})


@require_POST
@workspace_view(Capability.USE_API)
def token_revoke(request: WorkspaceRequest, access_token_id: int) -> HttpResponse:
    token = access_token_get_own(
        workspace=request.workspace,
        user=cast(User, request.user),
        pk=access_token_id,
    )
    if token.is_active:
        access_token_revoke(workspace=request.workspace, token=token)
        messages.success(request, f"The token “{token.name}” is revoked and no longer works.")
    return redirect("tokens")
