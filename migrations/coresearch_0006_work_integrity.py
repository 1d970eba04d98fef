"""Unique and composite indexes for the work and involvement tables (raw: see 0004)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T01:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique assignees, attendance, participants; keyset indexes"

STATEMENTS = [
    'CREATE UNIQUE INDEX IF NOT EXISTS task_assignees_task_user ON task_assignees (task, "user")',
    'CREATE UNIQUE INDEX IF NOT EXISTS meeting_attendance_meeting_user ON meeting_attendance (meeting, "user")',
    'CREATE UNIQUE INDEX IF NOT EXISTS activity_participants_activity_user '
    'ON activity_participants (activity, "user")',
    # Keyset pagination of a project's activities: newest first, ties broken by id.
    "CREATE INDEX IF NOT EXISTS activities_project_occurred_id ON activities (project, occurred_on, id)",
    "CREATE INDEX IF NOT EXISTS tasks_project_due_id ON tasks (project, due_on, id)",
    "CREATE INDEX IF NOT EXISTS meetings_project_starts_id ON meetings (project, starts_at, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
