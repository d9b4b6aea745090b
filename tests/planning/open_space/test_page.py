"""The Open Space page: empty state, start, matrix, views, viewers, query counts, layout."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Customer, CustomerStatus, Offering, SalesLine
from kam.tenancy.context import workspace_context
from planning.models import (
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
)
from planning.open_space.clipboard import parse_clipboard
from planning.open_space.presenters import compact
from planning.open_space.services import layout, open_spaces
from tests.factories import Tenant, WorkspaceWorld

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def client_for(tenant: Tenant, role: str = "kam") -> Client:
    client = Client()
    client.force_login(tenant.user(role))
    return client


def build_matrix(tenant: Tenant, rows: int, columns: int, *, name: str = "Gulf Oilfield") -> Any:
    """A key account with a rows x columns Open Space, some sales, potentials and a CSF.

    Every fourth cell has sales lines last year (incumbent), every third open
    cell a potential; one CSF aligned on a few cells; a co-creation column last.
    """
    with workspace_context(tenant.workspace):
        customer = Customer.objects.create(
            external_id=f"KA-{name}-{rows}x{columns}",
            name=name,
            status=CustomerStatus.KEY_ACCOUNT,
            owner=tenant.user("kam"),
        )
        open_space = OpenSpace.objects.create(customer=customer)
        csf = CriticalSuccessFactor.objects.create(customer=customer, title="Cut downtime")
        offerings = [
            Offering.objects.create(
                code=f"{customer.pk}-O{c}",
                name=f"Offering {c}",
                business_unit=f"BU {c % 3}",
            )
            for c in range(columns - 1)
        ]
        cols = [
            OpenSpaceColumn.objects.create(
                open_space=open_space, offering=o, group=o.business_unit, position=i
            )
            for i, o in enumerate(offerings)
        ]
        cols.append(
            OpenSpaceColumn.objects.create(
                open_space=open_space, name="Digital twin", position=columns
            )
        )
        segs = [
            OpenSpaceSegment.objects.create(
                open_space=open_space, group=f"Region {r % 4}", name=f"Site {r}", position=r
            )
            for r in range(rows)
        ]
        lines, cells = [], []
        for r, seg in enumerate(segs):
            for c, col in enumerate(cols):
                if col.offering_id and (r + c) % 4 == 0:
                    lines.append(
                        SalesLine(
                            workspace_id=tenant.workspace.pk,
                            customer=customer,
                            offering=col.offering,
                            segment=seg.name,
                            date=datetime.date(LAST_YEAR, 5, 1),
                            net_sales=Decimal("125000"),
                            cost_of_goods=Decimal("60000"),
                            source_key=f"{customer.pk}-{r}-{c}",
                        )
                    )
                elif (r + c) % 3 == 0:
                    cells.append(
                        OpenSpaceCell(
                            workspace_id=tenant.workspace.pk,
                            open_space=open_space,
                            segment=seg,
                            column=col,
                            potential=Decimal("250000"),
                            success_factor=csf if (r + c) % 2 == 0 else None,
                            competitor="Halliburton" if c == 1 else "",
                        )
                    )
        SalesLine.objects.bulk_create(lines)
        OpenSpaceCell.objects.bulk_create(cells)
    return customer, open_space, segs, cols


def page_url(customer: Customer) -> str:
    return reverse("account-open-space", kwargs={"customer_id": customer.pk})


def test_compact_amounts() -> None:
    assert compact(Decimal("1234567")) == "1.2M"
    assert compact(Decimal("12500")) == "12.5k"
    assert compact(Decimal("250000")) == "250k"
    assert compact(Decimal("950")) == "950"
    assert compact(Decimal("2000000000")) == "2B"
    assert compact(None) == ""


def test_clipboard_from_excel() -> None:
    assert parse_clipboard("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert parse_clipboard('"a ""b"""\tc\n') == [['a "b"', "c"]]
    assert parse_clipboard("5") == [["5"]]


def test_matrix_page_renders_groups_totals_and_marks(world: WorkspaceWorld) -> None:
    customer, _open_space, _segs, _cols = build_matrix(world.a, 5, 5)
    response = client_for(world.a).get(page_url(customer))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="os-matrix"' in html
    assert "Region 0" in html and "BU 1" in html
    assert "Co-creation (not in catalog)" in html
    assert html.count('role="gridcell"') == 25
    assert 'class="os-cell is-incumbent' in html
    assert "is-priority" in html
    assert "CSF: Cut downtime" in html
    assert "Competitor: Halliburton" in html
    assert "+250k" in html
    assert "125k" in html and "125,000.00 EUR" in html
    assert "data-total-grand" in html
    assert "Unrealized potential value" in html
    assert "Critical success factors" in html
    assert 'data-editable="true"' in html
    assert "open_space.js" in html


def test_view_comes_from_the_url(world: WorkspaceWorld) -> None:
    customer, *_ = build_matrix(world.a, 2, 2)
    html = client_for(world.a).get(page_url(customer) + "?view=priority").content.decode()
    assert 'data-view="priority"' in html
    html = client_for(world.a).get(page_url(customer) + "?view=bogus").content.decode()
    assert 'data-view="plain"' in html


def test_page_query_count_does_not_grow_with_the_matrix(world: WorkspaceWorld) -> None:
    small, *_ = build_matrix(world.a, 5, 5, name="Small")
    large, *_ = build_matrix(world.a, 40, 20, name="Large")
    client = client_for(world.a)
    client.get(page_url(small))  # warm the session and caches
    counts = []
    for customer in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page_url(customer))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    html = response.content.decode()
    assert html.count('role="gridcell"') == 800


def _account_with_sales(tenant: Tenant) -> Customer:
    with workspace_context(tenant.workspace):
        customer = Customer.objects.create(
            external_id="KA-NEW",
            name="Borealis Steel",
            status=CustomerStatus.KEY_ACCOUNT,
            owner=tenant.user("kam"),
        )
        for key, segment in enumerate(["Rolling mill", " rolling mill ", "Foundry"]):
            SalesLine.objects.create(
                customer=customer,
                offering=tenant.offering,
                segment=segment,
                date=datetime.date(LAST_YEAR, 2, 1),
                net_sales=Decimal("1000"),
                cost_of_goods=Decimal("500"),
                source_key=f"new-{key}",
            )
    return customer


def test_empty_state_offers_segments_and_offerings_and_starts_the_matrix(
    world: WorkspaceWorld,
) -> None:
    customer = _account_with_sales(world.a)
    client = client_for(world.a)
    html = client.get(page_url(customer)).content.decode()
    assert "No Open Space yet" in html
    assert "Start the Open Space" in html
    assert html.count('name="segments"') == 2  # "Rolling mill" once, whatever its spelling
    assert "Pump maintenance" in html
    with workspace_context(world.a.workspace):
        suggested = layout.segments_suggest(customer=customer)
    assert [name.lower() for name in suggested] == ["foundry", "rolling mill"]
    assert world.a.offering is not None
    response = client.post(
        reverse("account-open-space-start", kwargs={"customer_id": customer.pk}),
        {"segments": suggested, "offerings": [world.a.offering.pk]},
    )
    assert response.status_code == 302
    with workspace_context(world.a.workspace):
        open_space = OpenSpace.objects.get(customer=customer)
        assert sorted(open_space.segments.values_list("name", flat=True)) == suggested
        assert open_space.columns.get().offering == world.a.offering
    html = client.get(page_url(customer)).content.decode()
    assert html.count('role="gridcell"') == 2
    # The two "Rolling mill" lines (case and spaces differ) are one incumbent cell of 2,000.
    assert "2,000.00 EUR" in html


def test_viewer_sees_the_matrix_read_only(world: WorkspaceWorld) -> None:
    customer, *_ = build_matrix(world.a, 3, 3)
    html = client_for(world.a, "viewer").get(page_url(customer)).content.decode()
    assert html.count('role="gridcell"') == 9
    assert 'data-editable="false"' in html
    assert 'aria-readonly="true"' in html
    for control in ["os-panel-form", "Add a row", "Add catalog columns", "Editing", "Save cell"]:
        assert control not in html, control
    empty, *_ = (_account_with_sales(world.a),)
    html = client_for(world.a, "viewer").get(page_url(empty)).content.decode()
    assert "Nobody has started it yet" in html
    assert "Start the Open Space" not in html


def test_viewer_cannot_change_the_layout(world: WorkspaceWorld) -> None:
    customer, open_space, segs, _ = build_matrix(world.a, 2, 2)
    viewer = client_for(world.a, "viewer")
    url = reverse(
        "open-space-segment-remove",
        kwargs={"customer_id": customer.pk, "open_space_segment_id": segs[0].pk},
    )
    assert viewer.post(url, {"layout_version": open_space.version}).status_code == 403
    start = reverse("account-open-space-start", kwargs={"customer_id": customer.pk})
    assert viewer.post(start, {}).status_code == 403


def _layout_url(name: str, customer: Customer, **ids: int) -> str:
    return reverse(name, kwargs={"customer_id": customer.pk, **ids})


def _version(world: WorkspaceWorld, open_space: OpenSpace) -> int:
    with workspace_context(world.a.workspace):
        return OpenSpace.objects.get(pk=open_space.pk).version


def test_add_rename_and_move_rows(world: WorkspaceWorld) -> None:
    customer, open_space, segs, _ = build_matrix(world.a, 3, 2)
    client = client_for(world.a)
    response = client.post(
        _layout_url("open-space-segment-add", customer),
        {
            "row-name": "Site 9",
            "row-group": "Region 1",
            "row-sales_segment": "",
            "row-layout_version": _version(world, open_space),
        },
    )
    assert response.status_code == 302
    response = client.post(
        _layout_url("open-space-segment-edit", customer, open_space_segment_id=segs[0].pk),
        {
            "name": "Site Zero",
            "group": "Region 0",
            "sales_segment": "S0",
            "layout_version": _version(world, open_space),
        },
    )
    assert response.status_code == 302
    with workspace_context(world.a.workspace):
        renamed = OpenSpaceSegment.objects.get(pk=segs[0].pk)
        assert (renamed.name, renamed.sales_segment) == ("Site Zero", "S0")
        assert OpenSpaceSegment.objects.filter(name="Site 9", group="Region 1").exists()
    # Site 1 is first of Region 1: moving it up is refused, the page says why.
    response = client.post(
        _layout_url("open-space-segment-move", customer, open_space_segment_id=segs[1].pk),
        {"direction": "up", "layout_version": _version(world, open_space)},
    )
    assert response.status_code == 400
    assert "already the first row of Region 1" in response.content.decode()


def test_stale_layout_is_refused_and_the_current_one_shown(world: WorkspaceWorld) -> None:
    customer, open_space, segs, _ = build_matrix(world.a, 2, 2)
    seen = _version(world, open_space)
    with workspace_context(world.a.workspace):
        layout.segment_add(
            open_space=open_space, name="Added meanwhile", expected_open_space_version=seen
        )
    client = client_for(world.a)
    response = client.post(
        _layout_url("open-space-segment-edit", customer, open_space_segment_id=segs[0].pk),
        {"name": "Mine", "group": "Region 0", "sales_segment": "", "layout_version": seen},
        follow=True,
    )
    html = response.content.decode()
    assert "Someone else changed the rows or columns" in html
    assert "Added meanwhile" in html
    with workspace_context(world.a.workspace):
        assert OpenSpaceSegment.objects.get(pk=segs[0].pk).name == "Site 0"


def test_a_refused_new_row_keeps_what_was_typed(world: WorkspaceWorld) -> None:
    customer, open_space, *_ = build_matrix(world.a, 2, 2)
    response = client_for(world.a).post(
        _layout_url("open-space-segment-add", customer),
        {
            "row-name": "Site 0",
            "row-group": "Region 0",
            "row-sales_segment": "Typed segment",
            "row-layout_version": _version(world, open_space),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is already a row Site 0 in Region 0" in html
    assert 'value="Typed segment"' in html


def test_remove_a_row_asks_first_and_counts_filled_cells(world: WorkspaceWorld) -> None:
    customer, open_space, segs, _ = build_matrix(world.a, 4, 4)
    url = _layout_url("open-space-segment-remove", customer, open_space_segment_id=segs[0].pk)
    client = client_for(world.a)
    with workspace_context(world.a.workspace):
        filled = OpenSpaceCell.objects.filter(segment=segs[0]).count()
    html = client.get(url).content.decode()
    assert f"{filled} filled cell" in html
    assert "Remove the row" in html
    with workspace_context(world.a.workspace):
        assert OpenSpaceSegment.objects.filter(pk=segs[0].pk).exists()
    response = client.post(url, {"layout_version": _version(world, open_space)})
    assert response.status_code == 302
    with workspace_context(world.a.workspace):
        assert not OpenSpaceSegment.objects.filter(pk=segs[0].pk).exists()


def test_columns_add_co_creation_rename_move_remove(world: WorkspaceWorld) -> None:
    customer, open_space, _, cols = build_matrix(world.a, 2, 3)
    client = client_for(world.a)
    with workspace_context(world.a.workspace):
        spare = Offering.objects.create(code="SPARE", name="Spare parts", business_unit="BU 0")
    html = client.get(page_url(customer)).content.decode()
    assert "Spare parts" in html  # offered: not in the matrix yet
    response = client.post(
        _layout_url("open-space-columns-add", customer),
        {"columns-offerings": [spare.pk], "columns-layout_version": _version(world, open_space)},
    )
    assert response.status_code == 302
    response = client.post(
        _layout_url("open-space-co-creation-add", customer),
        {"idea-name": "", "idea-group": "", "idea-layout_version": _version(world, open_space)},
    )
    assert response.status_code == 400
    assert "Name the co-creation idea" in response.content.decode()
    response = client.post(
        _layout_url("open-space-co-creation-add", customer),
        {
            "idea-name": "Remote monitoring",
            "idea-group": "",
            "idea-layout_version": _version(world, open_space),
        },
    )
    assert response.status_code == 302
    response = client.post(
        _layout_url("open-space-column-edit", customer, open_space_column_id=cols[0].pk),
        {"name": "Pumps", "group": "BU 0", "layout_version": _version(world, open_space)},
    )
    assert response.status_code == 302
    html = client.get(page_url(customer)).content.decode()
    assert ">Pumps</th>" in html and ">Remote monitoring</th>" in html and "Spare parts" in html
    remove = _layout_url("open-space-column-remove", customer, open_space_column_id=cols[0].pk)
    assert "Remove the column Pumps?" in client.get(remove).content.decode()
    assert client.post(remove, {"layout_version": _version(world, open_space)}).status_code == 302
    with workspace_context(world.a.workspace):
        assert not OpenSpaceColumn.objects.filter(pk=cols[0].pk).exists()


def test_empty_matrix_says_what_to_add(world: WorkspaceWorld) -> None:
    customer = _account_with_sales(world.a)
    with workspace_context(world.a.workspace):
        open_spaces.open_space_get_or_create(customer=customer)
    html = client_for(world.a).get(page_url(customer)).content.decode()
    assert "The matrix needs rows and columns" in html
    assert re.search(r'<details class="[^"]*os-layout" id="layout" open', html)
    assert 'data-suggest="Foundry"' in html  # suggested as a row


def test_a_new_row_on_a_stale_layout_keeps_what_was_typed(world: WorkspaceWorld) -> None:
    customer, open_space, *_ = build_matrix(world.a, 2, 2)
    seen = _version(world, open_space)
    with workspace_context(world.a.workspace):
        layout.segment_add(
            open_space=open_space, name="Added meanwhile", expected_open_space_version=seen
        )
    client = client_for(world.a)
    typed = {
        "row-name": "My new site",
        "row-group": "Region 9",
        "row-sales_segment": "",
        "row-layout_version": seen,
    }
    response = client.post(_layout_url("open-space-segment-add", customer), typed)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed the rows or columns" in html
    assert 'value="My new site"' in html and "Added meanwhile" in html
    current = _version(world, open_space)
    assert f'name="row-layout_version" value="{current}"' in html
    # Sending it again (now knowingly) adds the row.
    again = client.post(
        _layout_url("open-space-segment-add", customer),
        {**typed, "row-layout_version": current},
    )
    assert again.status_code == 302
    with workspace_context(world.a.workspace):
        assert OpenSpaceSegment.objects.filter(name="My new site").exists()


def test_another_accounts_row_answers_404(world: WorkspaceWorld) -> None:
    customer, open_space, *_ = build_matrix(world.a, 2, 2)
    _, _, other_segs, other_cols = build_matrix(world.a, 2, 2, name="Acme Mining")
    client = client_for(world.a)
    edit = _layout_url("open-space-segment-edit", customer, open_space_segment_id=other_segs[0].pk)
    response = client.post(edit, {"name": "x", "layout_version": open_space.version})
    assert response.status_code == 404
    remove = _layout_url(
        "open-space-column-remove", customer, open_space_column_id=other_cols[0].pk
    )
    assert client.get(remove).status_code == 404
