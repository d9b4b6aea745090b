"""The pipeline page and the account's prioritization matrix page."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from planning.models import OpportunityState
from tests.factories import WorkspaceWorld
from tests.planning.pipeline.conftest import QUALIFIED, Book, client_for, fill

pytestmark = pytest.mark.django_db


def _ids(html: str) -> list[str]:
    """Opportunity ids in the list, in order (the pipeline table links each one)."""
    import re

    parts = html.split('<div class="pipeline-list">', 1)
    if len(parts) < 2:
        return []
    table = parts[1].split("</table>", 1)[0]
    return re.findall(r'href="/accounts/\d+/opportunities/(\d+)/"', table)


def test_empty_pipeline_says_what_to_do(world: WorkspaceWorld, book: Book) -> None:
    page = client_for(world).get(reverse("pipeline"))
    assert page.status_code == 200
    assert "No open opportunities at any key account yet" in page.content.decode()


def test_pipeline_lists_open_opportunities_of_key_accounts_only(
    world: WorkspaceWorld, book: Book
) -> None:
    open_one = book.add(book.borealis, "Furnace relining", value=Decimal(100000), probability=40)
    won = book.add(book.borealis, "Won deal", state=OpportunityState.WON)
    lost = book.add(book.acme, "Lost deal", state=OpportunityState.LOST)
    # world.a.customer is not a key account: its opportunity stays out.
    page = client_for(world).get(reverse("pipeline"))
    ids = _ids(page.content.decode())
    assert ids == [str(open_one.pk)]
    assert str(won.pk) not in ids and str(lost.pk) not in ids
    html = page.content.decode()
    assert 'data-total="weighted">40,000' in html
    assert 'data-total="value">100,000' in html


def test_filters_by_kam_quadrant_qualification_stage_and_account(
    world: WorkspaceWorld, book: Book
) -> None:
    a = book.add(
        book.borealis,
        "A",
        state=OpportunityState.IN_PROGRESS,
        buying_stage="proposal_evaluation",
        **QUALIFIED,
    )
    b = book.add(book.borealis, "B", state=OpportunityState.LONG_TERM)
    c = book.add(book.acme, "C", state=OpportunityState.IN_PROGRESS)
    client = client_for(world)
    url = reverse("pipeline")

    def ids(**params: object) -> set[str]:
        return set(_ids(client.get(url, params).content.decode()))

    assert ids() == {str(a.pk), str(b.pk), str(c.pk)}
    assert ids(kam=book.kam.pk) == {str(a.pk), str(b.pk)}
    assert ids(kam=book.kam2.pk) == {str(c.pk)}
    assert ids(quadrant="I") == {str(a.pk), str(c.pk)}
    assert ids(quadrant="IV") == {str(b.pk)}
    assert ids(qualified="yes") == {str(a.pk)}
    assert ids(qualified="no") == {str(b.pk), str(c.pk)}
    assert ids(stage="proposal_evaluation") == {str(a.pk)}
    assert ids(stage="none") == {str(b.pk), str(c.pk)}
    assert ids(account=book.acme.pk) == {str(c.pk)}
    assert ids(quadrant="I", kam=book.kam2.pk) == {str(c.pk)}
    # Nonsense is ignored, not an error page.
    assert ids(quadrant="V", stage="bogus", qualified="maybe", kam="x") == ids()


def test_mine_is_one_click_and_empty_filter_result_says_so(
    world: WorkspaceWorld, book: Book
) -> None:
    book.add(book.acme, "Only Acme")
    client = client_for(world)
    page = client.get(reverse("pipeline")).content.decode()
    assert f'href="{reverse("pipeline")}?kam={book.kam.pk}"' in page
    mine = client.get(reverse("pipeline"), {"kam": book.kam.pk}).content.decode()
    assert "No open opportunity matches these filters" in mine
    assert "Clear filters" in mine


def test_sorting_by_value_quadrant_and_close(world: WorkspaceWorld, book: Book) -> None:
    small = book.add(
        book.borealis,
        "Small",
        value=Decimal(10),
        state=OpportunityState.LONG_TERM,
        expected_close=datetime.date(2026, 3, 1),
    )
    big = book.add(
        book.acme,
        "Big",
        value=Decimal(1000),
        state=OpportunityState.DELAYED,
        expected_close=datetime.date(2027, 3, 1),
    )
    early = book.add(
        book.acme,
        "Early",
        value=Decimal(500),
        state=OpportunityState.EARLY_STAGE,
        expected_close=datetime.date(2026, 9, 1),
    )
    client = client_for(world)

    def order(sort: str) -> list[str]:
        return _ids(client.get(reverse("pipeline"), {"sort": sort}).content.decode())

    assert order("-value") == [str(big.pk), str(early.pk), str(small.pk)]
    assert order("close") == [str(small.pk), str(early.pk), str(big.pk)]
    assert order("-close") == [str(big.pk), str(early.pk), str(small.pk)]
    # I-IV order, not the alphabet of the state names.
    assert order("quadrant") == [str(early.pk), str(big.pk), str(small.pk)]
    html = client.get(reverse("pipeline"), {"sort": "-value"}).content.decode()
    assert '<option value="-value" selected>' in html


def test_by_account_breakdown_links_each_account_matrix(world: WorkspaceWorld, book: Book) -> None:
    book.add(book.borealis, "A", value=Decimal(100))
    book.add(book.borealis, "B", value=Decimal(50))
    html = client_for(world).get(reverse("pipeline")).content.decode()
    assert reverse("account-priorities", kwargs={"customer_id": book.borealis.pk}) in html
    assert reverse("account-priorities", kwargs={"customer_id": book.acme.pk}) not in html


def test_quadrant_and_stage_breakdowns_add_up(world: WorkspaceWorld, book: Book) -> None:
    book.add(book.borealis, "A", state=OpportunityState.IN_PROGRESS, value=Decimal(100))
    book.add(book.borealis, "B", state=OpportunityState.IN_PROGRESS, value=Decimal(50))
    book.add(book.acme, "C", state=OpportunityState.DELAYED, value=Decimal(7))
    from kam.tenancy.context import workspace_context
    from planning.pipeline import selectors

    with workspace_context(book.workspace):
        data = selectors.pipeline(workspace=book.workspace, filters=selectors.PipelineFilters())
    counts = {b.key: (b.count, b.value) for b in data.by_quadrant}
    assert counts == {
        "I": (2, Decimal(150)),
        "II": (0, Decimal(0)),
        "III": (1, Decimal(7)),
        "IV": (0, Decimal(0)),
    }
    assert [(b.key, b.count) for b in data.by_stage] == [("none", 3)]
    assert data.count == 3 and data.total_value == Decimal(157)


def test_csv_export_holds_the_filtered_rows(world: WorkspaceWorld, book: Book) -> None:
    opportunity = book.add(
        book.borealis,
        "Furnace relining",
        value=Decimal("120000"),
        probability=25,
        expected_close=datetime.date(2026, 6, 30),
        **QUALIFIED,
    )
    book.task(opportunity, "Site visit", due_date=datetime.date(2026, 2, 1))
    book.add(book.acme, "Elsewhere")
    response = client_for(world).get(
        reverse("pipeline"), {"account": book.borealis.pk, "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Account", "KAM", "Opportunity"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Opportunity"] == "Furnace relining"
    assert row["Weighted value"] == "30000.00"
    assert row["CABS qualified"] == "yes"
    assert row["Next action"] == "Site visit"
    assert row["Expected close"] == "2026-06-30"


def _queries(client, url: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_pipeline_query_count_is_the_same_for_10_and_100_opportunities(
    world: WorkspaceWorld, book: Book
) -> None:
    client = client_for(world)
    fill(book, 10)
    few, html = _queries(client, reverse("pipeline"))
    assert len(_ids(html)) == 10
    fill(book, 90)
    many, html = _queries(client, reverse("pipeline"))
    assert len(_ids(html)) == 100
    assert few == many <= 16
    # Filters and the CSV export do not add per-row queries either.
    filtered, _ = _queries(client, reverse("pipeline") + "?quadrant=I&qualified=no&sort=-value")
    assert filtered <= many
    csv_queries, _ = _queries(client, reverse("pipeline") + "?export=csv")
    assert csv_queries <= many


def test_account_priorities_query_count_is_the_same_for_10_and_100(
    world: WorkspaceWorld, book: Book
) -> None:
    client = client_for(world)
    url = reverse("account-priorities", kwargs={"customer_id": book.borealis.pk})
    fill(book, 10)
    few, html = _queries(client, url)
    assert html.count('<tr data-opportunity="') == 5
    fill(book, 90)
    many, html = _queries(client, url)
    assert html.count('<tr data-opportunity="') == 50
    assert few == many <= 12


def test_account_priorities_shows_the_whole_account_by_quadrant(
    world: WorkspaceWorld, book: Book
) -> None:
    book.add(book.borealis, "Furnace relining", state=OpportunityState.IN_PROGRESS, **QUALIFIED)
    book.add(book.borealis, "Slag handling", state=OpportunityState.LONG_TERM)
    book.add(book.acme, "Not this account", state=OpportunityState.IN_PROGRESS)
    page = client_for(world, "viewer").get(
        reverse("account-priorities", kwargs={"customer_id": book.borealis.pk})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Furnace relining" in html and "Slag handling" in html
    assert "Not this account" not in html
    assert 'aria-current="page"' in html  # the nav marks Pipeline current
    assert "Prioritization matrix" in html


def test_account_priorities_of_another_workspace_is_404(world: WorkspaceWorld) -> None:
    url = reverse("account-priorities", kwargs={"customer_id": world.b.customer.pk})
    assert client_for(world).get(url).status_code == 404


def test_pipeline_needs_sign_in(client, book: Book) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("pipeline"))
    assert response.status_code in (302, 403)


def test_pipeline_is_the_current_nav_item(world: WorkspaceWorld, book: Book) -> None:
    import re

    html = client_for(world).get(reverse("pipeline")).content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    assert nav is not None
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', nav.group(0))
    assert current == ["Pipeline"]


def test_account_without_open_opportunities_says_what_to_do(
    world: WorkspaceWorld, book: Book
) -> None:
    book.add(book.borealis, "Won already", state=OpportunityState.WON)
    html = (
        client_for(world)
        .get(reverse("account-priorities", kwargs={"customer_id": book.borealis.pk}))
        .content.decode()
    )
    assert "No open opportunities at this account yet" in html
    assert "Won already" not in html
