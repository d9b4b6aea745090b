"""API permission: the same written policy as the pages (kam.permissions)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from kam.permissions import Capability, role_can


class WorkspacePolicyPermission(BasePermission):
    """Signed in, a member of the request's workspace, and allowed by the policy.

    Reads need ``view.read_capability`` (default VIEW); writes need
    ``view.write_capability`` (default EDIT_ACCOUNTS).
    """

    message = "Your role in this workspace does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        membership = getattr(request._request, "membership", None)
        if not request.user or not request.user.is_authenticated or membership is None:
            return False
        if request.method in SAFE_METHODS:
            capability = getattr(view, "read_capability", Capability.VIEW)
        else:
            capability = getattr(view, "write_capability", Capability.EDIT_ACCOUNTS)
        return role_can(membership.role, capability)
