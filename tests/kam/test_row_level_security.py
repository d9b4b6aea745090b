"""PostgreSQL row-level security, checked as the application role."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from kam.tenancy.context import workspace_context
from kam.tenancy.rls import POLICY_NAME, workspace_tables
from tests.factories import WorkspaceWorld

pytestmark = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="row-level security exists on PostgreSQL only"
)


def test_tests_run_as_the_application_role(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        user, is_super, bypasses = cursor.fetchone()
    assert (user, is_super, bypasses) == (settings.DATABASE_APP_ROLE, False, False)


def test_every_workspace_table_has_rls_and_a_policy(db: None) -> None:
    tables = workspace_tables()
    assert "accounts_customer" in tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, p.polname IS NOT NULL FROM pg_class c"
            " LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = %s"
            " WHERE c.relname = ANY(%s)",
            [POLICY_NAME, tables],
        )
        rows = {name: (enabled, has_policy) for name, enabled, has_policy in cursor.fetchall()}
    assert set(rows) == set(tables)
    assert all(enabled and has_policy for enabled, has_policy in rows.values()), rows


def test_raw_cross_workspace_select_returns_nothing(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace), connection.cursor() as cursor:
        cursor.execute("SELECT name FROM accounts_customer")
        visible = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*) FROM accounts_customer WHERE workspace_id = %s",
            [world.b.workspace.pk],
        )
        other = cursor.fetchone()[0]
    assert visible == ["A Mining Group"]
    assert other == 0


def test_no_workspace_selected_sees_no_rows(world: WorkspaceWorld) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_customer")
        assert cursor.fetchone()[0] == 0


def test_insert_for_another_workspace_fails(world: WorkspaceWorld) -> None:
    with workspace_context(world.a.workspace), connection.cursor() as cursor:
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "INSERT INTO accounts_customer (workspace_id, external_id, name, parent_group,"
                " industry, region, status, tier, version, created_at, updated_at)"
                " VALUES (%s, 'X', 'Smuggled', '', '', '', 'customer', 3, 1, now(), now())",
                [world.b.workspace.pk],
            )


def test_workspace_context_outside_a_transaction_lasts_the_whole_block(
    transactional_db: None, django_db_setup: None
) -> None:
    """Autocommit code (commands, chunked tasks) sees its workspace in every statement."""
    from tests.factories import build_world

    world = build_world()
    with workspace_context(world.a.workspace):
        assert not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_customer")
            first = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM accounts_customer")
            second = cursor.fetchone()[0]
    assert first == second == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", ["app.workspace_id"])
        assert cursor.fetchone()[0] in ("", None)
