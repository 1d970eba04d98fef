"""The one Piccolo app of the service; its migrations live in the top-level `migrations/`."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from coresearch.domain.accounts import tables as accounts_tables
from coresearch.domain.agreements import tables as agreements_tables
from coresearch.domain.audit import tables as audit_tables
from coresearch.domain.coresearchers import tables as coresearchers_tables
from coresearch.domain.documents import tables as documents_tables
from coresearch.domain.involvement import tables as involvement_tables
from coresearch.domain.projects import tables as projects_tables
from coresearch.domain.work import tables as work_tables

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

APP_CONFIG = AppConfig(
    app_name="coresearch",
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=[
        *accounts_tables.TABLES,
        *audit_tables.TABLES,
        *projects_tables.TABLES,
        *work_tables.TABLES,
        *involvement_tables.TABLES,
        *agreements_tables.TABLES,
        *documents_tables.TABLES,
        *coresearchers_tables.TABLES,
    ],
    migration_dependencies=[],
    commands=[],
)
