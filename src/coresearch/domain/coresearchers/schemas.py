"""Request and response bodies of the co-researchers area: profiles, training and consents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Email, FullName
from coresearch.domain.coresearchers.tables import (
    AgeBand,
    BenefitStatus,
    ConsentScope,
    ExperienceKind,
    Gender,
    OrganisationType,
    PaymentRoute,
)
from coresearch.lib.text import MultiLine, SingleLine

Phone = Annotated[SingleLine, msgspec.Meta(max_length=40)]
Organisation = Annotated[SingleLine, msgspec.Meta(max_length=200)]
Summary = Annotated[MultiLine, msgspec.Meta(max_length=5_000)]
Notes = Annotated[MultiLine, msgspec.Meta(max_length=2_000)]
# Checked for digits and check digits by the service, which names the field in a 400.
Identifier = Annotated[SingleLine, msgspec.Meta(max_length=20)]
Title = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=300)]
Provider = Annotated[SingleLine, msgspec.Meta(max_length=200)]
TrainingMinutes = Annotated[int, msgspec.Meta(ge=1, le=10_000)]


class AccessibilityNeeds(msgspec.Struct, forbid_unknown_fields=True):
    """Adaptations a co-researcher needs to take part; shown to the staff of their projects."""

    large_print: bool = False
    breaks: bool = False
    companion: bool = False
    notes: Notes = ""


class Profile(msgspec.Struct):
    """A co-researcher's profile; `id` is the user id.

    Fields the caller may not read are null, and those that hold a value are listed in `masked`.
    """

    id: UUID
    full_name: str
    email: str
    phone: str
    organisation: str
    experience_kind: ExperienceKind | None
    experience_summary: str | None
    accessibility_needs: AccessibilityNeeds
    national_id: str | None
    bank_account: str | None
    benefit_status: BenefitStatus | None
    payment_route: PaymentRoute | None
    benefit_period_anchor: date | None
    age_band: AgeBand | None
    gender: Gender | None
    organisation_type: OrganisationType | None
    masked: list[str]
    updated_at: datetime | None


class ProfileUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change a profile; omitted fields stay as they are, null clears an optional one."""

    full_name: FullName | msgspec.UnsetType = msgspec.UNSET
    email: Email | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    organisation: Organisation | msgspec.UnsetType = msgspec.UNSET
    experience_kind: ExperienceKind | None | msgspec.UnsetType = msgspec.UNSET
    experience_summary: Summary | None | msgspec.UnsetType = msgspec.UNSET
    accessibility_needs: AccessibilityNeeds | msgspec.UnsetType = msgspec.UNSET
    national_id: Identifier | None | msgspec.UnsetType = msgspec.UNSET
    bank_account: Identifier | None | msgspec.UnsetType = msgspec.UNSET
    benefit_status: BenefitStatus | None | msgspec.UnsetType = msgspec.UNSET
    payment_route: PaymentRoute | None | msgspec.UnsetType = msgspec.UNSET
    benefit_period_anchor: date | None | msgspec.UnsetType = msgspec.UNSET
    age_band: AgeBand | None | msgspec.UnsetType = msgspec.UNSET
    gender: Gender | None | msgspec.UnsetType = msgspec.UNSET
    organisation_type: OrganisationType | None | msgspec.UnsetType = msgspec.UNSET


class Training(msgspec.Struct):
    """A completed course or onboarding."""

    id: UUID
    coresearcher_id: UUID
    project_id: UUID | None
    title: str
    completed_on: date
    minutes: int
    provider: str
    recorded_by: UUID | None
    created_at: datetime


class TrainingCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Record training; `project_id` (optional) is a project the caller leads that pays for it."""

    title: Title
    completed_on: date
    minutes: TrainingMinutes
    provider: Provider = ""
    project_id: UUID | None = None


class ConsentPut(msgspec.Struct, forbid_unknown_fields=True):
    """Grant or withdraw one consent scope."""

    granted: bool


class ConsentState(msgspec.Struct):
    """The current decision for one scope; `decided_at` is null when never decided (not granted)."""

    scope: ConsentScope
    granted: bool
    decided_at: datetime | None


class ConsentDecision(msgspec.Struct):
    """One past decision."""

    scope: ConsentScope
    granted: bool
    decided_at: datetime


class Consents(msgspec.Struct):
    """Every scope's current state; `history` (newest first) only for the person themselves."""

    coresearcher_id: UUID
    scopes: list[ConsentState]
    history: list[ConsentDecision] | None


class Withdrawal(msgspec.Struct):
    """What a withdrawal from a project changed: the membership ended, the open tasks the person
    was taken off, the future meetings whose attendance was removed, the agreements terminated."""

    project_id: UUID
    coresearcher_id: UUID
    withdrawn_at: datetime
    tasks_unassigned: list[UUID]
    meetings_attendance_removed: list[UUID]
    agreements_terminated: list[UUID]


class Cell(msgspec.Struct):
    """One count; `count` is null and `suppressed` true when it could point at fewer than 3 people."""

    count: int | None
    suppressed: bool


class Category(msgspec.Struct):
    """One answer of a dimension (`not_stated` for those who gave none) and its count."""

    value: str
    count: int | None
    suppressed: bool


class Representation(msgspec.Struct):
    """Who the project's co-researchers are, as aggregate counts of self-reported answers only."""

    project_id: UUID
    minimum_cell: int
    total: Cell
    experience_kind: list[Category]
    age_band: list[Category]
    gender: list[Category]
    organisation_type: list[Category]
