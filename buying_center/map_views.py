"""The relationship-map page of a key account, and the same map as a downloadable SVG."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.models import Customer
from buying_center.relationship_map import (
    GraphvizFailed,
    GraphvizMissing,
    MapOptions,
    RenderedMap,
    relationship_map,
)
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceRequest
from kam.tenancy.views import workspace_get_object_or_404, workspace_view
from kam.ui.themes import theme_of

GROUPINGS: dict[str, str] = {"function": "Function", "site": "Site", "none": "No grouping"}


@dataclass(frozen=True)
class AttentionList:
    """The map's warnings in words: a text alternative to the picture, and a to-do list."""

    at_risk: list[object]
    uncovered: list[object]
    stale: list[object]
    opponents: list[object]


def _options(request: WorkspaceRequest) -> MapOptions:
    group = request.GET.get("group", "function")
    return MapOptions(
        show_influence=request.GET.get("influence", "on") != "off",
        only_with_roles=request.GET.get("roles_only") == "on",
        cluster_by=group if group in ("function", "site") else "",
    )


def _draw(request: WorkspaceRequest, customer: Customer) -> tuple[RenderedMap | None, str]:
    try:
        drawn = relationship_map(
            workspace=request.workspace,
            customer_id=customer.pk,
            title=f"{customer.name}: relationship map",
            options=_options(request),
        )
    except (GraphvizMissing, GraphvizFailed) as problem:
        return None, str(problem)
    return drawn, ""


_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def _sized_for_screen(svg: str, scale: float) -> str:
    """Shown at ``scale`` of Graphviz's size: names stay legible, a scroll pans the rest."""

    def resize(match: re.Match[str]) -> str:
        width, height = (float(match.group(n)) * scale for n in (1, 2))
        return f'<svg width="{width:.0f}pt" height="{height:.0f}pt"'

    return _SIZE.sub(resize, svg, count=1)


def _attention(drawn: RenderedMap) -> AttentionList:
    people = drawn.people
    flags = drawn.flags
    return AttentionList(
        at_risk=[p for p in people if flags[p.id].key_person_at_risk],
        uncovered=[p for p in people if flags[p.id].uncovered],
        stale=[p for p in people if flags[p.id].stale],
        opponents=[p for p in people if p.opponent_influencer],
    )


@require_GET
@workspace_view(Capability.VIEW)
def account_map(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    customer = workspace_get_object_or_404(
        request.workspace,
        Customer.objects.select_related("owner"),
        pk=customer_id,
    )
    drawn, problem = _draw(request, customer)
    options = _options(request)
    context = {
        "customer": customer,
        "active_tab": "map",
        "map": drawn,
        # The projector needs the larger letters; a desk screen shows more at once.
        "svg": _sized_for_screen(drawn.svg, 1.0 if theme_of(request) == "projector" else 0.75)
        if drawn
        else "",
        "problem": problem,
        "attention": _attention(drawn) if drawn else None,
        "options": options,
        "group": request.GET.get("group", "function"),
        "groupings": GROUPINGS,
        "query": request.GET.urlencode(),
    }
    if getattr(request, "htmx", False):
        return render(request, "buying_center/map/_map.html", context)
    return render(request, "buying_center/map/map.html", context)


def _message_svg(message: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="60" viewBox="0 0 900 60">'
        '<rect width="900" height="60" fill="#ffffff" stroke="#b3001b" stroke-width="2"/>'
        '<text x="12" y="35" font-family="Helvetica,Arial,sans-serif" font-size="13"'
        f' fill="#1a1a1a">{escape(message)}</text></svg>'
    )


@require_GET
@workspace_view(Capability.VIEW)
def account_map_svg(request: WorkspaceRequest, customer_id: int) -> HttpResponse:
    """The map alone, as a standalone SVG file (for slides, e-mail or the PDF)."""
    customer = workspace_get_object_or_404(
        request.workspace,
        Customer,
        pk=customer_id,
    )
    drawn, problem = _draw(request, customer)
    if drawn is None:
        # A picture of the message, so a slide or a PDF that embeds this URL says
        # what is wrong. (Not a 503: kam.tenancy.middleware cannot yet close a
        # transaction it rolled back for a 5xx; see the lead's notes.)
        response = HttpResponse(_message_svg(problem), content_type="image/svg+xml")
        response["Cache-Control"] = "no-store"
        response["X-Map-Problem"] = "graphviz"
        return response
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + drawn.svg,
        content_type="image/svg+xml; charset=utf-8",
    )
    if request.GET.get("download"):
        filename = f"{slugify(customer.name) or 'account'}-relationship-map.svg"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
