"""Selects the request's workspace and runs the request inside it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from kam.tenancy.context import actor_context, workspace_context
from kam.tenancy.resolve import resolve_request_workspace


class WorkspaceMiddleware:
    """Resolve ``request.workspace`` and ``request.membership`` for every request.

    The workspace comes from a personal access token (API) or from the session
    (browser), and only ever from one of the user's memberships. The rest of the
    request then runs in one transaction with the workspace set both for the
    Django managers and for PostgreSQL row-level security; a server error rolls
    the transaction back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        resolved = resolve_request_workspace(request)
        workspace = resolved.workspace
        if workspace is None:
            return self.get_response(request)
        # Who acts, for the change log: the token's person, or the signed-in one
        # (both already loaded, so this costs no query).
        token = resolved.access_token
        actor = token.user if token is not None else resolved.user
        with transaction.atomic(), workspace_context(workspace), actor_context(actor):
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response
