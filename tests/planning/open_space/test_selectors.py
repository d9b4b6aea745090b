"""The Open Space matrix: sales per cell, totals, incumbent/open/priority cells, query count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Customer, ExchangeRate
from kam.tenancy.context import workspace_context
from planning.open_space.selectors import (
    CO_CREATION_GROUP,
    open_space_for,
    open_space_matrix,
)
from planning.open_space.services import cells, layout
from tests.factories import WorkspaceWorld
from tests.planning.open_space.oil_field import (
    LAST_YEAR,
    MILLION,
    TODAY,
    add_sales,
    build_open_space,
    cell_at,
    fill_oil_field_potentials,
    oil_field_open_space,
)

pytestmark = pytest.mark.django_db


def test_oil_field_matrix_sales_totals_and_upv(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = oil_field_open_space(world.a)
        africa_csf = fill_oil_field_potentials(world.a, open_space)
        matrix = open_space_matrix(open_space, today=TODAY)
    assert matrix.year == LAST_YEAR
    assert matrix.currency == "EUR"
    assert len(matrix.segments) == 10 and len(matrix.columns) == 11
    assert len(matrix.cells) == 110
    assert [group for group, _ in matrix.columns_grouped()] == [
        "Exploration BU",
        "Development BU",
        "Production BU",
        CO_CREATION_GROUP,
    ]
    assert [(g, [s.name for s in heads]) for g, heads in matrix.rows_grouped()][1] == (
        "Americas",
        ["South America", "Canada", "Mexico", "Trinidad and Tobago", "United States", "Alaska"],
    )
    by_label = {column.label: column.id for column in matrix.columns}
    by_name = {segment.name: segment.id for segment in matrix.segments}
    # Column totals of Figure 1.1 (in $1M) as its cells add up (the seed's totals row was
    # garbled in extraction; production matches its 36).
    assert matrix.column_totals[by_label["Production"]].sales == 36 * MILLION
    assert matrix.column_totals[by_label["Evaluation"]].sales == Decimal("3.6") * MILLION
    assert matrix.column_totals[by_label["Pressure Pumping"]].sales == 0
    assert matrix.row_totals[by_name["Africa"]].sales == Decimal("11.6") * MILLION
    assert matrix.row_totals[by_name["Africa"]].potential == Decimal("4.0") * MILLION
    assert matrix.grand_total.sales == Decimal("57.2") * MILLION
    assert matrix.grand_total.potential == Decimal("10.25") * MILLION
    production = matrix.cell(by_name["Africa"], by_label["Production"])
    assert (production.sales_source, production.sales_line_count, production.is_open) == (
        "lines",
        1,
        False,
    )
    # UPV: open cells only. Drilling and reservoir development are sold elsewhere (up-sell),
    # pressure pumping and hydrocarbon processing nowhere (cross-sell).
    assert (matrix.upv.up_sell, matrix.upv.cross_sell, matrix.upv.co_creation) == (
        Decimal("3.5") * MILLION,
        Decimal("5") * MILLION,
        Decimal("1.25") * MILLION,
    )
    assert matrix.upv.total == Decimal("9.75") * MILLION
    # Priority: open, CSF-aligned, no competitor. Reservoir development is held by a competitor.
    drilling = matrix.cell(by_name["Africa"], by_label["Drilling"])
    reservoir = matrix.cell(by_name["Africa"], by_label["Reservoir Development"])
    assert drilling.is_priority and drilling.success_factor_title == africa_csf.title
    assert reservoir.is_open and reservoir.success_factor_id and not reservoir.is_priority
    assert matrix.priority_count == 1
    assert [c.key for c in matrix.priority_cells()] == [drilling.key]
    empty = matrix.cell(by_name["Europe"], by_label["HPHT"])
    assert (empty.cell_id, empty.version, empty.sales, empty.sales_source) == (None, 0, None, None)


def test_sales_match_segment_ignoring_case_and_spaces_other_years_and_offerings(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        open_space = build_open_space(
            world.a, rows=[("", "Africa")], columns=[("BU", ["Drilling", "Evaluation"])]
        )
        add_sales(world.a, segment="  AFRICA ", offering="Drilling", amount="100")
        add_sales(world.a, segment="africa", offering="Drilling", amount="50.50")
        add_sales(world.a, segment="Africa", offering="Drilling", amount="999", year=LAST_YEAR - 1)
        add_sales(world.a, segment="Africa", offering="Drilling", amount="999", year=LAST_YEAR + 1)
        add_sales(world.a, segment="Africa North", offering="Drilling", amount="999")
        # Another account's lines never count.
        other = Customer.objects.create(external_id="a-OTHER", name="Other")
        add_sales(world.a, segment="Africa", offering="Drilling", amount="999", customer=other)
        matrix = open_space_matrix(open_space, today=TODAY)
    (segment,) = matrix.segments
    drilling, evaluation = matrix.columns
    cell = matrix.cell(segment.id, drilling.id)
    assert (cell.sales, cell.sales_source, cell.sales_line_count) == (Decimal("150.50"), "lines", 2)
    assert matrix.cell(segment.id, evaluation.id).sales is None


def test_sales_key_and_foreign_currency_converted_at_the_dated_rate(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        open_space = build_open_space(
            world.a, rows=[("West", "Plant 7")], columns=[("BU", ["Drilling"])]
        )
        (segment_id, column_id) = cell_at(open_space, "Plant 7", "Drilling")
        layout.segment_update(
            open_space=open_space,
            segment_id=segment_id,
            sales_segment="P7",
            expected_open_space_version=open_space.version,
        )
        ExchangeRate.objects.create(
            currency="USD", valid_from=datetime.date(LAST_YEAR, 1, 1), rate="0.5"
        )
        ExchangeRate.objects.create(
            currency="USD", valid_from=datetime.date(LAST_YEAR, 7, 1), rate="0.8"
        )
        add_sales(
            world.a, segment="p7", offering="Drilling", amount="100", currency="USD", day=(3, 1)
        )
        add_sales(
            world.a, segment="P7", offering="Drilling", amount="100", currency="usd", day=(9, 1)
        )
        add_sales(world.a, segment="P7", offering="Drilling", amount="10", currency="EUR")
        # No CHF rate at all: left out and reported, never taken at face value.
        add_sales(world.a, segment="P7", offering="Drilling", amount="1000", currency="CHF")
        matrix = open_space_matrix(open_space, today=TODAY)
    cell = matrix.cell(segment_id, column_id)
    assert cell.sales == Decimal("140.00")  # 50 + 80 + 10
    assert cell.sales_line_count == 3
    assert matrix.missing_rate_lines == 1
    assert "CHF" in matrix.missing_rate_sentence


def test_entered_sales_used_only_without_lines_and_co_creation_never_reads_lines(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        open_space = build_open_space(
            world.a,
            rows=[("", "Africa"), ("", "Europe")],
            columns=[("BU", ["Drilling"])],
            co_creation=["Drilling"],
        )
        add_sales(world.a, segment="Africa", offering="Drilling", amount="300")
        matrix = open_space_matrix(open_space, today=TODAY)
        catalog, idea = matrix.columns
        africa, europe = matrix.segments
        for segment in (africa, europe):
            for column in (catalog, idea):
                cells.cell_save(
                    open_space=open_space,
                    segment_id=segment.id,
                    column_id=column.id,
                    changes={"entered_sales": "20"},
                    expected_version=0,
                    user=None,
                )
        matrix = open_space_matrix(open_space, today=TODAY)
    assert (
        matrix.cell(africa.id, catalog.id).sales,
        matrix.cell(africa.id, catalog.id).sales_source,
    ) == (
        Decimal("300.00"),
        "lines",
    )
    for segment, column in ((europe, catalog), (africa, idea), (europe, idea)):
        cell = matrix.cell(segment.id, column.id)
        assert (cell.sales, cell.sales_source, cell.is_open) == (Decimal("20.00"), "entered", False)
    assert matrix.column_totals[idea.id].sales == Decimal("40.00")


def test_zero_or_negative_sales_leave_a_cell_open(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace):
        open_space = build_open_space(
            world.a, rows=[("", "Africa")], columns=[("BU", ["Drilling"])]
        )
        add_sales(world.a, segment="Africa", offering="Drilling", amount="100")
        add_sales(world.a, segment="Africa", offering="Drilling", amount="-100")
        matrix = open_space_matrix(open_space, today=TODAY)
    (cell,) = matrix.cells.values()
    assert (cell.sales, cell.sales_source, cell.is_open) == (Decimal("0.00"), "lines", True)


def _grid(world: WorkspaceWorld, rows: int, columns: int) -> int:
    """Queries of open_space_matrix on a rows x columns matrix with a value in every cell."""
    with workspace_context(world.a.workspace):
        open_space = build_open_space(
            world.a,
            customer=Customer.objects.create(external_id=f"grid-{rows}", name=f"Grid {rows}"),
            rows=[(f"Region {r % 4}", f"Site {r}") for r in range(rows)],
            columns=[(f"BU {c % 3}", [f"Offering {c}"]) for c in range(columns)],
            co_creation=["Idea"],
        )
        matrix = open_space_matrix(open_space, today=TODAY)
        from planning.models import OpenSpaceCell

        OpenSpaceCell.objects.bulk_create(
            OpenSpaceCell(
                workspace=world.a.workspace,
                open_space=open_space,
                segment_id=s.id,
                column_id=c.id,
                potential=Decimal(10),
            )
            for s in matrix.segments
            for c in matrix.columns
        )
        for r in range(0, rows, 2):
            add_sales(
                world.a,
                segment=f"Site {r}",
                offering=f"Offering {r % columns}",
                amount="5",
                customer=open_space.customer,
            )
        add_sales(
            world.a,
            segment="Site 1",
            offering="Offering 0",
            amount="5",
            currency="USD",
            customer=open_space.customer,
        )
        fresh = open_space_for(open_space.customer)
        assert fresh is not None
        with CaptureQueriesContext(connection) as queries:
            matrix = open_space_matrix(fresh, today=TODAY)
        assert len(matrix.cells) == rows * (columns + 1)
        return len(queries)


def test_query_count_does_not_grow_with_the_matrix(world: WorkspaceWorld) -> None:
    small = _grid(world, 5, 5)
    large = _grid(world, 40, 20)
    assert small == large
    assert large <= 6


def test_rows_reading_the_same_sales_segment_are_named_in_a_warning(
    world: WorkspaceWorld,
) -> None:
    with workspace_context(world.a.workspace):
        open_space = build_open_space(
            world.a,
            rows=[("Africa", "Exploration"), ("Europe", "EXPLORATION"), ("Europe", "Production")],
            columns=[("BU", ["Drilling"])],
        )
        matrix = open_space_matrix(open_space, today=TODAY)
    assert matrix.sales_key_warnings == [
        "The rows Africa > Exploration, Europe > EXPLORATION all read the sales lines of segment"
        ' "Exploration", so each shows all of their sales and the totals count them more than'
        " once. Give each row its own sales segment, as written on its sales lines."
    ]
