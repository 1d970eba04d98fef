"""Money columns as 64-bit integers on PostgreSQL: `claims.total_ore`, `claim_lines.amount_ore`
and `expenses.amount_ore` were `integer` (at most 2,147,483,647 øre, about NOK 21 million), while
budgets were already `bigint`. SQLite's INTEGER is 64-bit already, so there is nothing to do there.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-30T15:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "money columns as bigint"

STATEMENTS = [
    "ALTER TABLE claims ALTER COLUMN total_ore TYPE BIGINT",
    "ALTER TABLE claim_lines ALTER COLUMN amount_ore TYPE BIGINT",
    "ALTER TABLE expenses ALTER COLUMN amount_ore TYPE BIGINT",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            for statement in STATEMENTS:
                await engine.run_ddl(statement)

    manager.add_raw(apply)
    return manager
