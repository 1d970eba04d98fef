"""The test harness: every API test runs on PostgreSQL + S3 and on SQLite + local disk.

PostgreSQL comes from COSEARCH_TEST_DATABASE_URL (default: the server on 127.0.0.1:5432); each
session creates a fresh database, applies the real migrations once, empties the tables after every
test and drops the database at the end. S3 is a SeaweedFS started for the session, or the endpoint
in COSEARCH_TEST_S3_ENDPOINT.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import argon2
import asyncpg
import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import Finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import sort_table_classes

from coresearch.app import create_app
from coresearch.domain.accounts.tokens import issue_token
from coresearch.domain.documents import repair
from coresearch.domain.notifications import worker as notifications_worker
from coresearch.lib import db, passwords
from coresearch.settings import S3Settings, Settings, load_settings, new_data_key
from tests.seaweed import SeaweedServer, remove_bucket, s3_from_environment, start_seaweedfs

PG_ADMIN_URL = os.environ.get("COSEARCH_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["postgres", "sqlite"]

# Production argon2 costs ~64 MiB and tens of milliseconds per hash; the suite hashes thousands of
# times. Tests hash with the cheapest parameters argon2 accepts (verification reads the parameters
# from each hash, so the code path is the same); test_accounts asserts the production parameters.
PRODUCTION_HASHER = passwords._hasher
passwords._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
passwords._DUMMY_HASH = passwords._hasher.hash("not-a-real-password-but-a-timing-equaliser")


@dataclass(frozen=True)
class Backend:
    """One of the two configurations the suite runs on."""

    name: str
    settings: Settings
    env: dict[str, str]


def _database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path="/" + name))


async def _admin_connection() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        reason = f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: the PostgreSQL backend must run)", pytrace=False)
        pytest.skip(f"!!! SKIPPING THE POSTGRESQL BACKEND !!! {reason}")


@pytest.fixture(scope="session")
def s3_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Settings]:
    """A real S3 endpoint for the session: COSEARCH_TEST_S3_ENDPOINT, or a SeaweedFS started here."""
    given = s3_from_environment()
    if given is not None:
        yield given
        remove_bucket(given)
        return
    server: SeaweedServer = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield server.settings()
    finally:
        server.stop()


def s3_environment(s3: S3Settings) -> dict[str, str]:
    """The COSEARCH_S3_* variables naming `s3`."""
    return {
        "COSEARCH_S3_ENDPOINT": s3.endpoint,
        "COSEARCH_S3_ACCESS_KEY": s3.access_key,
        "COSEARCH_S3_SECRET_KEY": s3.secret_key,
        "COSEARCH_S3_BUCKET": s3.bucket,
        "COSEARCH_S3_REGION": s3.region,
        "COSEARCH_S3_SECURE": "true" if s3.secure else "false",
    }


@pytest_asyncio.fixture(scope="session", params=BACKENDS)
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Backend]:
    """A migrated database and a document store, for the whole session."""
    data_dir: Path = tmp_path_factory.mktemp(f"data-{request.param}")
    env = {"COSEARCH_DATA_DIR": str(data_dir), "COSEARCH_LOG_LEVEL": "INFO"}
    database_name = None
    if request.param == "postgres":
        admin = await _admin_connection()
        database_name = f"coresearch_test_{uuid.uuid4().hex[:12]}"
        await admin.execute(f'CREATE DATABASE "{database_name}"')
        await admin.close()
        env |= {
            "COSEARCH_DATABASE_URL": _database_url(PG_ADMIN_URL, database_name),
            "COSEARCH_SECRET_KEY": "test-secret-" + "x" * 40,
            "COSEARCH_DATA_KEYS": new_data_key(),
            **s3_environment(request.getfixturevalue("s3_settings")),
        }
    settings = load_settings(env)
    engine = await db.open_database(settings.database_url)
    await db.apply_migrations()
    await db.close_database(engine)
    try:
        yield Backend(name=request.param, settings=settings, env=env)
    finally:
        if database_name is not None:
            admin = await _admin_connection()
            await admin.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
            await admin.close()


@pytest_asyncio.fixture(scope="session")
async def app(backend: Backend) -> AsyncIterator[Litestar]:
    """The app on the session's backend, started once.

    Its background retry of pending object deletions is slowed to once a day, so it cannot race
    the tests that look at pending rows (tests/test_storage_check.py drives the retry directly).
    The mail worker is slowed the same way: tests/test_notifications.py drives `deliver_due`.
    """
    repair.RETRY_INTERVAL_SECONDS = 24 * 3600
    notifications_worker.POLL_SECONDS = 24 * 3600
    application = create_app(backend.settings)
    started, stopping = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        # Litestar's lifespan holds a task group: enter and exit it in one task.
        async with application.lifespan():
            started.set()
            await stopping.wait()

    global _SETTINGS
    _SETTINGS = backend.settings
    task = asyncio.create_task(run_lifespan())
    await asyncio.wait([task, asyncio.ensure_future(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()
    yield application
    stopping.set()
    await task


@pytest_asyncio.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client driving the app in-process; the tables are emptied afterwards."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
    await reset_tables()


async def reset_tables() -> None:
    """Delete every row of every app table in one transaction (not the migrations table).

    On PostgreSQL, DELETE with triggers off (`session_replication_role`: the audit log's
    append-only trigger and the foreign-key checks) costs under a millisecond on a test's few
    rows, where one TRUNCATE of all tables costs 70–240 ms.
    """
    tables = [t for t in sort_table_classes(Finder().get_table_classes()) if t is not Migration]
    engine = db.current_engine()
    if isinstance(engine, PostgresEngine):
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{table._meta.tablename}"' for table in tables]
        async with engine.pool.acquire() as connection, connection.transaction():
            await connection.execute("; ".join(statements))
        return
    async with engine.transaction():
        for table in reversed(tables):
            await table.delete(force=True)


PASSWORD = "Fjellvann-Blåbær-2026"


@dataclass(frozen=True)
class Person:
    """A signed-in test user."""

    id: str
    email: str
    role: str
    headers: dict[str, str]


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through the API and return the Authorization header."""
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


_SETTINGS: Settings | None = None


async def bearer_headers(user_id: str | uuid.UUID) -> dict[str, str]:
    """A token minted as login mints it, without the password check (tests about login sign in)."""
    assert _SETTINGS is not None, "the app fixture sets the session's settings"
    token, _ = await issue_token(user_id=uuid.UUID(str(user_id)), settings=_SETTINGS)
    return {"Authorization": f"Bearer {token}"}


async def make_person(client: httpx.AsyncClient, role: str, name: str | None = None) -> Person:
    """Create a user through the service layer, with a token minted for them."""
    from coresearch.domain.accounts.service import create_user_from_cli
    from coresearch.domain.accounts.tables import Role

    email = f"{role}-{uuid.uuid4().hex[:6]}@example.no"
    user = await create_user_from_cli(email=email, full_name=name or role, role=Role(role), password=PASSWORD)
    return Person(id=str(user.id), email=email, role=role, headers=await bearer_headers(user.id))


@pytest_asyncio.fixture
async def people(client: httpx.AsyncClient) -> dict[str, Person]:
    """One signed-in user per global role."""
    return {
        role: await make_person(client, role)
        for role in ("admin", "research_leader", "researcher", "co_researcher")
    }


@dataclass(frozen=True)
class World:
    """A small world for access tests: one project with a lead, a researcher and a co-researcher,
    and another project led by an outsider with a co-researcher of its own."""

    people: dict[str, Person]
    project_id: str
    other_project_id: str
    extra: dict[str, str] = field(default_factory=dict)


PERSONA_ROLES = {
    "admin": "admin",
    "research_leader": "research_leader",
    "lead": "researcher",
    "researcher": "researcher",
    "co_researcher": "co_researcher",
    "other_co_researcher": "co_researcher",
    "outsider": "researcher",
}


async def create_project(
    client: httpx.AsyncClient, lead: Person, title: str = "Brukerstemmer i psykisk helse"
) -> str:
    """Register a project through the API and return its id."""
    response = await client.post(
        "/api/v1/projects",
        json={
            "title": title,
            "summary": "Medforskning om erfaringer med akuttpsykiatri.",
            "funder": "Helse Vest",
            "grant_reference": "HV-2026-042",
            "starts_on": "2026-01-01",
            "ends_on": "2028-12-31",
        },
        headers=lead.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def add_member(
    client: httpx.AsyncClient, lead: Person, project_id: str, person: Person, role: str
) -> None:
    """Make `person` a member of the project through the API."""
    response = await client.put(
        f"/api/v1/projects/{project_id}/members/{person.id}", json={"role": role}, headers=lead.headers
    )
    assert response.status_code == 200, response.text


@pytest_asyncio.fixture
async def world(client: httpx.AsyncClient) -> World:
    """Two projects and one signed-in person per persona."""
    people = {persona: await make_person(client, role, persona) for persona, role in PERSONA_ROLES.items()}
    project_id = await create_project(client, people["lead"])
    await add_member(client, people["lead"], project_id, people["researcher"], "researcher")
    await add_member(client, people["lead"], project_id, people["co_researcher"], "co_researcher")
    other = await create_project(client, people["outsider"], "Pårørendes erfaringer")
    await add_member(client, people["outsider"], other, people["other_co_researcher"], "co_researcher")
    return World(people=people, project_id=project_id, other_project_id=other)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run `validation_only` tests on one backend: a refusal decided before any query cannot differ."""
    keep, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("backend") == "postgres"
        (dropped if on_postgres and item.get_closest_marker("validation_only") else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
