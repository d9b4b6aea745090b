"""API authentication by personal access token (resolved by WorkspaceMiddleware)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request


class AccessTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer kam_…``.

    The middleware already looked the token up (it needs the workspace before
    the view runs); this class turns its verdict into DRF's user and auth.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        django_request = request._request
        if getattr(django_request, "access_token_invalid", False):
            raise exceptions.AuthenticationFailed("Invalid, revoked or expired access token.")
        token = getattr(django_request, "access_token", None)
        if token is None:
            return None
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
