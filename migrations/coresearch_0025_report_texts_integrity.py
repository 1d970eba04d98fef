"""One row per version of a report's text (raw: see 0004).

The unique index on `report_texts (project, period_from, period_to, version)` is what decides
between two leads saving the same period's text at once: both read version N and insert N + 1,
one commits and the other's insert fails (409). It also serves the lookup of the latest version.

Numbered 0025 with the migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T14:10:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique report text versions per project and period"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS report_texts_version "
    "ON report_texts (project, period_from, period_to, version)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
