"""Template context every page gets: the workspace, the member's role and rights."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kam.permissions import capabilities_of
from kam.ui.capabilities import CAPABILITY_DESCRIPTIONS
from kam.ui.navigation import navigation_for
from kam.ui.themes import THEMES, other_theme, theme_of
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
    can = capabilities_of(membership.role if membership else None)
    theme = theme_of(request)
    toggle_to = other_theme(theme)
    return {
        "workspace": getattr(request, "workspace", None),
        "membership": membership,
        "my_memberships": memberships,
        "can": can,
        "nav_links": navigation_for(request, can) if membership is not None else [],
        "capability_descriptions": CAPABILITY_DESCRIPTIONS,
        "theme": theme,
        "theme_toggle_to": toggle_to,
        "theme_toggle_label": THEMES[toggle_to],
    }
