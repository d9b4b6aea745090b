"""The primary navigation: which items a member sees, where they lead, which is current.

Items are declared here once. Each names the URL names that would serve it, in
order of preference; the first one that exists wins. Pages that later issues
deliver (an accounts list, the portfolio dashboard, reviews) start as anchors
on the home page and move to their own page as soon as their URL name exists,
with no change here. Items with neither a page nor an anchor are left out, so
the navigation never offers a link that would answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kam.permissions import Capability


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_names: tuple[str, ...]
    capability: Capability = Capability.VIEW
    home_anchor: str | None = None
    """Section of the home page to link to while the item has no page of its own."""
    secondary: bool = False
    """Shown at the right end of the bar: workspace tools rather than the daily moments."""


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str
    current: bool
    secondary: bool


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("home", "Overview", ("home",)),
    NavItem("my-accounts", "My accounts", ("my-accounts",), home_anchor="my-accounts"),
    NavItem(
        "portfolio",
        "Portfolio",
        ("portfolio",),
        capability=Capability.VIEW_PORTFOLIO,
        home_anchor="portfolio",
    ),
    NavItem(
        "pipeline",
        "Pipeline",
        # Open opportunities across key accounts; one account's matrix counts as part of it.
        ("pipeline", "account-priorities"),
    ),
    NavItem(
        "selection",
        "Selection",
        # Only the first is reversed; the others mark the item current.
        (
            "selection",
            "selection-review",
            "selection-history",
            "selection-candidate",
            "selection-promote",
            "selection-demote",
        ),
    ),
    NavItem("reviews", "Reviews", ("reviews",), home_anchor="reviews"),
    # Workspace tools of those who bring the data in and set how it is valued.
    NavItem(
        "imports",
        "Import data",
        ("imports:upload", "imports:mapping", "imports:preview", "imports:check_status"),
        capability=Capability.MANAGE_DATA,
        secondary=True,
    ),
    NavItem(
        "valuation",
        "Valuation settings",
        (
            "valuation:settings",
            "valuation:exchange_rates",
            "valuation:exchange_rate_add",
            "valuation:exchange_rate_edit",
        ),
        capability=Capability.MANAGE_SETTINGS,
        secondary=True,
    ),
    NavItem(
        "members",
        "Members",
        ("members",),
        capability=Capability.MANAGE_MEMBERS,
        secondary=True,
    ),
    NavItem(
        "tokens",
        "API tokens",
        ("tokens",),
        capability=Capability.USE_API,
        secondary=True,
    ),
    NavItem("api-docs", "API docs", ("api-docs",), secondary=True),
)


def _first_reversible(url_names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in url_names:
        try:
            return name, reverse(name)
        except NoReverseMatch:
            continue
    return None


def navigation_for(request: HttpRequest, can: dict[str, bool]) -> list[NavLink]:
    """The links this member may follow, with the one for the current page marked."""
    match = getattr(request, "resolver_match", None)
    current_name = match.view_name if match is not None else None
    links: list[NavLink] = []
    for item in NAV_ITEMS:
        if not can.get(item.capability.value, False):
            continue
        found = _first_reversible(item.url_names)
        if found is not None:
            url = found[1]
            current = current_name is not None and current_name in item.url_names
        elif item.home_anchor is not None:
            url = f"{reverse('home')}#{item.home_anchor}"
            # An anchor on the home page is a part of Overview, not a page of its own.
            current = False
        else:
            continue
        links.append(NavLink(item.key, item.label, url, current, item.secondary))
    return links
