"""Request and response bodies of the payments area."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.params import FromQuery

from coresearch.domain.payments.tables import EntrySource, ExpenseKind
from coresearch.domain.projects.tables import Phase
from coresearch.domain.work.tables import AttendanceMode
from coresearch.lib.pagination import Paging
from coresearch.lib.text import MultiLine, SingleLine, TextFilter

Name = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]
# Up to NOK 100,000 an hour: far above any real fee, low enough that no sum can overflow.
HourlyRateOre = Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
RoundingMinutes = Annotated[int, msgspec.Meta(ge=1, le=60)]
MinimumMinutes = Annotated[int, msgspec.Meta(ge=0, le=480)]
# One day at most: an entry is the work of one day.
WorkedMinutes = Annotated[int, msgspec.Meta(ge=1, le=24 * 60)]
# Up to NOK 1,000,000 an expense: far above any real outlay, far below an integer overflow.
AmountOre = Annotated[int, msgspec.Meta(ge=1, le=100_000_000)]
Description = Annotated[MultiLine, msgspec.Meta(max_length=2_000)]


class RateTable(msgspec.Struct):
    """One version of a rate table: money in øre, durations in minutes."""

    id: UUID
    name: str
    hourly_rate_ore: int
    rounding_minutes: int
    minimum_in_person_minutes: int
    valid_from: date
    created_at: datetime


class RateTableCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A rate table, or a new version of one (same `name`, later `valid_from`).

    `rounding_minutes` must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60).
    """

    name: Name
    hourly_rate_ore: HourlyRateOre
    rounding_minutes: RoundingMinutes
    minimum_in_person_minutes: MinimumMinutes
    valid_from: date


class RateTableFilters(Paging, frozen=True, kw_only=True):
    """`GET /rate-tables`: every version, latest `valid_from` first, optionally of one name."""

    name: TextFilter = None


class TimeEntry(msgspec.Struct):
    """Minutes a co-researcher worked on one day; `claim_id` set means a claim holds (locks) it.
    `source`: manual (by hand), or kept in step with a meeting's attendance, a done task, an
    activity's confirmed participants or a training record (`*_id` names which)."""

    id: UUID
    project_id: UUID
    coresearcher_id: UUID
    worked_on: date
    minutes: int
    mode: AttendanceMode | None
    source: EntrySource
    activity_id: UUID | None
    task_id: UUID | None
    meeting_id: UUID | None
    training_id: UUID | None
    description: str
    claim_id: UUID | None
    created_at: datetime
    updated_at: datetime


class TimeEntryCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Work recorded by hand (`source` manual); a co-researcher records only their own."""

    coresearcher_id: UUID
    worked_on: date
    minutes: WorkedMinutes
    description: Description
    activity_id: UUID | None = None
    task_id: UUID | None = None
    meeting_id: UUID | None = None


class TimeEntryFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/time-entries`: latest day first, optionally of one co-researcher."""

    coresearcher_id: FromQuery[UUID | None] = None


class Expense(msgspec.Struct):
    """An outlay in øre; `claim_id` set means a claim holds (locks) it."""

    id: UUID
    project_id: UUID
    coresearcher_id: UUID
    incurred_on: date
    kind: ExpenseKind
    amount_ore: int
    description: str
    receipt_document_id: UUID | None
    claim_id: UUID | None
    created_at: datetime


class ExpenseCreate(msgspec.Struct, forbid_unknown_fields=True):
    """An expense; `lost_earnings` needs `receipt_document_id` (a document of the project)."""

    coresearcher_id: UUID
    incurred_on: date
    kind: ExpenseKind
    amount_ore: AmountOre
    description: Description
    receipt_document_id: UUID | None = None


class ExpenseFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/expenses`: latest day first, optionally of one co-researcher."""

    coresearcher_id: FromQuery[UUID | None] = None


IdempotencyKeyText = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ClaimCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Claim a co-researcher's unclaimed work and outlays in a period (both days included)."""

    coresearcher_id: UUID
    period_start: date
    period_end: date


class ClaimReject(msgspec.Struct, forbid_unknown_fields=True):
    """Why a claim is rejected (its lines become claimable again)."""

    reason: Annotated[MultiLine, msgspec.Meta(min_length=1, max_length=2_000)]


class ClaimMarkPaid(msgspec.Struct, forbid_unknown_fields=True):
    """When and by which payment a claim was paid."""

    paid_on: date
    reference: Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]


class ClaimLine(msgspec.Struct):
    """One line of a claim: a time entry (`minutes` worked, `paid_minutes` after the rules) or an
    expense, with its amount in øre and the rule that gave it; `phase` is the phase of the entry's
    meeting, task or activity (null for expenses and entries naming none)."""

    id: UUID
    kind: str
    day: date
    time_entry_id: UUID | None
    expense_id: UUID | None
    minutes: int | None
    paid_minutes: int | None
    rule: str
    amount_ore: int
    phase: Phase | None


class Claim(msgspec.Struct):
    """A claim with its lines; `expected_payment_on` is `approved_at` + 14 days until paid;
    `days_to_payment` (once paid) the days from submission (UTC date of `created_at`) to `paid_on`."""

    id: UUID
    project_id: UUID
    coresearcher_id: UUID
    period_start: date
    period_end: date
    status: str
    total_ore: int
    created_at: datetime
    attested_by: UUID | None
    attested_at: datetime | None
    approved_by: UUID | None
    approved_at: datetime | None
    rejected_at: datetime | None
    reject_reason: str
    paid_on: date | None
    paid_reference: str
    expected_payment_on: date | None
    days_to_payment: int | None
    lines: list[ClaimLine]


class PaymentFilters(Paging, frozen=True, kw_only=True):
    """The caller's own claims, newest first."""


class BenefitWarning(msgspec.Struct):
    """The caller's current period is over the AAP warning share."""

    period_starts_on: date
    paid_minutes: int
    limit_minutes: int


class BenefitCrossing(msgspec.Struct):
    """A warning, not a refusal: for this person on AAP the paid and coming minutes of the period
    holding the work (with this work counted) are over the warning share; the action was done."""

    coresearcher_id: UUID
    period_starts_on: date
    period_ends_on: date
    paid_minutes: int
    pending_minutes: int
    limit_minutes: int
