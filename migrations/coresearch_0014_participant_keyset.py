"""Backfill the participants' copies of their activity's project and day, and index them.

A co-researcher's page (and `/me/impact`) used to filter a project's activities by an `IN`
subquery over all their participations, then sort: the cost grew with their history. With the
day beside the user in `activity_participants`, the page walks one index in order and stops at
the limit (`docs/performance.md`). Only confirmed participants count (0009 adds `confirmed`, 0011
backfills it), so the indexes are partial, like 0011's, and hold exactly the rows those pages read.
Raw steps run before a migration's table changes, so these follow 0013, which adds the columns.
All statements run on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T11:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "backfill and index participants by user and day"

STATEMENTS = [
    """
    UPDATE activity_participants SET
        project = (SELECT a.project FROM activities a WHERE a.id = activity_participants.activity),
        occurred_on = (SELECT a.occurred_on FROM activities a WHERE a.id = activity_participants.activity)
    WHERE project IS NULL OR occurred_on IS NULL
    """,
    # A person's activities in one project, newest first (project page, co-researcher or filter).
    "CREATE INDEX IF NOT EXISTS activity_participants_user_project_occurred "
    'ON activity_participants ("user", project, occurred_on, activity) WHERE confirmed',
    # A person's activities across projects, newest first (`/me/impact`).
    "CREATE INDEX IF NOT EXISTS activity_participants_user_occurred "
    'ON activity_participants ("user", occurred_on, activity) WHERE confirmed',
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
