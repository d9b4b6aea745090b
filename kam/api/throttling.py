"""Rate limits per user and workspace."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class WorkspaceUserRateThrottle(UserRateThrottle):
    """One bucket per person per workspace (a token's workspace, or the session's).

    Over the limit the answer is 429 with ``Retry-After`` (seconds). The rate
    is ``settings.API_RATE_LIMIT`` when set, else REST_FRAMEWORK's
    ``DEFAULT_THROTTLE_RATES["user"]`` (from the ``API_RATE_LIMIT`` environment
    variable). Both are read per request: DRF's own class attribute is frozen
    at import, which would make the limit impossible to change in tests.
    """

    def get_rate(self) -> str | None:
        rate = getattr(settings, "API_RATE_LIMIT", None) or api_settings.DEFAULT_THROTTLE_RATES.get(
            str(self.scope)
        )
        return str(rate) if rate else None

    def allow_request(self, request: Request, view: Any) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        workspace = getattr(request._request, "workspace", None)
        ident = f"{request.user.pk}:{workspace.pk if workspace else '-'}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
