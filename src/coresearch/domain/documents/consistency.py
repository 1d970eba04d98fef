"""Keeping objects and rows in step at the moment of a change (the retries live in `repair`).

An object is stored before its row is inserted, so a failed insert must take the object away
again; rows are deleted (recording their object keys as pending deletions in the same
transaction) before the objects, so a storage outage delays a deletion but never loses it.
"""

from __future__ import annotations

from collections.abc import Iterable

import anyio
import structlog

from coresearch.domain.documents.tables import PendingDeletion
from coresearch.lib.storage import DocumentStore

logger = structlog.get_logger(__name__)

MAX_ERROR_CHARS = 200


def _short_error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]


async def discard_objects(store: DocumentStore, keys: Iterable[str]) -> None:
    """Delete objects whose rows never came to be; queue what the store cannot delete now.

    Runs to the end even when the request is being cancelled; never raises.
    """
    with anyio.CancelScope(shield=True):
        failed: dict[str, str] = {}
        for key in keys:
            try:
                await store.delete(key)
            except Exception as error:  # StorageUnavailable, or anything else: queue it, never raise
                failed[key] = _short_error(error)
        if not failed:
            return
        try:
            await PendingDeletion.insert(
                *[PendingDeletion(object_key=key, last_error=error) for key, error in failed.items()]
            ).on_conflict(target=PendingDeletion.object_key, action="DO NOTHING")
        except Exception as error:  # the database may be what failed the request in the first place
            logger.error(
                "objects without rows could not be deleted nor queued; storage-check will find them",
                keys=sorted(failed),
                error=_short_error(error),
            )
        else:
            logger.warning("objects without rows queued for deletion", keys=sorted(failed))


async def delete_after_commit(store: DocumentStore, keys: Iterable[str]) -> None:
    """Delete the objects of committed pending deletions and drop those rows; never raises.

    Stops at the first storage failure: the remaining rows stay for the background retry.
    """
    with anyio.CancelScope(shield=True):
        for key in keys:
            try:
                await store.delete(key)
            except Exception as error:  # the rows are gone already: the retry finishes the deletion
                logger.warning("object deletion deferred to the retry", key=key, error=_short_error(error))
                return
            try:
                await PendingDeletion.delete().where(PendingDeletion.object_key == key)
            except Exception as error:  # the object is gone; the retry drops the row later
                logger.warning("pending deletion row kept", key=key, error=_short_error(error))
