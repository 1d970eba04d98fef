"""The one Piccolo app of the service; its migrations live in the top-level `migrations/`."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# Every area's `tables.py`; a table defined in one of them is registered without a list to edit.
TABLE_MODULES = [
    "coresearch.domain.accounts.tables",
    "coresearch.domain.audit.tables",
    "coresearch.domain.projects.tables",
    "coresearch.domain.work.tables",
    "coresearch.domain.involvement.tables",
    "coresearch.domain.documents.tables",
]

APP_CONFIG = AppConfig(
    app_name="coresearch",
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
