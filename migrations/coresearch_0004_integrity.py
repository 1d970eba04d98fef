"""Integrity rules Piccolo's auto-migrations cannot express on both engines.

Raw steps run before a migration's table changes, so they live in this migration of their own,
after the tables exist. Unique indexes (not constraints: SQLite cannot add constraints to a table)
and, on PostgreSQL, a trigger that makes the audit log append-only.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T01:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique memberships and phases; append-only audit log"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS project_members_project_user ON project_members (project, "user")',
    "CREATE UNIQUE INDEX IF NOT EXISTS project_phases_project_phase ON project_phases (project, phase)",
]

AUDIT_APPEND_ONLY = [
    """
    CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    """,
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        statements = list(UNIQUE_INDEXES)
        if engine.engine_type == "postgres":
            statements += AUDIT_APPEND_ONLY
        for statement in statements:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
