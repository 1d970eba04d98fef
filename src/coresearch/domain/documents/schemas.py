"""Response bodies of the documents area, and the form fields an upload carries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar.params import FromQuery

from coresearch.domain.documents.tables import DocumentKind, Visibility
from coresearch.lib.pagination import Paging
from coresearch.lib.text import SingleLine

Title = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=300)]


class Document(msgspec.Struct):
    """A document as the API shows it, with the facts of its current version."""

    id: UUID
    project_id: UUID
    title: str
    kind: DocumentKind
    visibility: Visibility
    coresearcher_id: UUID | None
    meeting_id: UUID | None
    agreement_id: UUID | None
    uploaded_by: UUID | None
    version: int
    size: int
    sha256: str
    content_type: str
    filename: str
    created_at: datetime
    updated_at: datetime


class DocumentVersion(msgspec.Struct):
    """One stored version of a document; `content_type` is what the bytes were found to be."""

    version: int
    size: int
    sha256: str
    content_type: str
    filename: str
    uploaded_by: UUID | None
    created_at: datetime


class DocumentDetail(Document):
    """A document with every stored version, oldest first."""

    versions: list[DocumentVersion]


class DocumentFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/documents`: by kind and by the meeting or agreement a document belongs to."""

    kind: FromQuery[DocumentKind | None] = None
    meeting_id: FromQuery[UUID | None] = None
    agreement_id: FromQuery[UUID | None] = None


class DocumentForm(msgspec.Struct, forbid_unknown_fields=True):
    """The text fields of an upload (multipart form fields beside the `file` part)."""

    title: Title
    kind: DocumentKind
    visibility: Visibility
    coresearcher_id: UUID | None = None
    meeting_id: UUID | None = None
    agreement_id: UUID | None = None


# The type of each form field, to check a field as soon as it arrives.
FORM_FIELD_TYPES: dict[str, Any] = {
    "title": Title,
    "kind": DocumentKind,
    "visibility": Visibility,
    "coresearcher_id": UUID,
    "meeting_id": UUID,
    "agreement_id": UUID,
}
REQUIRED_FORM_FIELDS = ("title", "kind", "visibility")
