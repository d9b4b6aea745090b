"""The sections of the plan page that list rows of their own.

Each module has ``section(*, workspace, customer, user, today) -> dict``: the
fragment's context, read in a number of queries that does not grow with the
account (the plan page's query count is asserted).
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol

from accounts.models import Customer
from kam.workspaces.models import Workspace


class SectionContext(Protocol):
    def __call__(
        self, *, workspace: Workspace, customer: Customer, user: Any, today: datetime.date
    ) -> dict[str, Any]: ...
