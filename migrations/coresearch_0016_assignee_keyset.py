"""Backfill the assignees' copies of their task's project and due date, and index them.

A co-researcher's task page and `/me/tasks` used to filter tasks by an `IN` subquery over all
their assignments, then sort: the cost grew with their history. With the due date beside the user
in `task_assignees` (9999-12-31 for undated tasks, so they sort last on both engines, which order
NULLs differently), those pages walk one index in order and stop at the limit. Raw steps run
before a migration's table changes, so these follow 0015, which adds the columns.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T11:43:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "backfill and index assignees by user and due date"

STATEMENTS = [
    """
    UPDATE task_assignees SET
        project = (SELECT t.project FROM tasks t WHERE t.id = task_assignees.task),
        due_sort = (SELECT COALESCE(t.due_on, '9999-12-31') FROM tasks t WHERE t.id = task_assignees.task)
    WHERE project IS NULL
    """,
    # A person's tasks in one project, in due order (project page, co-researcher or filter).
    "CREATE INDEX IF NOT EXISTS task_assignees_user_project_due "
    'ON task_assignees ("user", project, due_sort, task)',
    # A person's tasks across projects, in due order (`/me/tasks`).
    'CREATE INDEX IF NOT EXISTS task_assignees_user_due ON task_assignees ("user", due_sort, task)',
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
