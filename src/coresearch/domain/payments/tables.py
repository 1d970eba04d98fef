"""Tables of the payments area: dated rate tables, time entries and expenses (claims come later)."""

from enum import Enum

from piccolo.columns import UUID, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.documents.tables import Document
from coresearch.domain.involvement.tables import Activity
from coresearch.domain.projects.tables import Project
from coresearch.domain.work.tables import AttendanceMode, Meeting, Task


class EntrySource(str, Enum):
    """Where a time entry came from."""

    manual = "manual"
    attendance = "attendance"
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
    while unclaimed (one per meeting and person, by migration 0020_time_and_expenses_integrity).
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
    amount_ore = Integer()
    description = Text(default="")
    receipt_document = ForeignKey(Document, on_delete=OnDelete.set_null, null=True, default=None)
    claim_id = UUID(null=True, default=None)
    recorded_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
