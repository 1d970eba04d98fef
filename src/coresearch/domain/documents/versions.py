"""Versions of a document: adding one (old versions stay), and finding one to serve its bytes."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import msgspec
import structlog

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.documents import schemas as s
from coresearch.domain.documents.common import (
    VERSION_FIELDS,
    document_in_reach,
    insert_version,
    object_key,
    to_document,
)
from coresearch.domain.documents.consistency import discard_objects
from coresearch.domain.documents.tables import Document, DocumentVersion
from coresearch.domain.documents.upload import FormUpload, receive_upload
from coresearch.domain.documents.visibility import may_add_version
from coresearch.lib.db import transaction
from coresearch.lib.problems import Forbidden, NotFound, ServiceUnavailable
from coresearch.lib.records import now, one
from coresearch.lib.storage import DocumentStore, ObjectNotFound, ObjectReader

logger = structlog.get_logger(__name__)

DOWNLOAD_LINK_LIFETIME = timedelta(minutes=5)


class StoredVersion(msgspec.Struct, frozen=True):
    """Where one version's bytes are and how to serve them."""

    object_key: str
    version: int
    size: int
    sha256: str
    content_type: str
    filename: str


async def add_version(
    *, principal: Principal, document_id: UUID, form: FormUpload, store: DocumentStore, max_bytes: int
) -> s.Document:
    """Store a new version of a document (project staff and the uploader); older ones stay."""
    row, access = await document_in_reach(principal=principal, document_id=document_id)
    if not may_add_version(principal=principal, access=access, row=row):
        raise Forbidden("Only project staff and the uploader add versions of this document")
    version_id = uuid4()

    async def no_fields(fields: dict[str, str], complete: bool) -> None:
        """The form has only the `file` part: `receive_upload` refuses any other field."""

    received = await receive_upload(
        form,
        store=store,
        key=object_key(row["project"], document_id, version_id),
        max_bytes=max_bytes,
        field_names=frozenset(),
        check_fields=no_fields,
    )
    try:
        async with transaction():
            before, access = await document_in_reach(principal=principal, document_id=document_id, lock=True)
            if not may_add_version(principal=principal, access=access, row=before):
                raise Forbidden("Only project staff and the uploader add versions of this document")
            numbers = await DocumentVersion.select(DocumentVersion.version).where(
                DocumentVersion.document == document_id
            )
            number = max((item["version"] for item in numbers), default=0) + 1
            moment = now()
            version = await insert_version(
                principal=principal,
                document_id=document_id,
                version_id=version_id,
                number=number,
                received=received,
                moment=moment,
            )
            await Document.update({Document.current_version: number, Document.updated_at: moment}).where(
                Document.id == document_id
            )
            after = await one(Document.select().where(Document.id == document_id).first())
            await audit.record(
                actor=actor_of(principal),
                action="document.version_add",
                entity="document",
                entity_id=document_id,
                before={"current_version": before["current_version"]},
                after={"current_version": number, **{name: version[name] for name in VERSION_FIELDS}},
            )
    except BaseException:
        await discard_objects(store, [received.stored.key])
        raise
    return to_document(after, version)


async def find_version(
    *, principal: Principal, document_id: UUID, version: int | None = None
) -> StoredVersion:
    """The current version of a document the caller sees, or the numbered one (404 if none)."""
    row, _ = await document_in_reach(principal=principal, document_id=document_id)
    number = row["current_version"] if version is None else version
    found = (
        await DocumentVersion.select()
        .where((DocumentVersion.document == document_id) & (DocumentVersion.version == number))
        .first()
    )
    if found is None:
        raise NotFound(f"The document has no version {number}")
    return msgspec.convert(found, StoredVersion)


async def open_content(*, store: DocumentStore, version: StoredVersion) -> ObjectReader:
    """Open a version's bytes for streaming; 503 when the store has lost them (a repair case)."""
    try:
        return await store.get(version.object_key)
    except ObjectNotFound:
        logger.error("a document version's object is missing from the store", key=version.object_key)
        raise ServiceUnavailable("The document's content is not available from storage") from None


async def download_url(*, store: DocumentStore, version: StoredVersion) -> str | None:
    """A presigned URL valid five minutes that downloads the version under its name and type,
    or None when the store cannot sign (local disk): then the caller streams."""
    return await store.presigned_get_url(
        version.object_key,
        expires=DOWNLOAD_LINK_LIFETIME,
        filename=version.filename,
        content_type=version.content_type,
    )
