"""One entry per source record and person (raw: see 0004), as 0020 made for attendance: the
entry a done task, a confirmed activity participant or a training record keeps in step is one
per task and person, activity and person, training record. Entries by hand may name a task or
activity as often as they like (the indexes are partial on `source`).

Numbered 0024 with the migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T14:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one time entry per task, activity or training record and person"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS time_entries_task ON time_entries (task, coresearcher) "
    "WHERE source = 'task'",
    "CREATE UNIQUE INDEX IF NOT EXISTS time_entries_activity ON time_entries (activity, coresearcher) "
    "WHERE source = 'activity'",
    "CREATE UNIQUE INDEX IF NOT EXISTS time_entries_training ON time_entries (training) "
    "WHERE source = 'training'",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
