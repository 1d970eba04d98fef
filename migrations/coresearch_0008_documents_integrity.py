"""Unique and keyset indexes for the documents tables (raw: see 0004)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T12:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique version numbers; keyset index of a project's documents"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS document_versions_document_version "
    "ON document_versions (document, version)",
    "CREATE INDEX IF NOT EXISTS documents_project_created_id ON documents (project, created_at, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
