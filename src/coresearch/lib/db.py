"""The database engine: chosen from the URL, shared by every Piccolo table, and its lifecycle."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import anyio
import asyncpg
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType

from coresearch.lib.private import create_private_file, make_private_dir, restrict_to_owner

APP_NAME = "coresearch"
POOL_MIN_SIZE = 1
POOL_MAX_SIZE = 10
# How long a SQLite write waits for the one write lock before it gives up (then 503).
SQLITE_BUSY_TIMEOUT_SECONDS = 15.0
SQLITE_COMPANIONS = ("-wal", "-shm")


# asyncpg ships no type information, so to mypy its `Connection` is `Any`.
class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pool connection that skips asyncpg's reset statement when it goes back to the pool.

    By default asyncpg sends `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on
    every release: one more round trip per query, about half the cost of a small query
    (docs/performance.md). The service keeps no session state (no `SET` outside a transaction,
    no `LISTEN`, no session-level advisory locks, no cursors outside a transaction), so there is
    nothing to reset. An open transaction is still rolled back on release: asyncpg always does
    that. Anything that starts keeping session state must use `SET LOCAL` or drop this class.
    """

    def get_reset_query(self) -> str:
        """Nothing to send: see the class docstring."""
        return ""


class ImmediateTransaction(SQLiteTransaction):
    """A SQLite transaction that takes the write lock at BEGIN (see `transaction`)."""

    def __init__(self, engine: SQLiteEngine) -> None:
        super().__init__(engine=engine, transaction_type=TransactionType.immediate)

    async def begin(self) -> None:
        """BEGIN IMMEDIATE; if the lock wait runs out, close the connection Piccolo would leak."""
        try:
            await super().begin()  # type: ignore[no-untyped-call]  # Piccolo ships no type hints
        except BaseException:
            await self.connection.close()
            raise


class DatabaseUnavailable(Exception):
    """The database cannot be reached or answered with a server-side failure."""


class MigrationFailed(Exception):
    """A migration did not apply; the message says which."""


def sqlite_path(url: str) -> Path:
    """Return the file path of a `sqlite:///...` URL."""
    return Path(url.removeprefix("sqlite:///"))


def engine_from_url(url: str) -> Engine[Any]:
    """Build (without connecting) the Piccolo engine a database URL names."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        # `timeout` is the busy timeout of every connection Piccolo opens, inside a transaction
        # or not: a write waits for the lock instead of failing at once.
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    return PostgresEngine(config={"dsn": url})


def _registered_tables() -> list[Any]:
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder

    return [*Finder().get_table_classes(), Migration]


def use_engine(engine: Engine[Any]) -> None:
    """Make `engine` the one every table and the migration runner use."""
    from coresearch import piccolo_conf

    piccolo_conf.DB = engine
    for table in _registered_tables():
        table._meta.db = engine


def current_engine() -> Engine[Any]:
    """Return the engine in use."""
    from coresearch import piccolo_conf

    return piccolo_conf.DB


def _prepare_sqlite_file(path: Path) -> None:
    """Create the database owner-only (SQLite gives its -wal and -shm the file's mode) in WAL."""
    make_private_dir(path.parent)
    create_private_file(path)
    for suffix in SQLITE_COMPANIONS:
        restrict_to_owner(path.with_name(path.name + suffix))
    with sqlite3.connect(path) as connection:
        # WAL lets readers proceed while one request writes.
        connection.execute("PRAGMA journal_mode=WAL")


async def open_database(url: str) -> Engine[Any]:
    """Create the engine for `url`, install it, and open its connection pool."""
    engine = engine_from_url(url)
    if isinstance(engine, SQLiteEngine):
        await anyio.to_thread.run_sync(_prepare_sqlite_file, Path(engine.path))
    use_engine(engine)
    if isinstance(engine, PostgresEngine):
        try:
            await engine.start_connection_pool(
                min_size=POOL_MIN_SIZE, max_size=POOL_MAX_SIZE, connection_class=PooledConnection
            )
        except (OSError, ConnectionError) as exc:
            raise DatabaseUnavailable(f"cannot connect to PostgreSQL: {exc}") from exc
    return engine


async def close_database(engine: Engine[Any]) -> None:
    """Close the engine's pool, if it has one."""
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


async def ping(engine: Engine[Any], seconds: float = 3.0) -> None:
    """Run a trivial query; raise DatabaseUnavailable if it fails or takes too long."""
    try:
        with anyio.fail_after(seconds):
            await engine.run_ddl("SELECT 1")
    except Exception as exc:  # any failure here means "not ready"
        raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc


async def pending_migrations() -> list[str]:
    """Ids of the app's migrations not yet applied to the engine in use."""
    from piccolo.apps.migrations.commands.check import CheckMigrationManager

    rows = await CheckMigrationManager(app_name=APP_NAME).get_migration_statuses()
    return [row.migration_id for row in rows if not row.has_ran]


async def apply_migrations() -> None:
    """Apply every pending migration of the app to the engine in use (idempotent)."""
    result = await run_forwards(app_name=APP_NAME, migration_id="all")
    if not result.success:
        raise MigrationFailed(result.message or "a migration failed")


def transaction() -> Any:
    """Open a transaction on the engine in use: `async with transaction(): ...`.

    On SQLite it begins IMMEDIATE: it takes the one write lock at BEGIN, waiting up to the busy
    timeout. A DEFERRED transaction that reads first and then writes cannot wait for the lock
    (SQLite answers "database is locked" at once, since its snapshot may be stale), and holding
    the lock from the start also makes every check-then-write inside it serial.
    """
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        return ImmediateTransaction(engine)
    return engine.transaction()
