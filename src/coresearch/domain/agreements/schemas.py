"""Request and response bodies of the agreements area."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.params import FromQuery

from coresearch.domain.agreements.tables import AgreementStatus
from coresearch.domain.projects.tables import Phase
from coresearch.lib.pagination import Paging
from coresearch.lib.text import MultiLine, SingleLine

RoleTitle = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]
LongText = Annotated[MultiLine, msgspec.Meta(max_length=20_000)]
Phases = Annotated[list[Phase], msgspec.Meta(max_length=len(Phase))]
ExpectedHours = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
PapersDaysAhead = Annotated[int, msgspec.Meta(ge=0, le=90)]
Reason = Annotated[MultiLine, msgspec.Meta(min_length=1, max_length=2_000)]
Revision = Annotated[int, msgspec.Meta(ge=1)]


class Agreement(msgspec.Struct):
    """An agreement as lists show it; `status` is `ended` once an active agreement's period is over."""

    id: UUID
    project_id: UUID
    coresearcher_id: UUID
    role_title: str
    mandate: str
    phases: list[Phase]
    starts_on: date
    ends_on: date
    rate_table_id: UUID | None
    expected_hours: int | None
    pay_terms: str
    confidentiality: bool
    papers_days_ahead: int
    meeting_terms: str
    contact_person_id: UUID | None
    certificate_promised: bool
    references_offered: bool
    status: AgreementStatus
    version: int
    accepted_version: int | None
    awaiting_acceptance: bool
    revision: int
    sent_at: datetime | None
    terminated_at: datetime | None
    termination_reason: str
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class AgreementVersion(msgspec.Struct):
    """One accepted version: the exact text, and who accepted it when."""

    version: int
    accepted_text: str
    accepted_at: datetime
    accepted_by: UUID | None


class AgreementDetail(Agreement):
    """An agreement with its texts: `text` is the current version as it reads now, `accepted_text`
    the version in force (null before the first acceptance), `versions` every accepted version,
    oldest first."""

    text: str
    accepted_text: str | None
    accepted_at: datetime | None
    versions: list[AgreementVersion]


class AgreementCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Draft an agreement for a co-researcher member, with a staff member as contact person."""

    coresearcher_id: UUID
    role_title: RoleTitle
    starts_on: date
    ends_on: date
    contact_person_id: UUID
    mandate: LongText = ""
    phases: Phases = []
    rate_table_id: UUID | None = None
    expected_hours: ExpectedHours | None = None
    pay_terms: LongText = ""
    confidentiality: bool = True
    papers_days_ahead: PapersDaysAhead = 7
    meeting_terms: LongText = ""
    certificate_promised: bool = True
    references_offered: bool = True


class AgreementUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change the terms; omitted fields stay as they are. The co-researcher cannot be changed."""

    role_title: RoleTitle | msgspec.UnsetType = msgspec.UNSET
    mandate: LongText | msgspec.UnsetType = msgspec.UNSET
    phases: Phases | msgspec.UnsetType = msgspec.UNSET
    starts_on: date | msgspec.UnsetType = msgspec.UNSET
    ends_on: date | msgspec.UnsetType = msgspec.UNSET
    rate_table_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    expected_hours: ExpectedHours | None | msgspec.UnsetType = msgspec.UNSET
    pay_terms: LongText | msgspec.UnsetType = msgspec.UNSET
    confidentiality: bool | msgspec.UnsetType = msgspec.UNSET
    papers_days_ahead: PapersDaysAhead | msgspec.UnsetType = msgspec.UNSET
    meeting_terms: LongText | msgspec.UnsetType = msgspec.UNSET
    contact_person_id: UUID | msgspec.UnsetType = msgspec.UNSET
    certificate_promised: bool | msgspec.UnsetType = msgspec.UNSET
    references_offered: bool | msgspec.UnsetType = msgspec.UNSET


class AgreementStep(msgspec.Struct, forbid_unknown_fields=True):
    """Send or accept; `revision`, when given, must still be the agreement's (409 otherwise)."""

    revision: Revision | None = None


class AgreementTermination(msgspec.Struct, forbid_unknown_fields=True):
    """Terminate with a reason; `revision` as for the other steps."""

    reason: Reason
    revision: Revision | None = None


class AgreementFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/agreements`: by status and by co-researcher."""

    status: FromQuery[AgreementStatus | None] = None
    coresearcher_id: FromQuery[UUID | None] = None
