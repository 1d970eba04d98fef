"""The one Piccolo app of the service; its migrations live in the top-level `migrations/`."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

from coresearch import domain

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# Every area's `tables.py`, found on disk: a new area's tables register without a list to edit.
TABLE_MODULES = sorted(
    f"{domain.__name__}.{area.name}.tables"
    for area in Path(domain.__file__).parent.iterdir()
    if (area / "tables.py").is_file()
)

APP_CONFIG = AppConfig(
    app_name="coresearch",
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
