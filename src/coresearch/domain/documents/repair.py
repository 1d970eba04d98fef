"""Keeping document rows and stored objects in step: retried deletions, checks and repairs.

Uploads store the object before they insert its row, and deletions remove the rows (recording
the object keys in `PendingDeletion`) before they delete the objects. So a crash or a storage
outage can leave an object without a row (an orphan), or an object still stored whose deletion
waits in `PendingDeletion`; an object lost from the store leaves a row without its object.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
import structlog

from coresearch.domain.audit.service import SYSTEM, record
from coresearch.domain.documents.tables import Document, DocumentVersion, PendingDeletion
from coresearch.lib import records
from coresearch.lib.db import transaction
from coresearch.lib.storage import DocumentStore, ObjectNotFound, StorageUnavailable

logger = structlog.get_logger(__name__)

DOCUMENTS_PREFIX = "documents/"
RETRY_INTERVAL_SECONDS = 60
FIRST_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600
MAX_ERROR_CHARS = 200


class DrainResult(msgspec.Struct, frozen=True):
    """What one pass over the pending deletions did."""

    deleted: int = 0
    """Objects deleted (or already gone) whose pending rows were removed."""
    failed: int = 0
    """Deletions that failed; their rows were kept and backed off."""
    deferred: int = 0
    """Due rows left alone: taken by another worker, or not tried after the store failed."""
    last_error: str | None = None


class OrphanObject(msgspec.Struct, frozen=True):
    """A stored object under `documents/` that no version row and no pending deletion names."""

    key: str
    size: int
    last_modified: datetime


class MissingObject(msgspec.Struct, frozen=True):
    """A document version row whose object is not in the store."""

    version_id: UUID
    document_id: UUID
    version: int
    object_key: str


class ConsistencyReport(msgspec.Struct, frozen=True):
    """The differences between the document rows and the store, at one moment."""

    objects_checked: int
    versions_checked: int
    orphans: list[OrphanObject]
    missing: list[MissingObject]
    pending_deletions: int
    recent_unreferenced: int
    """Objects without a row that are younger than the grace period (most likely uploads in flight)."""

    @property
    def consistent(self) -> bool:
        """Whether nothing needs repair."""
        return not (self.orphans or self.missing or self.pending_deletions)

    @property
    def every_version_missing(self) -> bool:
        """Whether no version row has its object: usually the wrong bucket or data folder."""
        return self.versions_checked > 0 and len(self.missing) == self.versions_checked


class RepairResult(msgspec.Struct, frozen=True):
    """What `repair` changed."""

    drained: DrainResult
    orphans_deleted: int
    versions_removed: int
    documents_removed: int
    current_versions_moved: int


class RepairRefused(Exception):
    """The repair would remove every document version; the settings are probably wrong."""


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` earlier failures: 30 s doubling, at most 1 h."""
    return timedelta(seconds=min(FIRST_BACKOFF_SECONDS * 2 ** min(attempts, 16), MAX_BACKOFF_SECONDS))


def _short_error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]


async def drain_pending_deletions(
    *,
    store: DocumentStore,
    limit: int | None = 100,
    now: datetime | None = None,
    due_only: bool = True,
) -> DrainResult:
    """Delete the objects of due pending deletions and remove their rows; return the counts.

    Each row is claimed before its object is deleted by moving `next_attempt_at` past `now` (only
    if it is still due), so workers running this at the same time do not work on the same row.
    A failed deletion keeps the row, counts the attempt and backs off exponentially. After the
    store reports itself unavailable the pass stops: the other due rows wait for the next one.
    `due_only=False` ignores the backoff (for `storage-check --repair`).
    """
    now = now or records.now()
    query = PendingDeletion.select(
        PendingDeletion.id, PendingDeletion.object_key, PendingDeletion.attempts
    ).order_by(PendingDeletion.next_attempt_at)
    if due_only:
        query = query.where(PendingDeletion.next_attempt_at <= now)
    if limit is not None:
        query = query.limit(limit)
    rows = await query
    deleted = failed = deferred = 0
    last_error = None
    for index, row in enumerate(rows):
        if not await _claim(row, now=now, due_only=due_only):
            deferred += 1
            continue
        try:
            await store.delete(row["object_key"])
        except (StorageUnavailable, ValueError) as error:
            last_error = _short_error(error)
            await PendingDeletion.update(
                {
                    PendingDeletion.attempts: PendingDeletion.attempts + 1,
                    PendingDeletion.last_error: last_error,
                    PendingDeletion.next_attempt_at: now + backoff(row["attempts"]),
                }
            ).where(PendingDeletion.id == row["id"])
            failed += 1
            if isinstance(error, StorageUnavailable):
                deferred += len(rows) - index - 1
                break
            continue
        await PendingDeletion.delete().where(PendingDeletion.id == row["id"])
        deleted += 1
    return DrainResult(deleted=deleted, failed=failed, deferred=deferred, last_error=last_error)


async def _claim(row: dict[str, Any], *, now: datetime, due_only: bool) -> bool:
    """Move the row's next attempt past `now`; False if another worker claimed it first."""
    condition = PendingDeletion.id == row["id"]
    if due_only:
        condition &= PendingDeletion.next_attempt_at <= now
    claimed = await (
        PendingDeletion.update({PendingDeletion.next_attempt_at: now + backoff(row["attempts"])})
        .where(condition)
        .returning(PendingDeletion.id)
    )
    return bool(claimed)


async def retry_pending_deletions_forever(
    store: DocumentStore,
    *,
    interval: float | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> None:
    """Every `interval` seconds, drain the due pending deletions; log, never raise (until cancelled).

    Without `interval`, `RETRY_INTERVAL_SECONDS` is read on each pass (the test session raises it
    so the retry cannot race tests that look at pending rows).
    """
    while True:
        await sleep(RETRY_INTERVAL_SECONDS if interval is None else interval)
        try:
            result = await drain_pending_deletions(store=store)
        except Exception as error:  # a background task must survive a database outage
            logger.warning("pending object deletions not retried", error=_short_error(error))
            continue
        if result.deleted or result.failed:
            logger.info(
                "pending object deletions retried",
                deleted=result.deleted,
                failed=result.failed,
                deferred=result.deferred,
                last_error=result.last_error,
            )


async def check_consistency(
    *,
    store: DocumentStore,
    grace: timedelta,
    now: datetime | None = None,
    prefix: str = DOCUMENTS_PREFIX,
) -> ConsistencyReport:
    """Compare the version rows and pending deletions with the objects stored under `prefix`.

    An object without a row counts as an orphan only once it is older than `grace` (uploads
    store the object before its row); an object whose age the store cannot tell never does.
    The store is listed before the rows are read, and every apparently missing object is looked
    up again, so an upload or a deletion in progress is not reported.
    """
    now = now or records.now()
    stored = set(await store.list_keys(prefix))
    versions = [
        row
        for row in await DocumentVersion.select(
            DocumentVersion.id, DocumentVersion.document, DocumentVersion.version, DocumentVersion.object_key
        ).where(DocumentVersion.object_key.like(prefix + "%"))
        if row["object_key"].startswith(prefix)
    ]
    pending = {
        row["object_key"]
        for row in await PendingDeletion.select(PendingDeletion.object_key)
        if row["object_key"].startswith(prefix)
    }
    referenced = {row["object_key"] for row in versions}

    orphans, recent = [], 0
    for key in sorted(stored - referenced - pending):
        try:
            info = await store.stat(key)
        except (ObjectNotFound, ValueError):  # deleted meanwhile, or a key the service never writes
            continue
        if info.last_modified is None or info.last_modified > now - grace:
            recent += 1
        else:
            orphans.append(OrphanObject(key=key, size=info.size, last_modified=info.last_modified))

    missing = [
        MissingObject(
            version_id=row["id"],
            document_id=row["document"],
            version=row["version"],
            object_key=row["object_key"],
        )
        for row in versions
        if row["object_key"] not in stored and not await store.exists(row["object_key"])
    ]
    return ConsistencyReport(
        objects_checked=len(stored),
        versions_checked=len(versions),
        orphans=orphans,
        missing=sorted(missing, key=lambda item: item.object_key),
        pending_deletions=len(pending),
        recent_unreferenced=recent,
    )


async def repair(*, store: DocumentStore, report: ConsistencyReport, force: bool = False) -> RepairResult:
    """Fix what `report` found; every change is audited as the system, in its own transaction.

    Drains every pending deletion (ignoring the backoff), deletes the orphan objects that are
    still unreferenced, and removes the version rows of missing objects: the document goes when
    it has no version left, and its current version moves to the highest remaining one.

    Raises:
        RepairRefused: every version's object is missing and `force` is false.
        StorageUnavailable: the store failed while deleting an orphan.
    """
    if report.every_version_missing and not force:
        raise RepairRefused(
            f"none of the {report.versions_checked} document versions has its object in the store"
        )
    drained = await drain_pending_deletions(store=store, limit=None, due_only=False)
    orphans_deleted = 0
    for orphan in report.orphans:
        orphans_deleted += await _delete_orphan(store=store, orphan=orphan)
    removed = {"versions": 0, "documents": 0, "moved": 0}
    for item in report.missing:
        if await store.exists(item.object_key):
            continue
        for outcome in await _remove_missing_version(item):
            removed[outcome] += 1
    return RepairResult(
        drained=drained,
        orphans_deleted=orphans_deleted,
        versions_removed=removed["versions"],
        documents_removed=removed["documents"],
        current_versions_moved=removed["moved"],
    )


async def _delete_orphan(*, store: DocumentStore, orphan: OrphanObject) -> int:
    """Delete one orphan unless a row or pending deletion names it by now; 1 if deleted."""
    key = orphan.key
    if await DocumentVersion.exists().where(DocumentVersion.object_key == key):
        return 0
    if await PendingDeletion.exists().where(PendingDeletion.object_key == key):
        return 0
    async with transaction():
        await record(
            actor=SYSTEM,
            action="storage_check.orphan_delete",
            entity="document_version",
            entity_id=key.rsplit("/", 1)[-1][:64],
            before={"object_key": key, "size": orphan.size},
        )
        # Deleted inside the transaction: the audit row is kept only if the deletion succeeded.
        await store.delete(key)
    return 1


async def _remove_missing_version(item: MissingObject) -> list[str]:
    """Remove one version row whose object is gone and fix its document; return what changed."""
    changed: list[str] = []
    async with transaction():
        version = await DocumentVersion.select().where(DocumentVersion.id == item.version_id).first()
        if version is None:
            return changed
        document = await Document.select().where(Document.id == version["document"]).first()
        await DocumentVersion.delete().where(DocumentVersion.id == item.version_id)
        await record(
            actor=SYSTEM,
            action="storage_check.version_remove",
            entity="document_version",
            entity_id=item.version_id,
            before={
                name: version[name]
                for name in ("document", "version", "object_key", "filename", "size", "sha256")
            },
        )
        changed.append("versions")
        if document is None:
            return changed
        remaining = await DocumentVersion.select(DocumentVersion.version).where(
            DocumentVersion.document == document["id"]
        )
        if not remaining:
            await Document.delete().where(Document.id == document["id"])
            await record(
                actor=SYSTEM,
                action="storage_check.document_remove",
                entity="document",
                entity_id=document["id"],
                before={
                    name: document[name]
                    for name in ("project", "title", "kind", "visibility", "current_version")
                },
            )
            changed.append("documents")
        elif document["current_version"] == version["version"]:
            highest = max(row["version"] for row in remaining)
            await Document.update(
                {Document.current_version: highest, Document.updated_at: records.now()}
            ).where(Document.id == document["id"])
            await record(
                actor=SYSTEM,
                action="storage_check.current_version_set",
                entity="document",
                entity_id=document["id"],
                before={"current_version": document["current_version"]},
                after={"current_version": highest},
            )
            changed.append("moved")
    return changed
