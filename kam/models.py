"""Models of the project package, gathered here so Django finds them."""

from kam.api.tokens import AccessToken
from kam.changelog.models import ChangeLogEntry  # noqa: F401  (the change log, kam/changelog)
from kam.jobs.models import Job, JobTrigger  # noqa: F401  (background jobs, kam/jobs)
from kam.workspaces.models import (
    Invitation,
    LoginAttempt,
    Membership,
    MembershipChange,
    Role,
    Workspace,
)

__all__ = [
    "AccessToken",
    "Invitation",
    "LoginAttempt",
    "Membership",
    "MembershipChange",
    "Role",
    "Workspace",
]
