"""What a domain app's demo builder receives, and how the command finds builders.

Each domain app may ship a ``demo`` module with a ``build(demo: DemoWorkspace)
-> str`` function that fills its part of a workspace and returns a one-line
summary. The ``demo`` command calls them in ``DOMAIN_APPS`` order (accounts
first, so later builders can start from the key accounts), inside the
workspace's context and transaction.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType

from django.contrib.auth.models import User

from kam.workspaces.models import Workspace

#: Apps whose ``demo`` module builds part of a demo workspace, in build order.
DEMO_APPS = ("accounts", "buying_center", "selling_center", "planning")


@dataclass(frozen=True)
class DemoWorkspace:
    workspace: Workspace
    #: Demo people by user name ("admin", "kam", ...); only the workspace's members.
    users: Mapping[str, User]
    #: Key account managers the key accounts are shared between, in turn.
    key_account_owners: tuple[User, ...]
    customer_count: int
    seed: int
    #: Last day of the sales history; other builders date their records from it.
    period_end: datetime.date
    #: True for the large demo workspace, False for the small sandbox.
    is_main: bool


DemoBuilder = Callable[[DemoWorkspace], str]


def demo_builders() -> list[tuple[str, DemoBuilder]]:
    """``(app, build)`` for every domain app that has a demo module."""
    builders: list[tuple[str, DemoBuilder]] = []
    for app in DEMO_APPS:
        if importlib.util.find_spec(f"{app}.demo") is None:
            continue
        module: ModuleType = importlib.import_module(f"{app}.demo")
        builders.append((app, module.build))
    return builders
