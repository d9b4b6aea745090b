"""Writes of the Open Space, one module per concept.

- :mod:`.open_spaces`: the matrix itself (created on first sight, deleted whole) and
  the UPV it feeds to the account;
- :mod:`.cells`: one cell's edit and the amounts people type;
- :mod:`.clipboard`: blocks pasted from a spreadsheet;
- :mod:`.layout`: rows, columns and notes, guarded by the layout version;
- :mod:`.success_factors`: the account's critical success factors.

Callers import the module they need (``from planning.open_space.services import
cells``); this package re-exports nothing.
"""
