"""The outbox's integrity and the indexes it is read by (raw: see 0004).

`notifications.dedupe_key` is unique (NULLs are distinct on both engines, so only reminders and
warnings, which set it, are once per person); one preference row per person. The worker claims
by `(status, next_attempt_at)`, the inbox pages by `(recipient, inbox_key, id)`, the dead letters
by `(status, created_at, id)`.

Numbered 0023 with the migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T14:40:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique dedupe keys and preferences; outbox, inbox and dead-letter indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS notifications_dedupe_key ON notifications (dedupe_key)",
    'CREATE UNIQUE INDEX IF NOT EXISTS notification_preferences_user ON notification_preferences ("user")',
    "CREATE INDEX IF NOT EXISTS notifications_due ON notifications (status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS notifications_inbox ON notifications (recipient, inbox_key, id)",
    "CREATE INDEX IF NOT EXISTS notifications_by_status ON notifications (status, created_at, id)",
    "CREATE INDEX IF NOT EXISTS meetings_cancelled_at ON meetings (cancelled_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
