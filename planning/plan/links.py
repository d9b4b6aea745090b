"""Links into the account plan, written once for every part that points at it."""

from __future__ import annotations

from django.urls import reverse


def plan_url(customer_id: int, anchor: str = "") -> str:
    """The account's plan page (``account-plan``), at ``anchor`` when given."""
    url = reverse("account-plan", kwargs={"customer_id": customer_id})
    return f"{url}#{anchor}" if anchor else url
