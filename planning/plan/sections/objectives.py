"""The plan's objectives section (to be built: an empty state until then)."""

from __future__ import annotations

import datetime
from typing import Any

from accounts.models import Customer
from kam.workspaces.models import Workspace


def section(
    *, workspace: Workspace, customer: Customer, user: Any, today: datetime.date
) -> dict[str, Any]:
    return {}
