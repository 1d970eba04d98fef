"""Tables of the documents area: documents, their stored versions, and pending object deletions."""

from enum import Enum

from piccolo.columns import UUID, BigInt, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.agreements.tables import Agreement
from coresearch.domain.projects.tables import Project
from coresearch.domain.work.tables import Meeting


class DocumentKind(str, Enum):
    """What a document is (the contract's kinds)."""

    agreement = "agreement"
    meeting_papers = "meeting_papers"
    minutes = "minutes"
    receipt = "receipt"
    certificate = "certificate"
    report = "report"
    other = "other"


class Visibility(str, Enum):
    """Who sees a document besides project leads and oversight."""

    team = "team"
    coresearcher = "coresearcher"
    private = "private"


class Document(Table, tablename="documents"):
    """A project document; its content lives in the store, one object per version.

    A document is attached to at most one other record through a nullable foreign key per kind
    of record (`meeting`, `agreement`; expenses and certificates add theirs when they land).
    """

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    title = Varchar(length=300)
    kind = Varchar(length=20, choices=DocumentKind)
    visibility = Varchar(length=20, choices=Visibility)
    coresearcher = UUID(null=True, default=None, index=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    agreement = ForeignKey(Agreement, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    uploaded_by = UUID(null=True, default=None)
    current_version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class DocumentVersion(Table, tablename="document_versions"):
    """One stored version of a document (unique per document and number, by migration 0008)."""

    id = UUID(primary_key=True)
    document = ForeignKey(Document, on_delete=OnDelete.cascade, null=False, index=True)
    version = Integer()
    object_key = Varchar(length=300, unique=True)
    filename = Varchar(length=255)
    size = BigInt()
    sha256 = Varchar(length=64)
    content_type = Varchar(length=120)
    uploaded_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class PendingDeletion(Table, tablename="storage_pending_deletions"):
    """An object whose row is gone but whose deletion from the store has not succeeded yet.

    Written in the same transaction that deletes the rows, so a crash or a storage outage cannot
    lose it; a background retry and `coresearch storage-check --repair` drain it.
    """

    id = UUID(primary_key=True)
    object_key = Varchar(length=1024, unique=True)
    attempts = Integer(default=0)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
