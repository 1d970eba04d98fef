"""Documents of a project: upload (version 1), read, list and delete, each change audited.

The object is stored first and its row inserted after (with the audit row, in one transaction);
an insert that fails takes the object away again. Deleting removes the rows and records the
object keys as pending deletions in one transaction, then deletes the objects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.documents import schemas as s
from coresearch.domain.documents.common import (
    audited,
    current_versions,
    document_in_reach,
    insert_version,
    object_key,
    to_document,
    to_version,
)
from coresearch.domain.documents.consistency import delete_after_commit, discard_objects
from coresearch.domain.documents.fields import check_references, parse_fields
from coresearch.domain.documents.tables import (
    Document,
    DocumentKind,
    DocumentVersion,
    PendingDeletion,
    Visibility,
)
from coresearch.domain.documents.upload import FormUpload, ReceivedFile, receive_upload
from coresearch.domain.documents.visibility import may_delete, visible_filter
from coresearch.domain.notifications import papers as meeting_papers
from coresearch.domain.projects.access import project_access
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.problems import Forbidden
from coresearch.lib.records import now, one
from coresearch.lib.storage import DocumentStore


async def create_document(
    *, principal: Principal, project_id: UUID, form: FormUpload, store: DocumentStore, max_bytes: int
) -> s.Document:
    """Store an uploaded document as version 1 (any project member); see `fields` for the rules."""
    access = await project_access(principal=principal, project_id=project_id)
    document_id, version_id = uuid4(), uuid4()
    values: dict[str, Any] = {}

    async def check(fields: dict[str, str], complete: bool) -> None:
        parsed = parse_fields(fields, complete=complete)
        await check_references(principal=principal, access=access, values=parsed, complete=complete)
        values.update(parsed)

    received = await receive_upload(
        form,
        store=store,
        key=object_key(project_id, document_id, version_id),
        max_bytes=max_bytes,
        field_names=frozenset(s.FORM_FIELD_TYPES),
        check_fields=check,
    )
    data = s.DocumentForm(**values)
    try:
        async with transaction():
            moment = now()
            row, version = await _insert_first_version(
                principal=principal,
                document=Document(
                    id=document_id,
                    project=project_id,
                    title=data.title,
                    kind=data.kind.value,
                    visibility=data.visibility.value,
                    coresearcher=data.coresearcher_id,
                    meeting=data.meeting_id,
                    agreement=data.agreement_id,
                ),
                version_id=version_id,
                received=received,
                moment=moment,
            )
            if data.kind == DocumentKind.meeting_papers and data.meeting_id is not None:
                await meeting_papers.papers_attached(
                    meeting_id=data.meeting_id,
                    document=row,
                    first=not await has_meeting_papers(data.meeting_id, besides=document_id),
                    moment=moment,
                    actor_id=principal.id,
                )
    except BaseException:
        await discard_objects(store, [received.stored.key])
        raise
    return to_document(row, version)


async def _insert_first_version(
    *, principal: Principal, document: Document, version_id: UUID, received: ReceivedFile, moment: datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Insert a new document (its fields set by the caller) with `received` as version 1, and the
    audit row, inside the caller's transaction; the stored row and version."""
    document.uploaded_by = principal.id
    document.current_version = 1
    document.created_at = moment
    document.updated_at = moment
    await Document.insert(document)
    version = await insert_version(
        principal=principal,
        document_id=document.id,
        version_id=version_id,
        number=1,
        received=received,
        moment=moment,
    )
    row = await one(Document.select().where(Document.id == document.id).first())
    await audit.record(
        actor=actor_of(principal),
        action="document.create",
        entity="document",
        entity_id=document.id,
        after=audited(row, version),
    )
    return row, version


async def store_generated(
    *,
    principal: Principal,
    project_id: UUID,
    title: str,
    kind: DocumentKind,
    visibility: Visibility,
    filename: str,
    content: bytes,
    content_type: str,
    store: DocumentStore,
) -> s.Document:
    """Store bytes the service made (a frozen report) as version 1 of a new document, audited as
    an upload is. The caller has checked who may do this; the project must exist."""
    document_id, version_id = uuid4(), uuid4()

    async def body() -> AsyncIterator[bytes]:
        yield content

    stored = await store.put(
        object_key(project_id, document_id, version_id), body(), content_type=content_type
    )
    received = ReceivedFile(fields={}, stored=stored, filename=filename, content_type=content_type)
    try:
        async with transaction():
            row, version = await _insert_first_version(
                principal=principal,
                document=Document(
                    id=document_id,
                    project=project_id,
                    title=title,
                    kind=kind.value,
                    visibility=visibility.value,
                ),
                version_id=version_id,
                received=received,
                moment=now(),
            )
    except BaseException:
        await discard_objects(store, [stored.key])
        raise
    return to_document(row, version)


async def get_document(*, principal: Principal, document_id: UUID) -> s.DocumentDetail:
    """A document the caller sees, with every version, oldest first."""
    row, _ = await document_in_reach(principal=principal, document_id=document_id)
    versions = await (
        DocumentVersion.select()
        .where(DocumentVersion.document == document_id)
        .order_by(DocumentVersion.version)
    )
    current = next(v for v in versions if v["version"] == row["current_version"])
    document = to_document(row, current)
    return s.DocumentDetail(
        **msgspec.structs.asdict(document), versions=[to_version(version) for version in versions]
    )


async def list_documents(
    *, principal: Principal, project_id: UUID, filters: s.DocumentFilters
) -> Page[s.Document]:
    """The project's documents the caller sees, newest first."""
    check_limit(filters.limit)
    access = await project_access(principal=principal, project_id=project_id)
    query = Document.select().where(Document.project == project_id)
    visible = visible_filter(principal=principal, access=access)
    if visible is not None:
        query = query.where(visible)
    if filters.kind is not None:
        query = query.where(Document.kind == filters.kind.value)
    if filters.meeting_id is not None:
        query = query.where(Document.meeting == filters.meeting_id)
    if filters.agreement_id is not None:
        query = query.where(Document.agreement == filters.agreement_id)
    query = keyset(
        query,
        filters.cursor,
        sort=Document.created_at,
        sort_type=datetime,
        id_column=Document.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    current = await current_versions(rows[: filters.limit])
    return page_of(
        rows, filters.limit, sort_key="created_at", convert=lambda row: to_document(row, current[row["id"]])
    )


async def delete_document(*, principal: Principal, document_id: UUID, store: DocumentStore) -> None:
    """Delete a document and all its versions (the project's leads and the uploader)."""
    async with transaction():
        row, access = await document_in_reach(principal=principal, document_id=document_id, lock=True)
        if not may_delete(principal=principal, access=access, row=row):
            raise Forbidden("Only the project's leads and the uploader delete this document")
        versions = await DocumentVersion.select().where(DocumentVersion.document == document_id)
        current = next((v for v in versions if v["version"] == row["current_version"]), None)
        keys = sorted(version["object_key"] for version in versions)
        await Document.delete().where(Document.id == document_id)
        if keys:
            await PendingDeletion.insert(*[PendingDeletion(object_key=key) for key in keys]).on_conflict(
                target=PendingDeletion.object_key, action="DO NOTHING"
            )
        await audit.record(
            actor=actor_of(principal),
            action="document.delete",
            entity="document",
            entity_id=document_id,
            before={**audited(row, current), "versions": len(versions)},
        )
    await delete_after_commit(store, keys)


async def has_meeting_papers(meeting_id: UUID, *, besides: UUID | None = None) -> bool:
    """Whether meeting papers are attached to the meeting (other than the document `besides`)."""
    query = Document.exists().where(
        (Document.meeting == meeting_id) & (Document.kind == DocumentKind.meeting_papers.value)
    )
    if besides is not None:
        query = query.where(Document.id != besides)
    return bool(await query)
