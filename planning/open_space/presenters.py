"""How the Open Space matrix reads on the page: amounts, cells, totals (pure, no Django).

The template renders the same dictionaries the JSON answers return (same keys),
so a cell saved in place looks exactly like one rendered with the page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planning.open_space.selectors import CellView, ColumnHead, Matrix, SegmentHead, Totals

_UNITS = ((Decimal("1e9"), "B"), (Decimal("1e6"), "M"), (Decimal("1e3"), "k"))


def compact(amount: Decimal | None) -> str:
    """1234567 -> "1.2M", 12500 -> "12.5k", 950 -> "950": short enough for a dense cell."""
    if amount is None:
        return ""
    for limit, unit in _UNITS:
        if abs(amount) >= limit:
            scaled = amount / limit
            text = f"{scaled:.1f}" if abs(scaled) < 100 else f"{scaled:.0f}"
            return text.removesuffix(".0") + unit
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def full(amount: Decimal | None, currency: str) -> str:
    """The exact amount for a title: "1,234,567.00 EUR"."""
    return "" if amount is None else f"{amount:,.2f} {currency}"


def raw(amount: Decimal | None) -> str:
    """The amount as the editor shows it: "1200", "1200.5"; "" when empty."""
    if amount is None:
        return ""
    text = format(amount.normalize(), "f")
    return text


def _sales_source(view: CellView) -> str:
    if view.sales_source == "lines":
        count = view.sales_line_count
        return f"from {count} sales line{'s' if count != 1 else ''}"
    if view.sales_source == "entered":
        return "entered"
    return "no sales"


def cell_data(
    view: CellView, segment: SegmentHead, column: ColumnHead, currency: str
) -> dict[str, Any]:
    """One cell as the template renders it and the JSON returns it (same keys)."""
    classes = ["os-cell", "is-open" if view.is_open else "is-incumbent"]
    if view.is_priority:
        classes.append("is-priority")
    if view.is_csf_aligned:
        classes.append("is-aligned")
    if view.has_competitor:
        classes.append("has-competitor")
    if column.is_co_creation:
        classes.append("is-co-creation")
    title = [f"{segment.label} \u00d7 {column.label}"]
    if view.sales is not None:
        title.append(f"Last year's sales: {full(view.sales, currency)} ({_sales_source(view)})")
    else:
        title.append("Open: no sales last year")
    if view.potential is not None:
        title.append(f"Potential: {full(view.potential, currency)}")
    if view.success_factor_title:
        title.append(f"CSF: {view.success_factor_title}")
    if view.competitor:
        title.append(f"Competitor: {view.competitor}")
    return {
        "seg": view.segment_id,
        "col": view.column_id,
        "id": view.cell_id,
        "version": view.version,
        "name": f"{segment.label} x {column.label}",
        "classes": " ".join(classes),
        "title": "\n".join(title),
        "sales": compact(view.sales),
        "sales_raw": raw(view.sales),
        "entered_sales": raw(view.entered_sales),
        "source": view.sales_source or "",
        "source_text": _sales_source(view),
        "potential": compact(view.potential),
        "potential_raw": raw(view.potential),
        "potential_full": full(view.potential, currency),
        "sales_full": full(view.sales, currency),
        "csf": view.success_factor_id or "",
        "csf_title": view.success_factor_title,
        "competitor": view.competitor,
        "note": view.note,
        "is_open": view.is_open,
        "is_priority": view.is_priority,
        "is_co_creation": view.is_co_creation,
    }


def total_data(totals: Totals, currency: str) -> dict[str, str]:
    return {
        "sales": compact(totals.sales) if totals.sales else "",
        "sales_full": full(totals.sales, currency),
        "potential": compact(totals.potential) if totals.potential else "",
        "potential_full": full(totals.potential, currency),
    }


def totals_data(matrix: Matrix) -> dict[str, Any]:
    currency = matrix.currency
    return {
        "rows": {str(k): total_data(v, currency) for k, v in matrix.row_totals.items()},
        "columns": {str(k): total_data(v, currency) for k, v in matrix.column_totals.items()},
        "grand": total_data(matrix.grand_total, currency),
        "priority_count": matrix.priority_count,
    }


def grid_rows(matrix: Matrix) -> list[dict[str, Any]]:
    """Rows grouped for the template, every cell pre-formatted (no per-cell template logic)."""
    currency = matrix.currency
    groups = []
    for group, segments in matrix.rows_grouped():
        rows = []
        for segment in segments:
            rows.append(
                {
                    "head": segment,
                    "cells": [
                        cell_data(matrix.cells[(segment.id, column.id)], segment, column, currency)
                        for column in matrix.columns
                    ],
                    "total": total_data(matrix.row_totals[segment.id], currency),
                }
            )
        groups.append({"group": group, "rows": rows})
    return groups
