"""One candidate per e-mail in a project, and the keyset indexes of the recruitment lists (raw:
see 0004).

Numbered 0017 with the recruitment migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T12:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one candidate per e-mail and project; keyset indexes of openings, candidates and moves"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS candidates_project_email ON candidates (project, email)",
    "CREATE INDEX IF NOT EXISTS candidates_project_created_id ON candidates (project, created_at, id)",
    "CREATE INDEX IF NOT EXISTS openings_project_created_id ON openings (project, created_at, id)",
    "CREATE INDEX IF NOT EXISTS candidate_moves_candidate_moved ON candidate_moves (candidate, moved_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
