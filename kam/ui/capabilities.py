"""What each capability lets a person do, in words for the "not allowed" page.

The policy itself lives in kam/permissions.py; its attribute docstrings are not
reachable at run time (``Capability.X.__doc__`` is None), so the 403 page reads
these sentences instead.
"""

from __future__ import annotations

from kam.permissions import Capability

CAPABILITY_DESCRIPTIONS: dict[str, str] = {
    Capability.VIEW: "read the pages of this workspace",
    Capability.EDIT_ACCOUNTS: (
        "change key-account content: plans, stakeholders, opportunities and actions"
    ),
    Capability.VIEW_PORTFOLIO: "see the portfolio dashboards across all key accounts",
    Capability.MANAGE_SELECTION: (
        "promote and demote key accounts and run the quarterly selection review"
    ),
    Capability.MANAGE_DATA: "import customers, offerings and sales, and change scoring inputs",
    Capability.MANAGE_SETTINGS: (
        "change workspace settings such as the discount rate, weights and currency"
    ),
    Capability.MANAGE_MEMBERS: "invite people, change their roles and remove members",
    Capability.USE_API: "create personal access tokens for the REST API",
}
