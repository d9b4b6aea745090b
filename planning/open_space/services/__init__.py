"""Writes of the Open Space, one module per concept.

- :mod:`.open_spaces`: the matrix itself (created on first sight, deleted whole) and
  the UPV it feeds to the account;
- :mod:`.cells`: one cell's edit and the amounts people type;
- :mod:`.clipboard`: blocks pasted from a spreadsheet;
- :mod:`.layout`: rows, columns and notes, guarded by the layout version;
- :mod:`.success_factors`: the account's critical success factors.

Callers import the module they need (``from planning.open_space.services import
cells``). The names below exist only for the page views being rewritten on
another branch (see :mod:`._compat`); remove them once those call the modules.
"""

from planning.open_space.services._compat import (
    add_catalog_columns,
    add_co_creation_column,
    add_segment,
    move_column,
    move_segment,
    move_success_factor,
    remove_column,
    remove_segment,
    remove_success_factor,
    suggest_segments,
    update_column,
    update_segment,
    update_success_factor,
)
from planning.open_space.services.cells import cell_save as save_cell
from planning.open_space.services.cells import cell_save_for_page as save_cell_for_page
from planning.open_space.services.clipboard import PasteConflict
from planning.open_space.services.clipboard import cells_paste as paste_block
from planning.open_space.services.open_spaces import (
    open_space_get_or_create as get_or_create_open_space,
)
from planning.open_space.services.success_factors import success_factor_add as add_success_factor
from planning.open_space.services.success_factors import success_factor_warning

__all__ = [
    "PasteConflict",
    "add_catalog_columns",
    "add_co_creation_column",
    "add_segment",
    "add_success_factor",
    "get_or_create_open_space",
    "move_column",
    "move_segment",
    "move_success_factor",
    "paste_block",
    "remove_column",
    "remove_segment",
    "remove_success_factor",
    "save_cell",
    "save_cell_for_page",
    "success_factor_warning",
    "suggest_segments",
    "update_column",
    "update_segment",
    "update_success_factor",
]
