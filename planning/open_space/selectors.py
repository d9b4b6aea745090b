"""The Open Space matrix of a key account, read in a fixed number of queries.

:func:`open_space_matrix` returns everything a page, a fragment or the API
needs: the ordered row and column heads, a :class:`CellView` for every
segment x offering pair (also where no cell row exists yet), row, column and
grand totals, the UPV breakdown and the account's critical success factors.
Queries: the open space's customer and workspace (when not already loaded),
segments, columns with their offerings, cells, the grouped sales aggregate
(plus the exchange rates when foreign-currency lines exist), and the CSFs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone

from accounts.models import Customer
from planning.models import (
    CriticalSuccessFactor,
    OpenSpace,
    OpenSpaceCell,
    OpenSpaceColumn,
    OpenSpaceSegment,
)
from planning.open_space.sales import SalesByCell, sales_by_segment_and_offering, segment_key
from planning.open_space.upv import UpvBreakdown, upv_breakdown

__all__ = [
    "CO_CREATION_GROUP",
    "CellView",
    "ColumnHead",
    "Matrix",
    "SegmentHead",
    "Totals",
    "UpvBreakdown",
    "open_space_for",
    "open_space_matrix",
    "upv_summary_context",
]

#: Heading above the co-creation columns, always the last group.
CO_CREATION_GROUP = "Co-creation (not in catalog)"
#: Heading of catalog columns whose offering has no business unit.
NO_BUSINESS_UNIT = "Other offerings"
ZERO = Decimal("0")

SalesSource = Literal["lines", "entered"]


@dataclass(frozen=True)
class ColumnHead:
    id: int
    group: str
    label: str
    is_co_creation: bool
    offering_id: int | None


@dataclass(frozen=True)
class SegmentHead:
    id: int
    group: str
    name: str
    sales_key: str

    @property
    def label(self) -> str:
        """ "Africa > Exploration": how messages name the row."""
        return f"{self.group} > {self.name}" if self.group else self.name


@dataclass(frozen=True)
class CellView:
    cell_id: int | None
    segment_id: int
    column_id: int
    sales: Decimal | None
    sales_source: SalesSource | None
    sales_line_count: int
    potential: Decimal | None
    success_factor_id: int | None
    success_factor_title: str
    competitor: str
    note: str
    version: int
    is_open: bool
    is_priority: bool
    is_co_creation: bool
    entered_sales: Decimal | None = None

    @property
    def key(self) -> str:
        """ "segId:colId", the key of ``expected_versions`` in a paste."""
        return f"{self.segment_id}:{self.column_id}"

    @property
    def is_incumbent(self) -> bool:
        return not self.is_open

    @property
    def is_csf_aligned(self) -> bool:
        return self.success_factor_id is not None

    @property
    def has_competitor(self) -> bool:
        return bool(self.competitor)


@dataclass(frozen=True)
class Totals:
    sales: Decimal = ZERO
    potential: Decimal = ZERO


@dataclass
class Matrix:
    open_space: OpenSpace
    customer: Customer
    year: int
    columns: list[ColumnHead]
    segments: list[SegmentHead]
    cells: dict[tuple[int, int], CellView]
    row_totals: dict[int, Totals]
    column_totals: dict[int, Totals]
    grand_total: Totals
    upv: UpvBreakdown
    success_factors: list[CriticalSuccessFactor]
    priority_count: int
    currency: str
    #: Sales lines of the year left out for want of an exchange rate (0 normally).
    missing_rate_lines: int = 0
    missing_rate_sentence: str = ""
    #: Rows reading the same sales segment (each shows all of its sales: totals double count).
    sales_key_warnings: list[str] = field(default_factory=list)
    _segment_index: dict[int, SegmentHead] = field(default_factory=dict, repr=False)
    _column_index: dict[int, ColumnHead] = field(default_factory=dict, repr=False)

    def rows_grouped(self) -> list[tuple[str, list[SegmentHead]]]:
        return _grouped(self.segments)

    def columns_grouped(self) -> list[tuple[str, list[ColumnHead]]]:
        return _grouped(self.columns)

    def cell(self, segment_id: int, column_id: int) -> CellView:
        return self.cells[(segment_id, column_id)]

    def segment(self, segment_id: int) -> SegmentHead:
        if not self._segment_index:
            self._segment_index = {head.id: head for head in self.segments}
        return self._segment_index[segment_id]

    def column(self, column_id: int) -> ColumnHead:
        if not self._column_index:
            self._column_index = {head.id: head for head in self.columns}
        return self._column_index[column_id]

    def row_cells(self, segment_id: int) -> list[CellView]:
        return [self.cells[(segment_id, column.id)] for column in self.columns]

    def priority_cells(self) -> list[CellView]:
        return [
            self.cells[(segment.id, column.id)]
            for segment in self.segments
            for column in self.columns
            if self.cells[(segment.id, column.id)].is_priority
        ]

    @property
    def is_empty(self) -> bool:
        return not self.segments or not self.columns


def _grouped[Head: (SegmentHead, ColumnHead)](
    heads: Iterable[Head],
) -> list[tuple[str, list[Head]]]:
    """Consecutive heads of one group together, in order (heads are already ordered)."""
    groups: list[tuple[str, list[Head]]] = []
    for head in heads:
        if groups and groups[-1][0] == head.group:
            groups[-1][1].append(head)
        else:
            groups.append((head.group, [head]))
    return groups


def order_segments(segments: Iterable[OpenSpaceSegment]) -> list[OpenSpaceSegment]:
    """Rows in display order: groups in the order they first appear, rows by position inside.

    So a row added to an existing group lands at the end of that group even
    though its position is the highest of the matrix.
    """
    by_group: dict[str, list[OpenSpaceSegment]] = {}
    for segment in sorted(segments, key=lambda s: (s.position, s.pk)):
        by_group.setdefault(segment.group, []).append(segment)
    return [segment for members in by_group.values() for segment in members]


def column_group(column: OpenSpaceColumn) -> str:
    if column.offering_id is None:
        return CO_CREATION_GROUP
    unit = column.offering.business_unit if column.offering is not None else ""
    return column.group or unit or NO_BUSINESS_UNIT


def order_columns(columns: Iterable[OpenSpaceColumn]) -> list[OpenSpaceColumn]:
    """Catalog columns by group (first appearance) then position; co-creation columns last."""
    by_group: dict[str, list[OpenSpaceColumn]] = {}
    co_creation: list[OpenSpaceColumn] = []
    for column in sorted(columns, key=lambda c: (c.position, c.pk)):
        if column.offering_id is None:
            co_creation.append(column)
        else:
            by_group.setdefault(column_group(column), []).append(column)
    return [column for members in by_group.values() for column in members] + co_creation


def open_space_for(customer: Customer) -> OpenSpace | None:
    """The account's Open Space, or ``None`` when nobody has started one."""
    return (
        OpenSpace.objects.select_related("customer", "workspace")
        .filter(customer_id=customer.pk)
        .first()
    )


def _cell_view(
    *,
    segment: SegmentHead,
    column: ColumnHead,
    row: OpenSpaceCell | None,
    sales: SalesByCell,
    titles: dict[int, str],
) -> CellView:
    matched = None if column.is_co_creation else sales.get(segment.sales_key, column.offering_id)
    entered = row.entered_sales if row is not None else None
    if matched is not None:
        amount: Decimal | None = matched.amount
        source: SalesSource | None = "lines"
    elif entered is not None:
        amount, source = entered, "entered"
    else:
        amount, source = None, None
    is_open = amount is None or amount <= 0
    factor_id = row.success_factor_id if row is not None else None
    competitor = row.competitor.strip() if row is not None else ""
    return CellView(
        cell_id=row.pk if row is not None else None,
        segment_id=segment.id,
        column_id=column.id,
        sales=amount,
        sales_source=source,
        sales_line_count=matched.line_count if matched is not None else 0,
        potential=row.potential if row is not None else None,
        success_factor_id=factor_id,
        success_factor_title=titles.get(factor_id, "") if factor_id else "",
        competitor=competitor,
        note=row.note if row is not None else "",
        version=row.version if row is not None else 0,
        is_open=is_open,
        is_priority=is_open and factor_id is not None and not competitor,
        is_co_creation=column.is_co_creation,
        entered_sales=entered,
    )


def _sales_key_warnings(segments: list[SegmentHead]) -> list[str]:
    """A sentence per sales segment read by several rows (e.g. "Exploration" in two regions)."""
    by_key: dict[str, list[SegmentHead]] = {}
    for segment in segments:
        by_key.setdefault(segment_key(segment.sales_key), []).append(segment)
    return [
        f"The rows {', '.join(s.label for s in rows)} all read the sales lines of segment"
        f' "{rows[0].sales_key}", so each shows all of their sales and the totals count'
        " them more than once. Give each row its own sales segment, as written on its sales"
        " lines."
        for rows in by_key.values()
        if len(rows) > 1
    ]


def open_space_matrix(open_space: OpenSpace, *, today: datetime.date | None = None) -> Matrix:
    """The whole matrix of ``open_space`` with totals and UPV, for last calendar year's sales."""
    today = today or timezone.localdate()
    year = today.year - 1
    customer = open_space.customer
    currency = open_space.workspace.reporting_currency.upper()
    segment_rows = order_segments(OpenSpaceSegment.objects.filter(open_space_id=open_space.pk))
    column_rows = order_columns(
        OpenSpaceColumn.objects.filter(open_space_id=open_space.pk).select_related("offering")
    )
    segments = [
        SegmentHead(id=s.pk, group=s.group, name=s.name, sales_key=s.sales_key)
        for s in segment_rows
    ]
    columns = [
        ColumnHead(
            id=c.pk,
            group=column_group(c),
            label=c.label,
            is_co_creation=c.is_co_creation,
            offering_id=c.offering_id,
        )
        for c in column_rows
    ]
    rows = {
        (cell.segment_id, cell.column_id): cell
        for cell in OpenSpaceCell.objects.filter(open_space_id=open_space.pk)
    }
    sales = sales_by_segment_and_offering(
        customer_id=open_space.customer_id,
        year=year,
        sales_keys=[segment.sales_key for segment in segments],
        offering_ids=[c.offering_id for c in columns if c.offering_id is not None],
        reporting_currency=currency,
    )
    success_factors = list(
        CriticalSuccessFactor.objects.filter(customer_id=open_space.customer_id).select_related(
            "owner"
        )
    )
    titles = {factor.pk: factor.title for factor in success_factors}
    cells: dict[tuple[int, int], CellView] = {}
    row_sales = {segment.id: ZERO for segment in segments}
    row_potential = dict(row_sales)
    column_sales = {column.id: ZERO for column in columns}
    column_potential = dict(column_sales)
    priority_count = 0
    for segment in segments:
        for column in columns:
            view = _cell_view(
                segment=segment,
                column=column,
                row=rows.get((segment.id, column.id)),
                sales=sales,
                titles=titles,
            )
            cells[(segment.id, column.id)] = view
            if view.sales:
                row_sales[segment.id] += view.sales
                column_sales[column.id] += view.sales
            if view.potential:
                row_potential[segment.id] += view.potential
                column_potential[column.id] += view.potential
            priority_count += view.is_priority
    return Matrix(
        sales_key_warnings=_sales_key_warnings(segments),
        open_space=open_space,
        customer=customer,
        year=year,
        columns=columns,
        segments=segments,
        cells=cells,
        row_totals={s.id: Totals(row_sales[s.id], row_potential[s.id]) for s in segments},
        column_totals={c.id: Totals(column_sales[c.id], column_potential[c.id]) for c in columns},
        grand_total=Totals(sum(row_sales.values(), ZERO), sum(row_potential.values(), ZERO)),
        upv=upv_breakdown(cells.values()),
        success_factors=success_factors,
        priority_count=priority_count,
        currency=currency,
        missing_rate_lines=sales.missing.lines,
        missing_rate_sentence=sales.missing.sentence(currency),
    )


def upv_summary_context(
    customer: Customer, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """What ``_upv_summary.html`` needs for an account, in the matrix's fixed queries.

    Without an Open Space the breakdown is all zeros (the fragment then says how
    to start one).
    """
    open_space = open_space_for(customer)
    if open_space is None:
        zero = UpvBreakdown(up_sell=ZERO, cross_sell=ZERO, co_creation=ZERO, total=ZERO)
        return {
            "upv": zero,
            "currency": customer.workspace.reporting_currency.upper(),
            "year": (today or timezone.localdate()).year - 1,
            "open_space": None,
            "missing_rate_sentence": "",
        }
    matrix = open_space_matrix(open_space, today=today)
    return {
        "upv": matrix.upv,
        "currency": matrix.currency,
        "year": matrix.year,
        "open_space": open_space,
    }
