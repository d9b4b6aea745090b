"""Scenarios of the change-log completeness test (tests/kam/test_change_log_complete.py).

One scenario per writing service (several services may share one): it calls the
service in workspace A of the test world and returns the entry it expects.
Scenarios live here, split by domain, so each file stays readable.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.test import Client

from tests.factories import WorkspaceWorld


@dataclass
class Ctx:
    """Workspace A of the test world, with the acting person and lookups."""

    world: WorkspaceWorld
    client: Client
    capture: Any

    @property
    def workspace(self) -> Any:
        return self.world.a.workspace

    @property
    def customer(self) -> Any:
        return self.world.a.customer

    @property
    def actor(self) -> Any:
        return self.world.a.user("kam")

    def first(self, model: type[models.Model], **lookup: Any) -> Any:
        return model.objects.filter(**lookup).order_by("pk").first()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Expect:
    """The entry a scenario must leave: about this object, of this account."""

    model: type[models.Model]
    object_id: int
    account_id: int | None


def expected(obj: models.Model, account_id: int | None) -> Expect:
    assert obj.pk is not None
    return Expect(type(obj), obj.pk, account_id)


Scenario = Callable[[Ctx], Expect]
SCENARIOS: dict[str, Scenario] = {}


def scenario(*names: str) -> Callable[[Scenario], Scenario]:
    def register(func: Scenario) -> Scenario:
        for name in names:
            assert name not in SCENARIOS, name
            SCENARIOS[name] = func
        return func

    return register


def lifecycle(
    module: str,
    noun: str,
    *,
    row: str,
    fields: Callable[[Ctx], dict[str, Any]],
    changes: dict[str, Any],
    versioned: bool = True,
) -> None:
    """One scenario for ``noun_create``, ``noun_update`` and ``noun_delete`` of ``module``.

    Creates a row of the test account with ``fields(ctx)``, changes it with ``changes``
    (on the version read when ``versioned``) and deletes it; ``row`` is the keyword the
    update and delete services take it under.
    """

    def run(ctx: Ctx) -> Expect:
        services = importlib.import_module(module)
        obj = getattr(services, f"{noun}_create")(workspace=ctx.workspace, **fields(ctx))
        version = {"expected_version": obj.version} if versioned else {}
        obj = getattr(services, f"{noun}_update")(
            workspace=ctx.workspace, **{row: obj}, **version, **changes
        )
        expect = expected(obj, ctx.customer.pk)
        getattr(services, f"{noun}_delete")(workspace=ctx.workspace, **{row: obj})
        return expect

    scenario(*(f"{module}.{noun}_{verb}" for verb in ("create", "update", "delete")))(run)


DOMAINS = (
    "accounts",
    "centers",
    "planning",
    "people",
    "plan_page",
    "plan_actions",
    "plan_swot",
    "plan_health",
    "plan_reviews",
    "plan_portfolio",
)


def all_scenarios() -> dict[str, Scenario]:
    """Every registered scenario (importing the domain modules registers them)."""
    for domain in DOMAINS:
        importlib.import_module(f"{__name__}.{domain}")
    return SCENARIOS
