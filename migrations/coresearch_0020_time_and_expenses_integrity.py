"""One attendance entry per meeting and person, and the indexes the lists walk (raw: see 0004).

The unique index is partial (PostgreSQL and SQLite both support `WHERE`): manual entries may name
a meeting as often as they like; the entry attendance keeps in step is one per meeting and person,
so two staff recording the same attendance at once cannot make two. The lists walk
(project, coresearcher, day, id) for a co-researcher and (project, day, id) for staff.

Numbered 0020 with the migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T13:20:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "one attendance time entry per meeting and person; keyset indexes of entries and expenses"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS time_entries_attendance ON time_entries (meeting, coresearcher) "
    "WHERE source = 'attendance'",
    "CREATE INDEX IF NOT EXISTS time_entries_project_day ON time_entries (project, worked_on, id)",
    "CREATE INDEX IF NOT EXISTS time_entries_person_day "
    "ON time_entries (project, coresearcher, worked_on, id)",
    "CREATE INDEX IF NOT EXISTS time_entries_coresearcher ON time_entries (coresearcher)",
    "CREATE INDEX IF NOT EXISTS expenses_project_day ON expenses (project, incurred_on, id)",
    "CREATE INDEX IF NOT EXISTS expenses_person_day ON expenses (project, coresearcher, incurred_on, id)",
    "CREATE INDEX IF NOT EXISTS expenses_coresearcher ON expenses (coresearcher)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
