"""Interface preferences: the display theme; and the component style guide."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kam.permissions import Capability
from kam.tenancy.views import workspace_view
from kam.ui.themes import THEME_COOKIE, THEME_COOKIE_MAX_AGE, THEMES


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.headers.get("Referer", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@require_POST
def theme_switch(request: HttpRequest) -> HttpResponse:
    """Remember the chosen theme in a cookie.

    Open to anonymous visitors too: the sign-in page on the meeting-room laptop
    should already be readable on the projector. app.js switches the page at
    once and posts here in the background (answered 204); without JavaScript
    the form posts and we send the person back where they were.
    """
    theme = request.POST.get("theme", "")
    if theme not in THEMES:
        return HttpResponseBadRequest("Unknown theme.")
    background = (
        bool(getattr(request, "htmx", False)) or request.headers.get("X-Requested-With") == "fetch"
    )
    response: HttpResponse = (
        HttpResponse(status=204) if background else redirect(_safe_next(request))
    )
    response.set_cookie(
        THEME_COOKIE,
        theme,
        max_age=THEME_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@workspace_view(Capability.VIEW)
def styleguide(request: HttpRequest) -> HttpResponse:
    """Every shared component on one page: the reference for people building pages."""
    return render(request, "components/styleguide.html")
