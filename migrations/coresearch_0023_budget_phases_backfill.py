"""Backfill `claim_lines.phase` for the time lines made before 0023 added it: the phase of the
line's time entry's meeting, else task, else activity (expenses and entries naming none stay
null, the "unassigned" row of the budget). Raw steps run before a migration's table changes, so
this follows 0023, which adds the column. The statement runs on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T14:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "backfill claim_lines.phase from the entries' meetings, tasks and activities"

STATEMENT = """
    UPDATE claim_lines SET phase = (
        SELECT COALESCE(m.phase, t.phase, a.phase)
        FROM time_entries e
        LEFT JOIN meetings m ON m.id = e.meeting
        LEFT JOIN tasks t ON t.id = e.task
        LEFT JOIN activities a ON a.id = e.activity
        WHERE e.id = claim_lines.time_entry_id
    )
    WHERE phase IS NULL AND time_entry_id IS NOT NULL
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        await engine_finder().run_ddl(STATEMENT)

    manager.add_raw(apply)
    return manager
