"""Unrealized potential value (UPV) of an Open Space: pure arithmetic, no queries.

Only open cells count (no sales last year). Their potential is

* **up-sell** in a catalog column where the account already buys the offering
  in some other segment (the column has an incumbent cell);
* **cross-sell** in a catalog column with no incumbent cell (bought nowhere);
* **co-creation** in a co-creation column (not in the catalog).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

ZERO = Decimal("0")


class UpvCell(Protocol):
    """What the arithmetic needs of a cell (a ``selectors.CellView`` has it; read-only)."""

    @property
    def column_id(self) -> int: ...

    @property
    def is_open(self) -> bool: ...

    @property
    def is_co_creation(self) -> bool: ...

    @property
    def potential(self) -> Decimal | None: ...


@dataclass(frozen=True)
class UpvBreakdown:
    up_sell: Decimal
    cross_sell: Decimal
    co_creation: Decimal
    total: Decimal


def incumbent_columns(cells: Iterable[UpvCell]) -> set[int]:
    """Columns with at least one incumbent cell: the offering is sold to the account."""
    return {cell.column_id for cell in cells if not cell.is_open}


def upv_breakdown(cells: Iterable[UpvCell]) -> UpvBreakdown:
    """Split the potential of the open cells into up-sell, cross-sell and co-creation."""
    cells = list(cells)
    sold = incumbent_columns(cells)
    up_sell = cross_sell = co_creation = ZERO
    for cell in cells:
        if not cell.is_open or not cell.potential:
            continue
        if cell.is_co_creation:
            co_creation += cell.potential
        elif cell.column_id in sold:
            up_sell += cell.potential
        else:
            cross_sell += cell.potential
    return UpvBreakdown(
        up_sell=up_sell,
        cross_sell=cross_sell,
        co_creation=co_creation,
        total=up_sell + cross_sell + co_creation,
    )


def growth_kind(cell: UpvCell, sold_columns: set[int]) -> str | None:
    """ "up_sell", "cross_sell" or "co_creation" for an open cell; ``None`` for an incumbent."""
    if not cell.is_open:
        return None
    if cell.is_co_creation:
        return "co_creation"
    return "up_sell" if cell.column_id in sold_columns else "cross_sell"
