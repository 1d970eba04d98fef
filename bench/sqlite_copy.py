"""Copy a generated PostgreSQL database into a freshly migrated SQLite file, table by table."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import asyncpg

from coresearch.lib import db

# Parents before children; the rest of the schema (audit, tokens, documents) stays empty.
TABLES = [
    "users", "projects", "project_members", "project_phases", "activities", "activity_participants",
    "tasks", "task_assignees", "meetings",
]  # fmt: skip
CHUNK = 20_000


def _value(value: Any) -> Any:
    # asyncpg's UUID type is not the one Piccolo's SQLite adapter is registered for.
    return str(value) if isinstance(value, uuid.UUID) else value


async def copy_to_sqlite(pg_url: str, sqlite_url: str) -> None:
    """Migrate the SQLite database at `sqlite_url` and fill it with the rows of `pg_url`."""
    engine = await db.open_database(sqlite_url)
    try:
        await db.apply_migrations()
    finally:
        await db.close_database(engine)
    source = await asyncpg.connect(pg_url)
    target = sqlite3.connect(db.sqlite_path(sqlite_url))
    target.execute("PRAGMA synchronous = OFF")  # a throwaway file: durability is not the point
    try:
        for table in TABLES:
            columns = [
                row["column_name"]
                for row in await source.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
                    "ORDER BY ordinal_position",
                    table,
                )
            ]
            names = ", ".join(f'"{name}"' for name in columns)
            insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
            async with source.transaction():
                cursor = await source.cursor(f"SELECT {names} FROM {table}")
                while rows := await cursor.fetch(CHUNK):
                    target.executemany(insert, [tuple(_value(v) for v in row) for row in rows])
            target.commit()
        target.execute("ANALYZE")
        target.commit()
    finally:
        target.close()
        await source.close()
