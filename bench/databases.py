"""Throwaway PostgreSQL databases, migrated with the service's real migrations."""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from coresearch.lib import db

ADMIN_URL = os.environ.get("COSEARCH_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME_PREFIX = "coresearch_bench_"


async def raw_pool(url: str) -> asyncpg.Pool:
    """An asyncpg pool configured as the service's (size, connection class), for raw SQL."""
    return await asyncpg.create_pool(
        url, min_size=db.POOL_MIN_SIZE, max_size=db.POOL_MAX_SIZE, connection_class=db.PooledConnection
    )


def database_url(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server `admin_url` points at."""
    return urlunsplit(urlsplit(admin_url)._replace(path="/" + name))


async def migrate(url: str) -> None:
    """Apply the service's migrations to the database at `url`."""
    engine = await db.open_database(url)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Piccolo narrates each migration
            await db.apply_migrations()
    finally:
        await db.close_database(engine)


@asynccontextmanager
async def throwaway_database(label: str, admin_url: str = ADMIN_URL) -> AsyncIterator[str]:
    """Create and migrate a fresh database, yield its URL, and drop it however the block ends."""
    name = f"{NAME_PREFIX}{label}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = database_url(admin_url, name)
    try:
        await migrate(url)
        yield url
    finally:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
