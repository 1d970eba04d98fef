"""One claim per idempotency key, and the indexes claims and their lines are read by (raw: see 0004).

The unique index on `idempotency_keys.key` is what decides between concurrent identical claim
requests: the losers' inserts wait for the winner's commit and then find its claim.

Numbered 0021 with the migration it completes; it runs after it by its ID.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T13:30:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique idempotency keys; indexes of claims and claim lines"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS idempotency_keys_key ON idempotency_keys (key)",
    "CREATE INDEX IF NOT EXISTS claims_coresearcher ON claims (coresearcher, created_at, id)",
    "CREATE INDEX IF NOT EXISTS claims_project ON claims (project)",
    "CREATE INDEX IF NOT EXISTS claim_lines_claim ON claim_lines (claim)",
    "CREATE INDEX IF NOT EXISTS time_entries_claim ON time_entries (claim_id)",
    "CREATE INDEX IF NOT EXISTS expenses_claim ON expenses (claim_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
