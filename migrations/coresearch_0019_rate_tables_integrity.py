"""One version of a rate table per name and day, and the index `rate_for` and the list walk
(raw: see 0004). The unique index is what makes a second version from the same day a 409 when two
admins race.

Numbered 0019 with the rate tables migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T13:10:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "one rate table version per name and valid_from; keyset index of the versions"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS rate_tables_name_valid_from ON rate_tables (name, valid_from)",
    "CREATE INDEX IF NOT EXISTS rate_tables_valid_from_id ON rate_tables (valid_from, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
