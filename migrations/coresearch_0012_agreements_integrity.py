"""Unique accepted versions and the keyset index of a project's agreements (raw: see 0004).

Numbered 0012 with the agreements migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T11:14:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one accepted text per agreement version; keyset index of a project's agreements"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS agreement_versions_agreement_version "
    "ON agreement_versions (agreement, version)",
    "CREATE INDEX IF NOT EXISTS agreements_project_created_id ON agreements (project, created_at, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
