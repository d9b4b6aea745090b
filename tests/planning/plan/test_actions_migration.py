"""Migration 0004: every opportunity task becomes an action of its account, and back."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# On PostgreSQL the tests connect as the application role, which may not create
# tables (the migrating role owns them): the migration is exercised on SQLite.
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="migrating back and forth needs the role that owns the tables",
)

BEFORE = [("planning", "0003_account_plan")]
AFTER = [("planning", "0004_tasks_become_actions")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0003(transactional_db: None) -> Iterator[Any]:
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_tasks_move_into_the_action_list_and_back(at_0003: Any) -> None:
    apps = at_0003
    Workspace = apps.get_model("kam", "Workspace")
    Customer = apps.get_model("accounts", "Customer")
    Opportunity = apps.get_model("planning", "Opportunity")
    Task = apps.get_model("planning", "OpportunityTask")
    User = apps.get_model("auth", "User")
    workspace = Workspace._base_manager.create(name="W", slug="w")
    owner = User._base_manager.create(username="karin")
    customer = Customer._base_manager.create(workspace=workspace, external_id="K1", name="Borealis")
    opportunity = Opportunity._base_manager.create(
        workspace=workspace, customer=customer, title="Relining"
    )
    open_task = Task._base_manager.create(
        workspace=workspace,
        opportunity=opportunity,
        title="Site visit",
        owner=owner,
        due_date=datetime.date(2030, 1, 2),
        status="open",
        version=4,
    )
    done_task = Task._base_manager.create(
        workspace=workspace, opportunity=opportunity, title="Send references", status="done"
    )

    apps = _migrate(AFTER)
    Action = apps.get_model("planning", "Action")
    actions = {a.title: a for a in Action._base_manager.all()}
    assert set(actions) == {"Site visit", "Send references"}
    visit = actions["Site visit"]
    assert visit.customer_id == customer.pk and visit.opportunity_id == opportunity.pk
    assert visit.workspace_id == workspace.pk and visit.owner_id == owner.pk
    assert visit.due_date == datetime.date(2030, 1, 2)
    assert visit.status == "open" and visit.done_on is None and visit.version == 1
    references = actions["Send references"]
    assert references.status == "done"
    assert references.done_on == done_task.created_at.date()
    assert references.created_at == done_task.created_at
    assert open_task.pk  # the old ids are not kept: actions number on their own

    apps = _migrate(BEFORE)
    Task = apps.get_model("planning", "OpportunityTask")
    back = {t.title: t.status for t in Task._base_manager.all()}
    assert back == {"Site visit": "open", "Send references": "done"}
    assert not apps.get_model("planning", "Action")._base_manager.exists()
