"""The one written permission policy: which role may read or change what.

Pages (``workspace_view``), the API
(``WorkspacePolicyPermission``) and templates (the ``can`` context variable)
all ask :func:`role_can`, so a rule changes in one place.
"""

from __future__ import annotations

from enum import StrEnum

from kam.workspaces.models import Role


class Capability(StrEnum):
    VIEW = "view"
    """Read every page and resource of the workspace."""
    EDIT_ACCOUNTS = "edit_accounts"
    """Change key-account content: plans, stakeholders, opportunities, actions."""
    VIEW_PORTFOLIO = "view_portfolio"
    """Read the portfolio dashboards across all key accounts."""
    MANAGE_SELECTION = "manage_selection"
    """Promote and demote key accounts; run the quarterly selection review."""
    MANAGE_DATA = "manage_data"
    """Import customers, offerings and sales; change scoring inputs."""
    MANAGE_SETTINGS = "manage_settings"
    """Change workspace settings: discount rate, weights, thresholds, currency."""
    MANAGE_MEMBERS = "manage_members"
    """Invite people, change roles, remove members."""
    USE_API = "use_api"
    """Create personal access tokens for the REST API."""


#: What each capability lets a person do, in words for pages ("you may not ...").
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


_ALL = frozenset(Capability)

POLICY: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.EXECUTIVE: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT_ACCOUNTS,
            Capability.VIEW_PORTFOLIO,
            Capability.MANAGE_SELECTION,
            Capability.MANAGE_DATA,
            Capability.USE_API,
        }
    ),
    Role.KAM: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT_ACCOUNTS,
            Capability.VIEW_PORTFOLIO,
            Capability.USE_API,
        }
    ),
    Role.MEMBER: frozenset({Capability.VIEW, Capability.EDIT_ACCOUNTS, Capability.USE_API}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}

ROLE_SUMMARIES: dict[str, str] = {
    Role.ADMIN: "Everything, including members, roles, settings and imports.",
    Role.EXECUTIVE: "Runs the program: every account, portfolio, selection decisions, imports.",
    Role.KAM: "Edits account plans; sees the portfolio.",
    Role.MEMBER: "Edits the account content of the teams they belong to.",
    Role.VIEWER: "Reads everything, changes nothing.",
}


def role_can(role: str | None, capability: Capability | str) -> bool:
    if role is None:
        return False
    return Capability(capability) in POLICY.get(role, frozenset())


def capabilities_of(role: str | None) -> dict[str, bool]:
    """Every capability as a name -> allowed mapping, for templates (``can.edit_accounts``)."""
    return {capability.value: role_can(role, capability) for capability in Capability}
