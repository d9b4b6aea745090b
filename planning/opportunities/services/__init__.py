"""Writes for opportunities and what hangs off them, one module per concept.

- :mod:`.opportunities`: the opportunity itself (and ``opportunity_row_log``, which
  the analyses of ``planning.analysis`` share for their rows);
- :mod:`.from_cells`: a push opportunity in one step from an Open Space cell;
- :mod:`.value_drivers`, :mod:`.contributors`, :mod:`.tasks`: its rows;
- :mod:`.checks`: objects of this workspace *and* this account, checked once.

Every function takes the workspace first and checks that each object it is
handed belongs to it and to the opportunity's account. Versioned rows are
written with ``update_if_version`` so a stale edit raises ``VersionConflict``
and nothing is overwritten. Pages and the API both call these functions.

Callers import the module they need (``from planning.opportunities.services import
opportunities``); this package re-exports nothing.
"""
