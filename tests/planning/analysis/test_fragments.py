"""The three fragments as another page includes them: the selector's dict merged into the
page context, plus ``opportunity``, ``customer`` and ``can``. Rendering adds no query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kam.permissions import capabilities_of
from planning.analysis.selectors import opportunity_analysis_context
from planning.opportunities.selectors import opportunity_for_page
from tests.factories import WorkspaceWorld
from tests.planning.analysis.conftest import Deal, fill_analyses

pytestmark = pytest.mark.usefixtures("in_workspace")

PAGE = Template(
    '{% include "planning/analysis/_needs.html" %}'
    '{% include "planning/analysis/_criteria.html" %}'
    '{% include "planning/analysis/_challenge.html" %}'
)


def _render(deal: Deal, role: str) -> tuple[str, int]:
    opportunity = opportunity_for_page(
        workspace=deal.workspace, customer=deal.customer, opportunity_id=deal.opportunity.pk
    )
    assert opportunity is not None
    request = RequestFactory().get("/accounts/1/opportunities/1/")
    with CaptureQueriesContext(connection) as queries:
        html = PAGE.render(
            Context(
                {
                    "request": request,
                    "customer": deal.customer,
                    "opportunity": opportunity,
                    "can": capabilities_of(role),
                    "csrf_token": "x",
                    **opportunity_analysis_context(opportunity),
                }
            )
        )
    return html, len(queries)


@pytest.mark.parametrize("rows", [3, 30])
def test_three_fragments_render_in_four_queries(
    world: WorkspaceWorld, deal: Deal, rows: int
) -> None:
    fill_analyses(deal, world, rows)
    html, queries = _render(deal, "kam")
    assert queries == 4
    assert html.count('id="needs"') == html.count('id="criteria"') == html.count('id="challenge"')
    assert "Add an expectation or concern" in html
    # Forms come back to the including page, at the section they were opened from.
    assert "?next=/accounts/1/opportunities/1/%23needs" in html
    assert "?next=/accounts/1/opportunities/1/%23challenge" in html


def test_viewers_get_the_same_content_without_controls(world: WorkspaceWorld, deal: Deal) -> None:
    fill_analyses(deal, world, 3)
    html, _ = _render(deal, "viewer")
    assert "Worried" in html
    assert "Add an expectation or concern" not in html
    assert "hx-post" not in html
    assert "<form" not in html
