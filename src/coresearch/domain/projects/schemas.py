"""Request and response bodies of the projects area."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.params import FromQuery

from coresearch.domain.projects.tables import Level, MemberRole, Phase, PhaseStatus, ProjectStatus
from coresearch.lib.pagination import Paging
from coresearch.lib.text import MultiLine, SingleLine

Title = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=300)]
ShortText = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]
Reference = Annotated[SingleLine, msgspec.Meta(max_length=100)]
LongText = Annotated[MultiLine, msgspec.Meta(max_length=20_000)]
Ore = Annotated[int, msgspec.Meta(ge=0, le=10**13)]


class Project(msgspec.Struct):
    """A project as the API shows it; `my_role` is the caller's membership role, if any."""

    id: UUID
    title: str
    summary: str
    funder: str
    grant_reference: str
    ethics_reference: str | None
    starts_on: date
    ends_on: date
    involvement_budget_ore: int | None
    status: ProjectStatus
    created_at: datetime
    updated_at: datetime
    my_role: MemberRole | None = None


class ProjectCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Register a project; the creator becomes its lead."""

    title: Title
    funder: ShortText
    grant_reference: Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=100)]
    starts_on: date
    ends_on: date
    summary: LongText = ""
    ethics_reference: Reference | None = None
    involvement_budget_ore: Ore | None = None


class ProjectUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change a project; omitted fields stay as they are."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    summary: LongText | msgspec.UnsetType = msgspec.UNSET
    funder: ShortText | msgspec.UnsetType = msgspec.UNSET
    grant_reference: Reference | msgspec.UnsetType = msgspec.UNSET
    ethics_reference: Reference | None | msgspec.UnsetType = msgspec.UNSET
    starts_on: date | msgspec.UnsetType = msgspec.UNSET
    ends_on: date | msgspec.UnsetType = msgspec.UNSET
    involvement_budget_ore: Ore | None | msgspec.UnsetType = msgspec.UNSET
    status: ProjectStatus | msgspec.UnsetType = msgspec.UNSET


class Member(msgspec.Struct):
    """A member of a project."""

    user_id: UUID
    full_name: str
    role: MemberRole
    joined_at: datetime


class MemberPut(msgspec.Struct, forbid_unknown_fields=True):
    """Add a member or change their role."""

    role: MemberRole


class ProjectPhase(msgspec.Struct):
    """One research phase of a project."""

    phase: Phase
    position: int
    planned_level: Level | None
    status: PhaseStatus
    notes: str
    budget_ore: int | None
    updated_at: datetime


class ProjectPhaseUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Plan or record a phase; omitted fields stay as they are. `budget_ore` is the phase's
    planned share of the involvement budget (null: none planned)."""

    planned_level: Level | None | msgspec.UnsetType = msgspec.UNSET
    status: PhaseStatus | msgspec.UnsetType = msgspec.UNSET
    notes: LongText | msgspec.UnsetType = msgspec.UNSET
    budget_ore: Ore | None | msgspec.UnsetType = msgspec.UNSET


class ProjectFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects`: by status."""

    status: FromQuery[ProjectStatus | None] = None
