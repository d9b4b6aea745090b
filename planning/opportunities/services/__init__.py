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

Callers import the module they need. The names below exist only for the page
views being rewritten on another branch; remove them once those call the modules.
"""

from planning.opportunities.services._compat import create_from_cell
from planning.opportunities.services.contributors import (
    ContributorChanged,
    contributor_create,
    contributor_delete,
    contributor_update,
)
from planning.opportunities.services.opportunities import (
    opportunity_create,
    opportunity_delete,
    opportunity_update,
    opportunity_warnings,
)
from planning.opportunities.services.tasks import task_create, task_delete, task_update
from planning.opportunities.services.value_drivers import (
    value_driver_create,
    value_driver_delete,
    value_driver_update,
)

__all__ = [
    "ContributorChanged",
    "contributor_create",
    "contributor_delete",
    "contributor_update",
    "create_from_cell",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_update",
    "opportunity_warnings",
    "task_create",
    "task_delete",
    "task_update",
    "value_driver_create",
    "value_driver_delete",
    "value_driver_update",
]
