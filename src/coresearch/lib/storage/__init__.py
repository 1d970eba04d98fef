"""The document store: one async interface over an S3 bucket or a local folder.

Both implementations stream with bounded memory, compute size and sha256 while writing, and
translate every backend failure into `StorageUnavailable`, a missing key into `ObjectNotFound`.
The interface and errors live in `base`, the implementations in `s3` and `local`.
"""

from __future__ import annotations

from coresearch.lib.storage.base import (
    CHUNK_SIZE,
    DocumentStore,
    ObjectNotFound,
    ObjectReader,
    ObjectTooLarge,
    StorageError,
    StorageUnavailable,
    StoredObject,
    attachment_disposition,
    released_chunks,
    validate_key,
)
from coresearch.lib.storage.local import LocalDocumentStore
from coresearch.lib.storage.s3 import PARALLEL_PARTS, PART_SIZE, S3DocumentStore
from coresearch.settings import Settings

__all__ = [
    "CHUNK_SIZE",
    "PARALLEL_PARTS",
    "PART_SIZE",
    "DocumentStore",
    "LocalDocumentStore",
    "ObjectNotFound",
    "ObjectReader",
    "ObjectTooLarge",
    "S3DocumentStore",
    "StorageError",
    "StorageUnavailable",
    "StoredObject",
    "attachment_disposition",
    "build_document_store",
    "released_chunks",
    "validate_key",
]


def build_document_store(settings: Settings) -> DocumentStore:
    """Return the S3 store when S3 is configured, else the local-disk store."""
    if settings.s3 is not None:
        return S3DocumentStore(settings.s3)
    return LocalDocumentStore(settings.documents_dir)
