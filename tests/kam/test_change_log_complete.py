"""Every service that writes leaves a change-log row: the review reads "what happened" from it.

The test discovers the writing services itself (see :func:`writing_services`), so
a new service without a scenario (in ``tests/kam/change_log_scenarios/``) fails
until someone writes one, or says in :data:`NOT_A_PLAN_CHANGE` why it changes
nothing a person would call a change.
Each scenario calls its service (the call is checked, not assumed) and must
leave a new entry naming the right object and key account, with a sentence that
starts with the acting person's name.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client

from kam.changelog.models import ChangeLogEntry
from kam.changelog.services import person_name
from kam.tenancy.context import actor_context, workspace_context
from kam.tenancy.registry import DOMAIN_APPS
from tests.factories import WorkspaceWorld
from tests.kam.change_log_scenarios import Ctx, all_scenarios

# -- which functions are writing services -----------------------------------------------

#: Writers that live outside a module named ``services``.
EXTRA_WRITER_MODULES = (
    "accounts.selection",
    "accounts.valuation_settings",
    "accounts.exchange_rates",
    "buying_center.grids",
)

#: ``services`` modules of the foundation that change nothing of a plan.
NOT_PLAN_MODULES = {
    "kam.jobs.services": "background-job bookkeeping",
    "kam.api.services": "personal access tokens (credentials, not plan content)",
    "kam.changelog.services": "the change log itself",
}

#: A public function is a writing service when its name contains one of these words.
WRITE_VERBS = frozenset(
    {
        "accept",
        "add",
        "apply",
        "change",
        "clear",
        "close",
        "confirm",
        "create",
        "decide",
        "delete",
        "demote",
        "dismiss",
        "ensure",
        "move",
        "override",
        "paste",
        "promote",
        "propose",
        "remove",
        "revoke",
        "save",
        "set",
        "start",
        "toggle",
        "update",
    }
)

#: Writing functions that are not a person's change of the plan, with the reason.
NOT_A_PLAN_CHANGE = {
    "planning.open_space.services.open_spaces.open_space_get_or_create": (
        "creates the empty matrix the first time the page is opened"
    ),
    "buying_center.grids.analysis_grids_ensure": (
        "creates the four empty grids the first time the page is opened"
    ),
    "accounts.imports.services.import_batch_create": (
        "stores an uploaded file to check; nothing is applied (the apply logs the batch)"
    ),
    "accounts.imports.services.import_batch_delete_work": "removes temporary files",
    "buying_center.services.change_text": "formats a value for the stakeholder's history",
}

#: Writing services that do not log yet. Every name here is reported by the test;
#: the list must only ever shrink.
NOT_YET_LOGGED: dict[str, str] = {}

#: service -> the scenario that calls it (tests/kam/change_log_scenarios/).
SCENARIOS = all_scenarios()


def _is_services_module(name: str) -> bool:
    """A module named ``services``, or a public module of a ``services`` package."""
    parts = name.split(".")
    if parts[-1] == "services":
        return True
    return "services" in parts[:-1] and not parts[-1].startswith("_")


def _modules() -> Iterator[str]:
    for app in DOMAIN_APPS:
        package = importlib.import_module(app)
        yield from (
            info.name
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}.")
            if _is_services_module(info.name) and ".migrations" not in info.name
        )
    yield from EXTRA_WRITER_MODULES


def writing_services() -> list[str]:
    """``module.function`` of every public writing function defined in a writer module."""
    found = []
    for name in _modules():
        if name in NOT_PLAN_MODULES:
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if attribute.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != name:
                continue
            if WRITE_VERBS & set(attribute.split("_")):
                found.append(f"{name}.{attribute}")
    return sorted(found)


# -- the tests ---------------------------------------------------------------------------


def test_discovery_finds_the_writing_services() -> None:
    """Guard the guard: the rule must see services of every domain app."""
    found = writing_services()
    for expected in (
        "accounts.services.customer_update",
        "buying_center.services.stakeholder_update",
        "selling_center.services.connections.connection_level_decide",
        "planning.open_space.services.clipboard.cells_paste",
        "planning.opportunities.services.opportunities.opportunity_update",
        "planning.analysis.services.challenge_question_create",
        "kam.workspaces.services.membership_change_role",
        "accounts.exchange_rates.exchange_rate_set",
    ):
        assert expected in found
    assert not any(name.startswith(tuple(NOT_PLAN_MODULES)) for name in found)


def test_every_scenario_and_exception_names_a_real_service() -> None:
    found = set(writing_services())
    stale = sorted((set(SCENARIOS) | set(NOT_A_PLAN_CHANGE) | set(NOT_YET_LOGGED)) - found)
    assert stale == [], "these are no longer writing services: drop them here"


def test_not_yet_logged_is_empty() -> None:
    """Reported on its own so the gap is visible in every run, not hidden in a skip."""
    assert NOT_YET_LOGGED == {}, f"services that do not log yet: {sorted(NOT_YET_LOGGED)}"


@pytest.fixture
def media_root(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("service", writing_services())
def test_every_writing_service_leaves_a_change_log_row(
    service: str,
    world: WorkspaceWorld,
    media_root: Path,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if service in NOT_A_PLAN_CHANGE:
        pytest.skip(f"not a plan change: {NOT_A_PLAN_CHANGE[service]}")
    if service in NOT_YET_LOGGED:
        pytest.xfail(f"not yet logged: {NOT_YET_LOGGED[service]}")
    assert service in SCENARIOS, (
        f"{service} writes but has no scenario in {__name__}: add one that calls it"
        " and expects its change-log entry (or list it in NOT_A_PLAN_CHANGE with the reason)"
    )
    module_name, function_name = service.rsplit(".", 1)
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, function_name, counted)
    client = Client()
    client.force_login(cast(User, world.a.user("admin")))
    ctx = Ctx(world=world, client=client, capture=django_capture_on_commit_callbacks)
    with workspace_context(world.a.workspace):
        before = ChangeLogEntry.objects.aggregate(models.Max("pk"))["pk__max"] or 0
        with actor_context(ctx.actor):
            expect = SCENARIOS[service](ctx)
        new = list(ChangeLogEntry.objects.filter(pk__gt=before).select_related("content_type"))
    assert calls, f"the scenario for {service} does not call it"
    about = [
        entry
        for entry in new
        if entry.content_type.model_class() is expect.model and entry.object_id == expect.object_id
    ]
    assert about, f"{service} left no change-log entry about {expect}: {new}"
    for entry in about:
        assert entry.account_id == expect.account_id, entry
        assert entry.sentence.strip() and entry.object_label.strip()
        assert entry.workspace_id == world.a.workspace.pk
    if not service.startswith("kam.workspaces.services.invitation_accept"):
        # The person who acted is named first (joining names the person who joined).
        name = person_name(ctx.actor)
        assert all(entry.actor == ctx.actor and entry.actor_name == name for entry in about)
        assert all(entry.sentence.startswith(f"{name} ") for entry in about), about
