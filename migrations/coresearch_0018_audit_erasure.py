"""Erasure may mask personal values in the audit log, and nothing else may change it.

The append-only trigger (0004) now lets one kind of UPDATE through: inside a transaction that has
set `coresearch.erasing` to `on` (transaction-local, `privacy/erasure.py`), and changing only the
`changes` column. Deletes and every other update are still refused. SQLite has no trigger.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log: erasure may mask the changes column"

AUDIT_APPEND_ONLY_BUT_ERASURE = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND current_setting('coresearch.erasing', true) = 'on'
        AND NEW.id = OLD.id
        AND NEW.occurred_at = OLD.occurred_at
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.actor_role IS NOT DISTINCT FROM OLD.actor_role
        AND NEW.action = OLD.action
        AND NEW.entity = OLD.entity
        AND NEW.entity_id = OLD.entity_id
        AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl(AUDIT_APPEND_ONLY_BUT_ERASURE)

    manager.add_raw(apply)
    return manager
