"""PostgreSQL row-level security for every workspace table.

Applied after every ``migrate`` (see ``kam.signals``), so a new workspace model
is protected by the same migration run that creates its table. The migrating
role owns the tables and is not subject to the policies (no FORCE); the
application connects as ``settings.DATABASE_APP_ROLE``, which is.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from kam.tenancy.context import PG_SETTING
from kam.tenancy.registry import workspace_models

logger = logging.getLogger(__name__)

POLICY_NAME = "workspace_isolation"
# NULLIF turns "no workspace selected" into NULL, which matches no row: fail closed.
POLICY_EXPRESSION = f"workspace_id = NULLIF(current_setting('{PG_SETTING}', true), '')::bigint"


def workspace_tables() -> list[str]:
    return sorted({model._meta.db_table for model in workspace_models()})


def ensure_app_role(connection: BaseDatabaseWrapper) -> None:
    """Create the application role if it is missing and the migrating role may."""
    role = settings.DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        if not exists:
            cursor.execute(
                "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
            )
            row = cursor.fetchone()
            if not (row and row[0]):
                logger.warning(
                    "Role %s does not exist and %s may not create it; create it"
                    " (LOGIN, NOSUPERUSER, NOBYPASSRLS) before starting the app.",
                    role,
                    connection.settings_dict["USER"],
                )
                return
            cursor.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
                .format(sql.Identifier(role))
                .as_string(cursor.connection)
            )
        password = getattr(settings, "DATABASE_APP_PASSWORD", "")
        if password:
            cursor.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}")
                .format(sql.Identifier(role), sql.Literal(password))
                .as_string(cursor.connection)
            )


def grant_app_role(connection: BaseDatabaseWrapper) -> None:
    role = sql.Identifier(settings.DATABASE_APP_ROLE)
    statements = [
        "GRANT USAGE ON SCHEMA public TO {}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [settings.DATABASE_APP_ROLE])
        if cursor.fetchone() is None:
            return
        for statement in statements:
            cursor.execute(sql.SQL(statement).format(role).as_string(cursor.connection))


def enable_row_level_security(connection: BaseDatabaseWrapper) -> list[str]:
    """Enable RLS and (re)create the isolation policy on every workspace table."""
    tables = workspace_tables()
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                continue
            name = sql.Identifier(table)
            for statement in (
                sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name),
                sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(POLICY_NAME), name),
                sql.SQL("CREATE POLICY {} ON {} USING ({}) WITH CHECK ({})").format(
                    sql.Identifier(POLICY_NAME),
                    name,
                    sql.SQL(POLICY_EXPRESSION),
                    sql.SQL(POLICY_EXPRESSION),
                ),
            ):
                cursor.execute(statement.as_string(cursor.connection))
    return tables


def connected_role_problems(connection: BaseDatabaseWrapper) -> list[str]:
    """Why the current connection would bypass row-level security (empty when safe)."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        name, is_super, bypasses = cursor.fetchone()
        if is_super:
            problems.append(f"role {name} is a superuser")
        if bypasses:
            problems.append(f"role {name} has BYPASSRLS")
        tables = workspace_tables()
        if tables:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tableowner = current_user AND tablename = ANY(%s)",
                [tables],
            )
            owned = [row[0] for row in cursor.fetchall()]
            if owned:
                problems.append(f"role {name} owns workspace tables ({', '.join(owned[:3])}…)")
    return problems
