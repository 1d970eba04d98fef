"""Tables of the payments area: dated rate tables, time entries and expenses (claims come later)."""

from enum import Enum

from piccolo.columns import UUID, BigInt, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.coresearchers.tables import Training
from coresearch.domain.documents.tables import Document
from coresearch.domain.involvement.tables import Activity
from coresearch.domain.projects.tables import Phase, Project
from coresearch.domain.work.tables import AttendanceMode, Meeting, Task


class EntrySource(str, Enum):
    """Where a time entry came from."""

    manual = "manual"
    attendance = "attendance"
    task = "task"
    activity = "activity"
    training = "training"


class ExpenseKind(str, Enum):
    """What an expense is for; `lost_earnings` needs documentation (a receipt document)."""

    travel = "travel"
    lost_earnings = "lost_earnings"
    other = "other"


class RateTable(Table, tablename="rate_tables"):
    """One version of a named rate table, in force from `valid_from` until the next version of
    the same name (unique per name and `valid_from`, by migration 0019_rate_tables_integrity).

    Never changed after it is written: a new rate is a new row, so a claim for past work is
    computed with the version of the day the work was done. Who wrote it is in the audit log.
    """

    id = UUID(primary_key=True)
    name = Varchar(length=200)
    hourly_rate_ore = Integer()
    rounding_minutes = Integer()
    minimum_in_person_minutes = Integer()
    valid_from = Date()
    created_at = Timestamptz(default=TimestamptzNow())


class TimeEntry(Table, tablename="time_entries"):
    """Minutes a co-researcher worked in a project on one day, as worked (the rate rules apply
    when a claim computes the amount). `claim_id` is set once a claim holds the entry, which locks
    it; an attendance entry (`source` attendance) is kept in step with the meeting's attendance
    while unclaimed (one per meeting and person, by migration 0020_time_and_expenses_integrity),
    and so are the entries of a done task, a confirmed activity participant and a training record
    (`source` task, activity, training: one per record and person, by 0024_..._integrity).
    """

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False)
    coresearcher = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    worked_on = Date()
    minutes = Integer()
    mode = Varchar(length=20, choices=AttendanceMode, null=True, default=None)
    source = Varchar(length=20, choices=EntrySource, default=EntrySource.manual.value)
    activity = ForeignKey(Activity, on_delete=OnDelete.set_null, null=True, default=None)
    task = ForeignKey(Task, on_delete=OnDelete.set_null, null=True, default=None)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.set_null, null=True, default=None)
    training = ForeignKey(Training, on_delete=OnDelete.set_null, null=True, default=None)
    description = Text(default="")
    claim_id = UUID(null=True, default=None)
    recorded_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Expense(Table, tablename="expenses"):
    """An outlay of a co-researcher in a project, in øre; `claim_id` as for time entries."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False)
    coresearcher = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    incurred_on = Date()
    kind = Varchar(length=20, choices=ExpenseKind)
    amount_ore = BigInt()
    description = Text(default="")
    receipt_document = ForeignKey(Document, on_delete=OnDelete.set_null, null=True, default=None)
    claim_id = UUID(null=True, default=None)
    recorded_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ClaimStatus(str, Enum):
    """Where a claim is: submitted → attested → approved → paid, or rejected."""

    submitted = "submitted"
    attested = "attested"
    approved = "approved"
    paid = "paid"
    rejected = "rejected"


class Claim(Table, tablename="claims"):
    """A request to pay one co-researcher for a period's unclaimed work and outlays in a project.

    The staff who moved it (`attested_by`, `approved_by`, ...) are kept as plain ids: the audit
    log holds the full trail. `total_ore` is the sum of the lines, fixed when the claim is made.
    `exported_at` is set by the explicit mark-exported step of the payroll export.
    """

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False)
    coresearcher = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    period_start = Date()
    period_end = Date()
    status = Varchar(length=20, choices=ClaimStatus, default=ClaimStatus.submitted.value)
    total_ore = BigInt()
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    attested_by = UUID(null=True, default=None)
    attested_at = Timestamptz(null=True, default=None)
    approved_by = UUID(null=True, default=None)
    approved_at = Timestamptz(null=True, default=None)
    rejected_by = UUID(null=True, default=None)
    rejected_at = Timestamptz(null=True, default=None)
    reject_reason = Text(default="")
    paid_by = UUID(null=True, default=None)
    paid_on = Date(null=True, default=None)
    paid_reference = Varchar(length=200, default="")
    exported_at = Timestamptz(null=True, default=None)


class ClaimLine(Table, tablename="claim_lines"):
    """One time entry or expense in a claim, with the amount and the rule that gave it; `phase`
    is the phase of the entry's meeting, task or activity when the claim was made (null for
    expenses and entries naming none), what budget versus actual counts per phase."""

    id = UUID(primary_key=True)
    claim = ForeignKey(Claim, on_delete=OnDelete.cascade, null=False)
    kind = Varchar(length=20)
    day = Date()
    time_entry_id = UUID(null=True, default=None)
    expense_id = UUID(null=True, default=None)
    minutes = Integer(null=True, default=None)
    paid_minutes = Integer(null=True, default=None)
    rule = Text(default="")
    amount_ore = BigInt()
    phase = Varchar(length=20, choices=Phase, null=True, default=None)


class IdempotencyKey(Table, tablename="idempotency_keys"):
    """The claim a client's `Idempotency-Key` made (unique key, by 0021_claims_integrity), and
    a hash of the request, so a retry returns the same claim and a reuse with another body fails."""

    id = UUID(primary_key=True)
    key = Varchar(length=200)
    project = UUID()
    request_hash = Varchar(length=64)
    claim_id = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
