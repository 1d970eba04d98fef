"""`claims.exported_at`: when a claim was marked as sent to payroll, so it is not paid twice; and
an index on `claims.approved_at`, which the export selects a month by (raw: see 0004)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder

ID = "2026-11-30T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "claims.exported_at for the payroll export"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)

    async def apply() -> None:
        await engine_finder().run_ddl("CREATE INDEX IF NOT EXISTS claims_approved_at ON claims (approved_at)")

    manager.add_raw(apply)
    manager.add_column(
        table_class_name="Claim",
        tablename="claims",
        column_name="exported_at",
        db_column_name="exported_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
