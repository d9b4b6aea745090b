"""Rate limits per user and workspace."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle


class WorkspaceUserRateThrottle(UserRateThrottle):
    """One bucket per person per workspace (a token's workspace, or the session's)."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        workspace = getattr(request._request, "workspace", None)
        ident = f"{request.user.pk}:{workspace.pk if workspace else '-'}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
