"""Template context every page gets: the workspace, the member's role and rights."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kam.permissions import capabilities_of
from kam.workspaces.models import Membership


def workspace(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    memberships: list[Membership] = []
    if (
        user is not None
        and user.is_authenticated
        and getattr(request, "access_token", None) is None
    ):
        memberships = list(
            Membership.objects.filter(user=user)
            .select_related("workspace")
            .order_by("workspace__name")
        )
    return {
        "workspace": getattr(request, "workspace", None),
        "membership": membership,
        "my_memberships": memberships,
        "can": capabilities_of(membership.role if membership else None),
        "theme": request.COOKIES.get("kam_theme", "light"),
    }
