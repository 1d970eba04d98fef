"""Budget versus actual per phase: `project_phases.budget_ore`, the planned involvement budget
of one phase (the project's `involvement_budget_ore` stays the total), and `claim_lines.phase`,
the phase of the meeting, task or activity a time line was for (null for expenses and entries
without one). 0023_budget_phases_backfill fills the phase of the lines made before.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "project_phases.budget_ore and claim_lines.phase"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="coresearch", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ProjectPhase",
        tablename="project_phases",
        column_name="budget_ore",
        db_column_name="budget_ore",
        column_class_name="BigInt",
        column_class=BigInt,
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
    manager.add_column(
        table_class_name="ClaimLine",
        tablename="claim_lines",
        column_name="phase",
        db_column_name="phase",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
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
