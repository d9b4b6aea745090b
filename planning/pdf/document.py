"""The printed account plan: the plan page's own context, plus a cover and the map.

The figures come from ``planning.plan.page_views.page_context``, the function
that draws the plan page, so the PDF can never disagree with the page. It runs
here without a request (in a worker); ``page_context`` reads only the
workspace and the user from its request, so a small stand-in carries those.
Without ``can`` in the context the page's fragments draw their read-only
variant: no forms, no buttons.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from accounts.models import Customer
from buying_center.relationship_map import GraphvizFailed, GraphvizMissing, relationship_map
from kam.tenancy.request import WorkspaceRequest
from kam.workspaces.models import Workspace
from planning.pdf.render import content_hash, render_html
from planning.plan.page_views import page_context

PLAN_TEMPLATE = "planning/pdf/plan.html"


@dataclass
class _Reader:
    """What ``page_context`` reads from a request: the workspace and who is reading."""

    workspace: Workspace
    user: Any
    htmx: bool = False


@dataclass(frozen=True)
class PlanDocument:
    html: str
    digest: str
    customer: Customer
    today: datetime.date

    @property
    def filename(self) -> str:
        # The digest in the name is what a repeated request finds the stored file by.
        return f"account-plan-{self.customer.pk}-{self.today:%Y-%m-%d}-{self.digest[:16]}.pdf"


def _map_image(workspace: Workspace, customer: Customer) -> tuple[str, str]:
    """The relationship map as a ``data:`` URI (nothing to fetch), or why it is missing."""
    try:
        drawn = relationship_map(
            workspace=workspace,
            customer_id=customer.pk,
            title=f"{customer.name}: relationship map",
        )
    except (GraphvizMissing, GraphvizFailed) as problem:
        return "", str(problem) or "The map could not be drawn on this server."
    if not drawn.shown:
        return "", "Nobody in the buying center has a role yet, so there is no map to draw."
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + drawn.svg
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}", ""


def plan_document_context(
    *,
    workspace: Workspace,
    customer: Customer,
    user: Any,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    today = today or timezone.localdate()
    reader = cast(WorkspaceRequest, _Reader(workspace=workspace, user=user))
    context = page_context(reader, customer, today=today)
    map_src, map_problem = _map_image(workspace, customer)
    context.update(
        {
            "workspace": workspace,
            "map_src": map_src,
            "map_problem": map_problem,
            "document_title": f"Account plan · {customer.name}",
        }
    )
    # Forms have no place on paper; dropping them keeps the HTML (and so the
    # cache key) free of anything a form adds.
    for name in ("satisfaction_form", "owner_form"):
        context.pop(name, None)
    return context


def plan_document(
    *, workspace: Workspace, customer: Customer, user: Any, today: datetime.date | None = None
) -> PlanDocument:
    today = today or timezone.localdate()
    context = plan_document_context(workspace=workspace, customer=customer, user=user, today=today)
    html = render_html(PLAN_TEMPLATE, context)
    return PlanDocument(html=html, digest=content_hash(html), customer=customer, today=today)
