"""Work out which workspace a request acts in, and as which member."""

from __future__ import annotations

from django.db import OperationalError, connection
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from kam.api.tokens import AccessToken, hash_token
from kam.tenancy.request import ResolvedRequest, resolved
from kam.workspaces.models import Membership

SESSION_KEY = "workspace_id"


def _bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in {"bearer", "token"} and value.strip():
        return value.strip()
    return None


def _stamp_last_used(token: AccessToken) -> None:
    """Record when the token was used; skipped while the database cannot take a write.

    On SQLite (the embedded set-up) a long job in a background thread holds the
    one write lock; a client polling that job's status must still get its
    answer. The stamp is a courtesy, so it waits for the next call instead.
    """
    try:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    except OperationalError:
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            raise


def resolve_request_workspace(http_request: HttpRequest) -> ResolvedRequest:
    """Set ``request.workspace``, ``request.membership`` and ``request.access_token``.

    A bearer token wins over the session. An invalid or revoked token leaves
    everything ``None``; the API's authentication then answers 401. Returns the
    same request, typed with what it now holds.
    """
    request = resolved(http_request)
    request.workspace = None
    request.membership = None
    request.access_token = None
    request.access_token_invalid = False

    raw = _bearer_token(request)
    if raw is not None:
        token = (
            AccessToken.objects.select_related("user", "workspace")
            .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        membership = (
            Membership.objects.select_related("workspace", "user")
            .filter(user_id=token.user_id, workspace_id=token.workspace_id)
            .first()
            if token
            else None
        )
        if token is None or membership is None:
            request.access_token_invalid = True
            return request
        _stamp_last_used(token)
        request.access_token = token
        request.membership = membership
        request.workspace = membership.workspace
        return request

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return request
    memberships = Membership.objects.select_related("workspace").filter(user=user)
    chosen = request.session.get(SESSION_KEY)
    membership = None
    if chosen is not None:
        membership = memberships.filter(workspace_id=chosen).first()
    if membership is None:
        # A new session opens the workspace the person chose last (then by name).
        last_used = F("last_used_at").desc(nulls_last=True)
        membership = memberships.order_by(last_used, "workspace__name").first()
        if membership is not None:
            request.session[SESSION_KEY] = membership.workspace_id
    if membership is not None:
        request.membership = membership
        request.workspace = membership.workspace
    return request
