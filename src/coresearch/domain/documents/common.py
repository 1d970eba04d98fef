"""Internals the documents area's services (`documents`, `versions`) share: object keys, rows as
the API shows them, and the one lookup that answers 404 for a document the caller may not see."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.documents import schemas as s
from coresearch.domain.documents.tables import Document, DocumentVersion
from coresearch.domain.documents.upload import ReceivedFile
from coresearch.domain.documents.visibility import can_see
from coresearch.domain.projects.access import ProjectAccess, project_access
from coresearch.lib.problems import NotFound
from coresearch.lib.records import locked, one

VERSION_FIELDS = ("version", "filename", "size", "sha256", "content_type")


def object_key(project_id: UUID, document_id: UUID, version_id: UUID) -> str:
    """The store key of one version's bytes."""
    return f"documents/{project_id}/{document_id}/{version_id}"


def to_document(row: dict[str, Any], version: dict[str, Any]) -> s.Document:
    """A document row with its current version row, as the API shows it."""
    return msgspec.convert(
        {
            **row,
            **{name: version[name] for name in VERSION_FIELDS},
            "project_id": row["project"],
            "coresearcher_id": row["coresearcher"],
            "meeting_id": row["meeting"],
            "agreement_id": row["agreement"],
        },
        s.Document,
    )


def to_version(row: dict[str, Any]) -> s.DocumentVersion:
    """A version row as the API shows it."""
    return msgspec.convert(row, s.DocumentVersion)


def audited(row: dict[str, Any], version: dict[str, Any] | None) -> dict[str, Any]:
    """What the audit log keeps of a document and one of its versions."""
    return {
        "project_id": row["project"],
        "title": row["title"],
        "kind": row["kind"],
        "visibility": row["visibility"],
        "coresearcher_id": row["coresearcher"],
        "meeting_id": row["meeting"],
        "agreement_id": row["agreement"],
        **{name: version[name] for name in VERSION_FIELDS if version is not None},
    }


async def document_in_reach(
    *, principal: Principal, document_id: UUID, lock: bool = False
) -> tuple[dict[str, Any], ProjectAccess]:
    """The document and the caller's access to its project; 404 unless the caller sees it."""
    query = Document.select().where(Document.id == document_id)
    row = await (locked(query) if lock else query).first()
    if row is None:
        raise NotFound("No such document")
    try:
        access = await project_access(principal=principal, project_id=row["project"])
    except NotFound:
        raise NotFound("No such document") from None
    if not can_see(principal=principal, access=access, row=row):
        raise NotFound("No such document")
    return row, access


async def current_versions(rows: list[dict[str, Any]]) -> dict[UUID, dict[str, Any]]:
    """The current version row of each document row, by document id."""
    if not rows:
        return {}
    versions = await DocumentVersion.select().where(
        DocumentVersion.document.is_in([row["id"] for row in rows])
        & DocumentVersion.version.is_in(sorted({row["current_version"] for row in rows}))
    )
    by_number = {(v["document"], v["version"]): v for v in versions}
    return {row["id"]: by_number[(row["id"], row["current_version"])] for row in rows}


async def insert_version(
    *,
    principal: Principal,
    document_id: UUID,
    version_id: UUID,
    number: int,
    received: ReceivedFile,
    moment: datetime,
) -> dict[str, Any]:
    """Insert the row of a stored upload as version `number`; return the row."""
    version = DocumentVersion(
        id=version_id,
        document=document_id,
        version=number,
        object_key=received.stored.key,
        filename=received.filename,
        size=received.stored.size,
        sha256=received.stored.sha256,
        content_type=received.content_type,
        uploaded_by=principal.id,
        created_at=moment,
    )
    await DocumentVersion.insert(version)
    return await one(DocumentVersion.select().where(DocumentVersion.id == version_id).first())
