"""Bodies of the privacy area: the personal export and the erasure request and result."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from coresearch.domain.coresearchers.schemas import Profile


class ExportAccount(msgspec.Struct):
    """The caller's account (never the password hash)."""

    id: UUID
    email: str
    full_name: str
    role: str
    is_active: bool
    has_password: bool
    created_at: datetime
    updated_at: datetime
    password_changed_at: datetime | None


class ExportConsent(msgspec.Struct):
    """One consent decision (the history, oldest first: the latest per scope holds)."""

    scope: str
    granted: bool
    decided_at: datetime


class ExportTraining(msgspec.Struct):
    """A course or onboarding recorded for the person."""

    id: UUID
    project_id: UUID | None
    title: str
    completed_on: date
    minutes: int
    provider: str
    created_at: datetime


class ExportTimeEntry(msgspec.Struct):
    """Time recorded for the person (by hand or from a meeting's attendance)."""

    id: UUID
    project_id: UUID
    worked_on: date
    minutes: int
    mode: str | None
    source: str
    meeting_id: UUID | None
    description: str
    claim_id: UUID | None
    created_at: datetime


class ExportExpense(msgspec.Struct):
    """An expense recorded for the person."""

    id: UUID
    project_id: UUID
    incurred_on: date
    kind: str
    amount_ore: int
    description: str
    receipt_document_id: UUID | None
    claim_id: UUID | None
    created_at: datetime


class ExportClaimLine(msgspec.Struct):
    """One line of a claim: the entry or expense it pays, the amount and the rule applied."""

    kind: str
    day: date
    time_entry_id: UUID | None
    expense_id: UUID | None
    minutes: int | None
    paid_minutes: int | None
    rule: str
    amount_ore: int


class ExportClaim(msgspec.Struct):
    """A claim paying the person: status, total, dates and its priced lines."""

    id: UUID
    project_id: UUID
    period_start: date
    period_end: date
    status: str
    total_ore: int
    created_at: datetime
    approved_at: datetime | None
    paid_on: date | None
    reject_reason: str
    lines: list[ExportClaimLine]


class ExportAcceptedVersion(msgspec.Struct):
    """One accepted version of an agreement, with the exact text accepted."""

    version: int
    text: str
    accepted_at: datetime


class ExportAgreement(msgspec.Struct):
    """An agreement with the person, with every accepted text."""

    id: UUID
    project_id: UUID
    role_title: str
    status: str
    version: int
    starts_on: date
    ends_on: date
    sent_at: datetime | None
    terminated_at: datetime | None
    termination_reason: str
    accepted_versions: list[ExportAcceptedVersion]


class ExportMembership(msgspec.Struct):
    """A project the person is a member of."""

    project_id: UUID
    project_title: str
    role: str
    since: datetime


class ExportTask(msgspec.Struct):
    """A task assigned to the person."""

    id: UUID
    project_id: UUID
    title: str
    status: str
    due_on: date | None


class ExportAttendance(msgspec.Struct):
    """The person's attendance at a meeting."""

    meeting_id: UUID
    project_id: UUID
    title: str
    starts_at: datetime
    attended: bool
    mode: str | None


class ExportActivity(msgspec.Struct):
    """An activity the person takes part in (confirmed, or pending their confirmation);
    `meeting_id` is the meeting it records, whose attendance pays the time, if any."""

    activity_id: UUID
    project_id: UUID
    kind: str
    occurred_on: date
    minutes: int
    summary: str
    confirmed: bool
    meeting_id: UUID | None


class ExportEvaluation(msgspec.Struct):
    """An evaluation round the person answered: only that they did, never the answer."""

    round_id: UUID
    project_id: UUID
    title: str


class ExportCandidate(msgspec.Struct):
    """A recruitment record about the person."""

    id: UUID
    project_id: UUID
    full_name: str
    email: str
    phone: str
    source: str
    status: str
    note: str
    created_at: datetime


class ExportDocument(msgspec.Struct):
    """A document about the person or uploaded by them (the list, not the content)."""

    id: UUID
    project_id: UUID
    title: str
    kind: str
    created_at: datetime


class ExportAuditEntry(msgspec.Struct):
    """Something the person did, as the audit log recorded it."""

    action: str
    entity: str
    occurred_at: datetime


class ExportNotification(msgspec.Struct):
    """A message written to the person (by e-mail, in the portal, or both)."""

    id: UUID
    kind: str
    subject: str
    body_text: str
    channel: str
    delivery: str
    created_at: datetime
    sent_at: datetime | None
    read_at: datetime | None


class ExportNotificationPreferences(msgspec.Struct):
    """The person's language and channels for notifications (`channels` as stored, JSON)."""

    language: str
    channels: str
    updated_at: datetime


class PersonalExport(msgspec.Struct):
    """Everything the service holds about the caller, as of `exported_at`."""

    exported_at: datetime
    account: ExportAccount
    profile: Profile | None
    consents: list[ExportConsent]
    training: list[ExportTraining]
    agreements: list[ExportAgreement]
    memberships: list[ExportMembership]
    tasks: list[ExportTask]
    meetings: list[ExportAttendance]
    activities: list[ExportActivity]
    evaluations: list[ExportEvaluation]
    candidates: list[ExportCandidate]
    documents: list[ExportDocument]
    time_entries: list[ExportTimeEntry]
    expenses: list[ExportExpense]
    claims: list[ExportClaim]
    audit: list[ExportAuditEntry]
    notifications: list[ExportNotification]
    notification_preferences: list[ExportNotificationPreferences]


class ErasureRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Confirm an erasure by writing the person's current e-mail address."""

    confirm: Annotated[str, msgspec.Meta(min_length=1, max_length=320)]


class Erasure(msgspec.Struct):
    """What an erasure removed (counts per kind of record)."""

    coresearcher_id: UUID
    erased_at: datetime
    removed: dict[str, int]


def rows_to(rows: list[dict[str, Any]], struct: type[msgspec.Struct]) -> list[Any]:
    """Rows (columns aliased to the struct's fields) as response structs."""
    return [msgspec.convert(row, struct, from_attributes=True) for row in rows]
