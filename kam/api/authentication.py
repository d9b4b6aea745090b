"""API authentication: personal access tokens (Bearer) and the browser session."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from kam.api.tokens import AccessToken, hash_token
from kam.workspaces.models import Membership


def _refusal_reason(raw: str | None) -> str:
    """Why a bearer token was refused, in words its holder can act on.

    Holding the secret proves the caller once had the token, so telling them it
    was revoked reveals nothing; an unknown secret gets the generic answer.
    """
    generic = "Invalid access token. Create a new one under Settings > API tokens."
    if not raw:
        return generic
    token = AccessToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None:
        return generic
    if token.revoked_at is not None:
        return (
            f"This access token ({token.key_prefix}…) was revoked on"
            f" {token.revoked_at:%Y-%m-%d %H:%M} UTC and can no longer be used."
        )
    if not token.user.is_active:
        return "The account this access token belongs to is deactivated."
    if not Membership.objects.filter(user=token.user, workspace_id=token.workspace_id).exists():
        return (
            "The owner of this access token is no longer a member of its workspace,"
            " so the token no longer works."
        )
    return generic


class AccessTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer kam_…``.

    The middleware already looked the token up (it needs the workspace before
    the view runs); this class turns its verdict into DRF's user and auth, and
    answers 401 with the reason when the token was refused. Token requests are
    not subject to CSRF: a browser never sends this header by itself.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        django_request = request._request
        if getattr(django_request, "access_token_invalid", False):
            header = django_request.headers.get("Authorization", "")
            raw = header.partition(" ")[2].strip() or None
            raise exceptions.AuthenticationFailed(_refusal_reason(raw))
        token = getattr(django_request, "access_token", None)
        if token is None:
            return None
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
