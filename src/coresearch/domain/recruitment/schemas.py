"""Request and response bodies of the recruitment area."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.params import FromQuery

from coresearch.domain.accounts.schemas import Email
from coresearch.domain.projects.tables import Phase
from coresearch.domain.recruitment.tables import CandidateSource, CandidateStatus
from coresearch.lib.pagination import Paging
from coresearch.lib.text import MultiLine, SingleLine

Title = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]
FullName = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]
Phone = Annotated[SingleLine, msgspec.Meta(max_length=40)]
LongText = Annotated[MultiLine, msgspec.Meta(max_length=20_000)]
Phases = Annotated[list[Phase], msgspec.Meta(max_length=len(Phase))]
Positions = Annotated[int, msgspec.Meta(ge=1, le=1_000)]


class Opening(msgspec.Struct):
    """A place a project recruits co-researchers for."""

    id: UUID
    project_id: UUID
    title: str
    description: str
    experience_sought: str
    phases: list[Phase]
    positions: int
    closes_on: date | None
    created_by: UUID | None
    created_at: datetime


class OpeningCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Open a place for co-researchers."""

    title: Title
    positions: Positions = 1
    description: LongText = ""
    experience_sought: LongText = ""
    phases: Phases = []
    closes_on: date | None = None


class Candidate(msgspec.Struct):
    """A candidate as the project's leads see them."""

    id: UUID
    project_id: UUID
    opening_id: UUID | None
    full_name: str
    email: str
    phone: str
    source: CandidateSource
    note: str
    status: CandidateStatus
    user_id: UUID | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class CandidateMove(msgspec.Struct):
    """One move of the pipeline: `from_status` is null for the first, when the candidate was identified."""

    from_status: CandidateStatus | None
    to_status: CandidateStatus
    note: str
    moved_by: UUID | None
    moved_at: datetime


class CandidateDetail(Candidate):
    """A candidate with every move, oldest first."""

    history: list[CandidateMove]


class CandidateAccepted(CandidateDetail):
    """An accepted candidate: the co-researcher's user and profile, and, when the user is new, the
    invite token (shown once) to hand over so they set a password."""

    profile_id: UUID
    user_created: bool
    invite_token: str | None
    invite_expires_at: datetime | None


class CandidateCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Add a candidate; they start as `identified`."""

    full_name: FullName
    email: Email
    source: CandidateSource
    phone: Phone = ""
    opening_id: UUID | None = None
    note: LongText = ""


class CandidateUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change the details or move the candidate (`status`, with `status_note` kept in the history).

    `accepted` is reached only through `POST /candidates/{id}/accept`."""

    full_name: FullName | msgspec.UnsetType = msgspec.UNSET
    email: Email | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    source: CandidateSource | msgspec.UnsetType = msgspec.UNSET
    opening_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    note: LongText | msgspec.UnsetType = msgspec.UNSET
    status: CandidateStatus | msgspec.UnsetType = msgspec.UNSET
    status_note: LongText = ""


class CandidateAcceptance(msgspec.Struct, forbid_unknown_fields=True):
    """Accept an offered candidate; `note` is kept in the history."""

    note: LongText = ""


class SourceCount(msgspec.Struct):
    """How many candidates one channel brought, and how far they got."""

    source: CandidateSource
    total: int
    open: int
    accepted: int
    declined: int
    withdrawn: int


class OpeningFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/openings`: newest first."""


class CandidateFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/candidates`: by status, source and opening."""

    status: FromQuery[CandidateStatus | None] = None
    source: FromQuery[CandidateSource | None] = None
    opening_id: FromQuery[UUID | None] = None
