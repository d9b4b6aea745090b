"""UPV arithmetic on plain cells (no database): only open cells, split three ways."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planning.open_space.upv import growth_kind, incumbent_columns, upv_breakdown


@dataclass
class Cell:
    column_id: int
    is_open: bool
    potential: Decimal | None
    is_co_creation: bool = False


DRILLING, PUMPING, IDEA = 1, 2, 3


def test_up_sell_cross_sell_and_co_creation() -> None:
    cells = [
        Cell(DRILLING, is_open=False, potential=Decimal("900")),  # incumbent: not unrealized
        Cell(DRILLING, is_open=True, potential=Decimal("150")),  # sold elsewhere: up-sell
        Cell(DRILLING, is_open=True, potential=None),
        Cell(PUMPING, is_open=True, potential=Decimal("300")),  # sold nowhere: cross-sell
        Cell(PUMPING, is_open=True, potential=Decimal("200")),
        Cell(IDEA, is_open=True, potential=Decimal("125"), is_co_creation=True),
        Cell(IDEA, is_open=False, potential=Decimal("999"), is_co_creation=True),
    ]
    upv = upv_breakdown(cells)
    assert (upv.up_sell, upv.cross_sell, upv.co_creation, upv.total) == (
        Decimal("150"),
        Decimal("500"),
        Decimal("125"),
        Decimal("775"),
    )
    sold = incumbent_columns(cells)
    assert sold == {DRILLING, IDEA}
    assert [growth_kind(c, sold) for c in cells[:2]] == [None, "up_sell"]
    assert growth_kind(cells[3], sold) == "cross_sell"
    assert growth_kind(cells[5], sold) == "co_creation"


def test_empty_matrix_has_zero_upv() -> None:
    upv = upv_breakdown([])
    assert upv.total == 0 and upv.up_sell == 0


def test_a_column_becomes_up_sell_once_one_cell_is_incumbent() -> None:
    open_only = [Cell(PUMPING, is_open=True, potential=Decimal("10"))]
    assert upv_breakdown(open_only).cross_sell == Decimal("10")
    with_sale = [*open_only, Cell(PUMPING, is_open=False, potential=None)]
    assert upv_breakdown(with_sale).up_sell == Decimal("10")
    assert upv_breakdown(with_sale).cross_sell == 0
