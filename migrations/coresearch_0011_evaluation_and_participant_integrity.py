"""One answer per person and round; existing activity participants confirmed where staff named
them (raw: see 0004).

A participant is confirmed when they logged the activity themselves, or when it was logged by
someone who is now project staff (a lead or researcher member) or oversight (admin, research
leader), or by the system. Everyone else was named by a co-researcher and waits for staff.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique evaluation participation; confirmed participants: backfill and indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS evaluation_participations_round_user "
    'ON evaluation_participations (round, "user")',
    # Reads count confirmed participants only; partial indexes keep those probes index-only
    # (an activity's participants; the activities a person took part in).
    "CREATE INDEX IF NOT EXISTS activity_participants_confirmed_activity_user "
    'ON activity_participants (activity, "user") WHERE confirmed',
    "CREATE INDEX IF NOT EXISTS activity_participants_confirmed_user_activity "
    'ON activity_participants ("user", activity) WHERE confirmed',
    """
    UPDATE activity_participants SET confirmed = TRUE
    WHERE EXISTS (
        SELECT 1 FROM activities a
        WHERE a.id = activity_participants.activity
          AND (
            a.created_by IS NULL
            OR a.created_by = activity_participants."user"
            OR EXISTS (
                SELECT 1 FROM project_members m
                WHERE m.project = a.project AND m."user" = a.created_by
                  AND m.role IN ('lead', 'researcher')
            )
            OR EXISTS (
                SELECT 1 FROM users u
                WHERE u.id = a.created_by AND u.role IN ('admin', 'research_leader')
            )
          )
    )
    """,
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
