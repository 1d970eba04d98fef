"""Composite indexes for the co-researchers tables (raw: see 0004); a profile's one-per-user rule
is the `unique` column of 0011, which SQLite creates with the table."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T11:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent lookups by scope and time; keyset index for training"

STATEMENTS = [
    # The latest decision per scope, as of a date (`consent_granted`, asked by every report).
    'CREATE INDEX IF NOT EXISTS coresearcher_consents_user_scope_decided '
    'ON coresearcher_consents ("user", scope, decided_at)',
    # A person's training, most recent first, ties broken by id.
    'CREATE INDEX IF NOT EXISTS coresearcher_training_user_completed_id '
    'ON coresearcher_training ("user", completed_on, id)',
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
