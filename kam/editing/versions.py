"""The version a page posted with a delete or a one-click change."""

from __future__ import annotations

from django.http import HttpRequest


def posted_version(request: HttpRequest) -> int | None:
    """The posted ``version`` as a number, or None when it is missing or not a number."""
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else None
