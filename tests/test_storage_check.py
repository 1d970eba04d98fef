"""Rows and objects stay in step: retried deletions, `check_consistency`, `repair`, `storage-check`.

The documents API is written alongside, so documents are made here with the tables and the
store directly. Tests that touch pending deletions work at a `now` a day ahead, with rows due
only then: the app's own background retry (running on the real clock) leaves them alone.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from coresearch.domain.audit.tables import AuditEntry
from coresearch.domain.documents import repair as consistency
from coresearch.domain.documents.repair import (
    ConsistencyReport,
    DrainResult,
    RepairRefused,
    check_consistency,
    drain_pending_deletions,
    repair,
)
from coresearch.domain.documents.tables import Document, DocumentVersion, PendingDeletion
from coresearch.domain.projects.tables import Project
from coresearch.lib import db
from coresearch.lib.storage import DocumentStore, LocalDocumentStore, S3DocumentStore
from coresearch.settings import S3Settings
from tests.conftest import create_project, make_person
from tests.test_cli import run

GRACE = timedelta(minutes=60)
LATER = datetime.now(UTC) + timedelta(days=1)


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    """Yield `data` as one chunk."""
    yield data


@pytest.fixture
def store(app: Litestar) -> DocumentStore:
    """The session's document store (S3 with PostgreSQL, local disk with SQLite)."""
    return app.state.store


@pytest.fixture
async def project_id(client: httpx.AsyncClient) -> str:
    """A project registered through the API (its id also scopes the checks to this test)."""
    lead = await make_person(client, "researcher")
    return await create_project(client, lead)


@pytest.fixture
def broken_store(store: DocumentStore, tmp_path: Path) -> Iterator[DocumentStore]:
    """A store of the same kind whose backend is gone."""
    if isinstance(store, S3DocumentStore):
        yield S3DocumentStore(
            S3Settings(
                endpoint=f"127.0.0.1:{_closed_port()}",
                access_key="nobody",
                secret_key="not-a-real-secret",
                bucket="documents",
                region="us-east-1",
                secure=False,
            )
        )
    else:
        not_a_folder = tmp_path / "documents"
        not_a_folder.write_bytes(b"")
        yield LocalDocumentStore(not_a_folder)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def object_key(project_id: str, document_id: uuid.UUID | str, version_id: uuid.UUID | str) -> str:
    """The key of a document version's object."""
    return f"documents/{project_id}/{document_id}/{version_id}"


async def put_object(store: DocumentStore, key: str) -> None:
    """Store some random bytes under `key`."""
    await store.put(key, chunks(os.urandom(2000)), content_type="application/pdf")


@dataclass(frozen=True)
class StoredDocument:
    """A document made for a test: its id and its versions' ids and keys, oldest first."""

    id: uuid.UUID
    version_ids: list[uuid.UUID]
    keys: list[str]


async def add_document(
    store: DocumentStore, project_id: str, *, versions: int = 1, lost: tuple[int, ...] = ()
) -> StoredDocument:
    """A document with `versions` versions, the last one current; versions in `lost` have no object."""
    document_id = uuid.uuid4()
    await Document.insert(
        Document(
            id=document_id,
            project=project_id,
            title="Møtereferat",
            kind="minutes",
            visibility="team",
            current_version=versions,
        )
    )
    version_ids, keys = [], []
    for number in range(1, versions + 1):
        version_id = uuid.uuid4()
        key = object_key(project_id, document_id, version_id)
        if number not in lost:
            await put_object(store, key)
        await DocumentVersion.insert(
            DocumentVersion(
                id=version_id,
                document=document_id,
                version=number,
                object_key=key,
                filename=f"referat-v{number}.pdf",
                size=2000,
                sha256="0" * 64,
                content_type="application/pdf",
            )
        )
        version_ids.append(version_id)
        keys.append(key)
    return StoredDocument(document_id, version_ids, keys)


async def add_pending_deletion(key: str, *, due: datetime = LATER, attempts: int = 0) -> None:
    """Record that the object under `key` still has to be deleted, due at `due`."""
    await PendingDeletion.insert(PendingDeletion(object_key=key, next_attempt_at=due, attempts=attempts))


async def pending_row(key: str) -> dict | None:
    """The pending deletion of `key`, if any."""
    return await PendingDeletion.select().where(PendingDeletion.object_key == key).first()


async def check(store: DocumentStore, project_id: str, *, now: datetime | None = None) -> ConsistencyReport:
    """Check only this test's project (the session's store holds other tests' objects)."""
    return await check_consistency(store=store, grace=GRACE, now=now, prefix=f"documents/{project_id}/")


# Pending deletions


async def test_drain_deletes_the_objects_and_rows_of_due_pending_deletions(
    store: DocumentStore, project_id: str
) -> None:
    keys = [object_key(project_id, uuid.uuid4(), uuid.uuid4()) for _ in range(3)]
    for key in keys:
        await put_object(store, key)
        await add_pending_deletion(key)

    result = await drain_pending_deletions(store=store, now=LATER)

    assert result == DrainResult(deleted=3)
    assert [await store.exists(key) for key in keys] == [False, False, False]
    assert await PendingDeletion.count() == 0


async def test_drain_leaves_pending_deletions_that_are_not_due_yet(
    store: DocumentStore, project_id: str
) -> None:
    key = object_key(project_id, uuid.uuid4(), uuid.uuid4())
    await put_object(store, key)
    await add_pending_deletion(key, due=LATER + timedelta(minutes=5))

    result = await drain_pending_deletions(store=store, now=LATER)

    assert result == DrainResult()
    assert await store.exists(key)
    assert await pending_row(key) is not None


async def test_drain_with_storage_down_keeps_the_row_and_backs_off_exponentially(
    broken_store: DocumentStore, project_id: str
) -> None:
    key = object_key(project_id, uuid.uuid4(), uuid.uuid4())
    await add_pending_deletion(key)

    outage = await drain_pending_deletions(store=broken_store, now=LATER)
    after_one = await pending_row(key)
    too_early = await drain_pending_deletions(store=broken_store, now=LATER + timedelta(seconds=29))
    retry = await drain_pending_deletions(store=broken_store, now=LATER + timedelta(seconds=30))
    after_two = await pending_row(key)

    assert (outage.deleted, outage.failed) == (0, 1)
    assert after_one["attempts"] == 1
    assert after_one["next_attempt_at"] == LATER + timedelta(seconds=30)
    assert after_one["last_error"].startswith("StorageUnavailable: ")
    assert "not-a-real-secret" not in after_one["last_error"] and len(after_one["last_error"]) <= 200
    assert too_early == DrainResult()
    assert (retry.deleted, retry.failed) == (0, 1)
    assert after_two["attempts"] == 2
    assert after_two["next_attempt_at"] == LATER + timedelta(seconds=30 + 60)


async def test_a_pass_stops_at_the_first_storage_failure(
    broken_store: DocumentStore, project_id: str
) -> None:
    first, second = (object_key(project_id, uuid.uuid4(), uuid.uuid4()) for _ in range(2))
    await add_pending_deletion(first, due=LATER - timedelta(seconds=2))
    await add_pending_deletion(second, due=LATER - timedelta(seconds=1))

    result = await drain_pending_deletions(store=broken_store, now=LATER)

    assert (result.deleted, result.failed, result.deferred) == (0, 1, 1)
    assert (await pending_row(first))["attempts"] == 1
    untouched = await pending_row(second)
    assert (untouched["attempts"], untouched["next_attempt_at"]) == (0, LATER - timedelta(seconds=1))


def test_backoff_doubles_from_30_seconds_up_to_an_hour() -> None:
    delays = [consistency.backoff(attempts).total_seconds() for attempts in (0, 1, 2, 6, 7, 50)]
    assert delays == [30, 60, 120, 1920, 3600, 3600]


async def test_concurrent_drains_delete_each_object_once(store: DocumentStore, project_id: str) -> None:
    keys = [object_key(project_id, uuid.uuid4(), uuid.uuid4()) for _ in range(6)]
    for key in keys:
        await put_object(store, key)
        await add_pending_deletion(key)

    results = await asyncio.gather(*(drain_pending_deletions(store=store, now=LATER) for _ in range(3)))

    assert sum(result.deleted for result in results) == 6
    assert sum(result.failed for result in results) == 0
    assert await PendingDeletion.count() == 0
    assert await store.list_keys(f"documents/{project_id}/") == []


async def test_background_retry_logs_and_survives_a_failing_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    passes: list[str] = []

    async def drain(**_: object) -> DrainResult:
        passes.append("pass")
        if len(passes) == 1:
            raise ConnectionRefusedError("database is down")
        return DrainResult(deleted=1)

    async def sleep(seconds: float) -> None:
        assert seconds == consistency.RETRY_INTERVAL_SECONDS
        if len(passes) == 3:
            raise asyncio.CancelledError

    monkeypatch.setattr(consistency, "drain_pending_deletions", drain)

    with pytest.raises(asyncio.CancelledError):
        await consistency.retry_pending_deletions_forever(store=None, sleep=sleep)  # type: ignore[arg-type]

    assert len(passes) == 3


# Checks


async def test_stat_tells_when_an_object_was_stored(store: DocumentStore, project_id: str) -> None:
    key = object_key(project_id, uuid.uuid4(), uuid.uuid4())
    before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)

    await put_object(store, key)
    info = await store.stat(key)

    assert info.last_modified is not None
    assert before <= info.last_modified <= datetime.now(UTC) + timedelta(seconds=1)


async def test_a_project_whose_rows_and_objects_match_is_consistent(
    store: DocumentStore, project_id: str
) -> None:
    await add_document(store, project_id, versions=2)

    report = await check(store, project_id, now=LATER)

    assert report.consistent
    assert (report.objects_checked, report.versions_checked) == (2, 2)


async def test_an_object_without_a_row_is_an_orphan_only_after_the_grace_period(
    store: DocumentStore, project_id: str
) -> None:
    key = object_key(project_id, uuid.uuid4(), uuid.uuid4())
    await put_object(store, key)

    fresh = await check(store, project_id)
    old = await check(store, project_id, now=datetime.now(UTC) + GRACE + timedelta(minutes=1))

    assert fresh.consistent and fresh.orphans == [] and fresh.recent_unreferenced == 1
    assert [orphan.key for orphan in old.orphans] == [key]
    assert old.orphans[0].size == 2000
    assert not old.consistent


async def test_an_object_awaiting_deletion_is_a_pending_deletion_not_an_orphan(
    store: DocumentStore, project_id: str
) -> None:
    key = object_key(project_id, uuid.uuid4(), uuid.uuid4())
    await put_object(store, key)
    await add_pending_deletion(key)

    report = await check(store, project_id, now=LATER)

    assert report.orphans == []
    assert report.pending_deletions == 1
    assert not report.consistent


async def test_a_version_whose_object_is_gone_is_reported_missing(
    store: DocumentStore, project_id: str
) -> None:
    document = await add_document(store, project_id, versions=2, lost=(2,))

    report = await check(store, project_id, now=LATER)

    assert [(item.version_id, item.document_id, item.version) for item in report.missing] == [
        (document.version_ids[1], document.id, 2)
    ]
    assert report.orphans == [] and not report.consistent


# Repair


async def audit_actions(entity_id: object) -> list[tuple[str, str | None, str | None]]:
    """(action, actor role, actor id) of the audit rows about `entity_id`."""
    rows = (
        await AuditEntry.select()
        .where(AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.occurred_at)
    )
    return [(row["action"], row["actor_role"], row["actor_id"]) for row in rows]


async def test_repair_fixes_every_problem_and_audits_each_change(
    store: DocumentStore, project_id: str
) -> None:
    kept = await add_document(store, project_id, versions=3, lost=(3,))
    gone = await add_document(store, project_id, versions=1, lost=(1,))
    healthy = await add_document(store, project_id, versions=1)
    orphan_version = uuid.uuid4()
    orphan = object_key(project_id, uuid.uuid4(), orphan_version)
    await put_object(store, orphan)
    doomed = object_key(project_id, uuid.uuid4(), uuid.uuid4())
    await put_object(store, doomed)
    await add_pending_deletion(doomed, due=LATER + timedelta(hours=1), attempts=4)
    report = await check(store, project_id, now=LATER)

    result = await repair(store=store, report=report)

    assert (len(report.orphans), len(report.missing), report.pending_deletions) == (1, 2, 1)
    assert (result.drained.deleted, result.orphans_deleted, result.versions_removed) == (1, 1, 2)
    assert (result.documents_removed, result.current_versions_moved) == (1, 1)
    assert (await check(store, project_id, now=LATER)).consistent
    assert not await store.exists(orphan) and not await store.exists(doomed)
    assert await store.exists(healthy.keys[0]) and await store.exists(kept.keys[0])
    # The document that lost its current version falls back to the highest remaining one.
    document = await Document.select().where(Document.id == kept.id).first()
    assert document["current_version"] == 2
    assert await DocumentVersion.count().where(DocumentVersion.document == kept.id) == 2
    assert not await Document.exists().where(Document.id == gone.id)
    system = ("system", None)
    assert await audit_actions(orphan_version) == [("storage_check.orphan_delete", *system)]
    assert await audit_actions(kept.version_ids[2]) == [("storage_check.version_remove", *system)]
    assert await audit_actions(kept.id) == [("storage_check.current_version_set", *system)]
    assert await audit_actions(gone.version_ids[0]) == [("storage_check.version_remove", *system)]
    assert await audit_actions(gone.id) == [("storage_check.document_remove", *system)]


async def test_repair_leaves_an_orphan_alone_once_a_row_names_it(
    store: DocumentStore, project_id: str
) -> None:
    document = await add_document(store, project_id)
    await DocumentVersion.delete().where(DocumentVersion.document == document.id)
    report = await check(store, project_id, now=LATER)
    await DocumentVersion.insert(
        DocumentVersion(
            document=document.id,
            version=1,
            object_key=document.keys[0],
            filename="sent.pdf",
            size=2000,
            sha256="0" * 64,
            content_type="application/pdf",
        )
    )

    result = await repair(store=store, report=report)

    assert [orphan.key for orphan in report.orphans] == document.keys
    assert result.orphans_deleted == 0
    assert await store.exists(document.keys[0])


async def test_repair_refuses_to_remove_every_version_unless_forced(
    store: DocumentStore, project_id: str
) -> None:
    document = await add_document(store, project_id, versions=2, lost=(1, 2))
    report = await check(store, project_id, now=LATER)

    with pytest.raises(RepairRefused, match="none of the 2 document versions"):
        await repair(store=store, report=report)
    assert await DocumentVersion.count().where(DocumentVersion.document == document.id) == 2

    forced = await repair(store=store, report=report, force=True)
    assert (forced.versions_removed, forced.documents_removed) == (2, 1)


# The command


@contextmanager
def database(url: str) -> Iterator[None]:
    """Point the tables at another database for a while (the session's app keeps its own)."""
    previous = db.current_engine()
    db.use_engine(db.engine_from_url(url))
    try:
        yield
    finally:
        db.use_engine(previous)


async def test_storage_check_command_reports_repairs_and_exits_by_outcome(tmp_path: Path) -> None:
    env = {"COSEARCH_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}
    assert run(env, "migrate").returncode == 0
    store = LocalDocumentStore(tmp_path / "data" / "documents")
    await store.ensure_ready()
    with database(f"sqlite:///{tmp_path}/data/coresearch.db"):
        project_id = uuid.uuid4()
        await Project.insert(
            Project(
                id=project_id,
                title="Erfaringer fra akuttmottak",
                funder="Helse Nord",
                grant_reference="HN-1",
                starts_on=datetime(2026, 1, 1).date(),
                ends_on=datetime(2027, 1, 1).date(),
            )
        )
        document = await add_document(store, str(project_id), versions=2, lost=(2,))
        orphan = object_key(str(project_id), uuid.uuid4(), uuid.uuid4())
        await put_object(store, orphan)
        two_hours_ago = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
        os.utime(tmp_path / "data" / "documents" / orphan, (two_hours_ago, two_hours_ago))

        checked = run(env, "storage-check")
        repaired = run(env, "storage-check", "--repair")
        clean = run(env, "storage-check")
        patient = run(env, "storage-check", "--grace-minutes", "600")

        audited = await AuditEntry.count().where(AuditEntry.actor_role == "system")
        current = await Document.select(Document.current_version).where(Document.id == document.id).first()

    assert checked.returncode == 1, checked.stderr
    assert "Orphan objects (no row, older than 60 min): 1" in checked.stdout and orphan in checked.stdout
    assert "Missing objects (a version row without its object): 1" in checked.stdout
    assert document.keys[1] in checked.stdout
    assert "storage-check --repair" in checked.stdout
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "consistent now" in repaired.stdout
    assert (clean.returncode, patient.returncode) == (0, 0)
    assert "The database and the storage are consistent." in clean.stdout
    assert audited == 3  # the orphan, the lost version, the current version moved back
    assert current == {"current_version": 1}
    assert not (tmp_path / "data" / "documents" / orphan).exists()


def test_storage_check_exits_3_with_one_line_when_storage_or_database_is_unavailable(tmp_path: Path) -> None:
    env = {"COSEARCH_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}
    assert run(env, "migrate").returncode == 0
    no_s3 = {
        "COSEARCH_S3_ENDPOINT": f"http://127.0.0.1:{_closed_port()}",
        "COSEARCH_S3_ACCESS_KEY": "nobody",
        "COSEARCH_S3_SECRET_KEY": "not-a-real-secret",
    }
    no_database = {
        "COSEARCH_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{_closed_port()}/none",
        "COSEARCH_SECRET_KEY": "cli-test-secret-" + "z" * 32,
        "COSEARCH_DATA_KEYS": "q" * 43,
    }

    storage_down = run(env | no_s3, "storage-check")
    database_down = run(env | no_database, "storage-check")
    unmigrated = run({"COSEARCH_DATA_DIR": str(tmp_path / "fresh"), "CWD": str(tmp_path)}, "storage-check")

    assert storage_down.returncode == 3
    assert storage_down.stderr.strip().startswith("storage error: ")
    assert len(storage_down.stderr.strip().splitlines()) == 1
    assert "not-a-real-secret" not in storage_down.stderr
    assert database_down.returncode == 3
    assert database_down.stderr.strip().startswith("database error: ")
    assert len(database_down.stderr.strip().splitlines()) == 1
    assert unmigrated.returncode == 3 and "pending migrations" in unmigrated.stderr


def test_help_explains_storage_check() -> None:
    overview = run({}, "--help")
    detail = run({}, "storage-check", "--help")

    assert "storage-check" in overview.stdout
    assert "orphan objects" in detail.stdout and "--repair" in detail.stdout
    assert "--grace-minutes" in detail.stdout
