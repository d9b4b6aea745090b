"""Display themes and the cookie that remembers a person's choice."""

from __future__ import annotations

from django.http import HttpRequest

THEME_COOKIE = "kam_theme"
DEFAULT_THEME = "light"
# name -> label shown on the toggle that switches *to* it
THEMES: dict[str, str] = {
    "light": "Standard view",
    "projector": "Projector view",
}
# The cookie outlives sessions: the meeting-room laptop keeps its projector theme.
THEME_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def theme_of(request: HttpRequest) -> str:
    """The chosen theme, or the default for a missing or unknown cookie value."""
    value = request.COOKIES.get(THEME_COOKIE, DEFAULT_THEME)
    return value if value in THEMES else DEFAULT_THEME


def other_theme(theme: str) -> str:
    return "projector" if theme == "light" else "light"
