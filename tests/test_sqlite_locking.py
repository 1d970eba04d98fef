"""The embedded default under a held write lock: writes wait for it, and answer 503 only when the
wait runs out (never 500)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from coresearch.lib import db
from tests.conftest import Backend, World

API = "/api/v1"


def sqlite_only(backend: Backend) -> None:
    if backend.name != "sqlite":
        pytest.skip("the busy timeout is SQLite's; PostgreSQL writers wait on row locks")


@contextmanager
def write_lock_held(backend: Backend) -> Iterator[sqlite3.Connection]:
    """Another connection holding SQLite's write lock, as a long write would; rolled back at the
    end unless the caller commits first."""
    holder = sqlite3.connect(db.sqlite_path(backend.settings.database_url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


async def open_sqlite_connections(settle_seconds: float = 2.0) -> int:
    """aiosqlite's connection threads still running, once closing ones have had time to end."""
    deadline = time.monotonic() + settle_seconds
    while True:
        count = sum("_connection_worker_thread" in thread.name for thread in threading.enumerate())
        if count == 0 or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.05)


async def new_task(client: httpx.AsyncClient, world: World) -> str:
    lead = world.people["lead"]
    response = await client.post(
        f"{API}/projects/{world.project_id}/tasks",
        json={"title": "Før", "phase": "design"},
        headers=lead.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_write_waits_for_the_lock_instead_of_failing(
    client: httpx.AsyncClient, world: World, backend: Backend
) -> None:
    sqlite_only(backend)
    task_id = await new_task(client, world)
    with write_lock_held(backend) as holder:

        async def release_later() -> None:
            await asyncio.sleep(0.5)
            holder.execute("COMMIT")

        started = time.monotonic()
        response, _ = await asyncio.gather(
            client.patch(
                f"{API}/tasks/{task_id}", json={"title": "Etter"}, headers=world.people["lead"].headers
            ),
            release_later(),
        )
        waited = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Etter" and waited >= 0.45


async def test_when_the_wait_runs_out_writes_answer_503_with_retry_after(
    client: httpx.AsyncClient, world: World, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only(backend)
    task_id = await new_task(client, world)
    lead, admin = world.people["lead"], world.people["admin"]
    monkeypatch.setitem(db.current_engine().connection_kwargs, "timeout", 0.2)
    connections_before = await open_sqlite_connections()
    with write_lock_held(backend):
        answers = [
            # inside a service transaction (BEGIN IMMEDIATE)
            await client.patch(f"{API}/tasks/{task_id}", json={"title": "Etter"}, headers=lead.headers),
            await client.post(
                f"{API}/users",
                json={"email": "ny@example.no", "full_name": "Ny", "role": "researcher"},
                headers=admin.headers,
            ),
            # a single autocommit statement outside any transaction (the sign-in throttle)
            await client.post(
                f"{API}/auth/login", json={"email": "x@example.no", "password": "feil-passord"}
            ),
        ]
    for response in answers:
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"].isdigit()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("/service-unavailable")
    assert await open_sqlite_connections() == connections_before  # none leaked by a failed BEGIN
    retried = await client.patch(f"{API}/tasks/{task_id}", json={"title": "Etter"}, headers=lead.headers)
    assert retried.status_code == 200, retried.text
