"""Writes for the selling center and SCAP alignment, one module per concept.

- :mod:`.members`: who of us is on the account's selling center;
- :mod:`.interfaces`: interface alignment, function to function;
- :mod:`.connections`: person-to-person connections and the connection level;
- :mod:`.engagement_plans`: how we win over one stakeholder;
- :mod:`.stage_resources`: sales-process alignment, who serves each buying stage.

Every service checks that the objects it links belong to the same workspace
*and* the same key account, and says which one does not in words a KAM
understands. Objects of another workspace never reach a service: pages and the
API look everything up in the request's workspace first (404 otherwise).

Callers import the module they need. The names below exist only for
``selling_center/views.py``, being rewritten on another branch; remove them once
it calls the modules.
"""

from selling_center.services.connections import connection_level_decide, connection_toggle
from selling_center.services.engagement_plans import (
    engagement_plan_create,
    engagement_plan_update,
)
from selling_center.services.interfaces import (
    interface_alignment_add_common,
    interface_alignment_create,
    interface_alignment_delete,
    interface_alignment_update,
)
from selling_center.services.members import (
    selling_center_member_create,
    selling_center_member_delete,
    selling_center_member_update,
)
from selling_center.services.stage_resources import stage_resource_add, stage_resource_remove

__all__ = [
    "connection_level_decide",
    "connection_toggle",
    "engagement_plan_create",
    "engagement_plan_update",
    "interface_alignment_add_common",
    "interface_alignment_create",
    "interface_alignment_delete",
    "interface_alignment_update",
    "selling_center_member_create",
    "selling_center_member_delete",
    "selling_center_member_update",
    "stage_resource_add",
    "stage_resource_remove",
]
