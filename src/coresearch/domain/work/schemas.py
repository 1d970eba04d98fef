"""Request and response bodies of the work area: tasks, meetings and attendance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.params import FromQuery, QueryParameter

from coresearch.domain.payments.schemas import BenefitCrossing, BenefitWarning
from coresearch.domain.projects.tables import Phase
from coresearch.domain.work.tables import AttendanceMode, TaskStatus
from coresearch.lib.pagination import Paging
from coresearch.lib.text import MultiLine, SingleLine

Title = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=300)]
LongText = Annotated[MultiLine, msgspec.Meta(max_length=20_000)]
Location = Annotated[SingleLine, msgspec.Meta(max_length=300)]
EstimatedMinutes = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
BreakMinutes = Annotated[int, msgspec.Meta(ge=0, le=24 * 60)]
AssigneeIds = Annotated[list[UUID], msgspec.Meta(max_length=50)]
# A timestamp must carry its offset: a naive one would be ambiguous across time zones.
Timestamp = Annotated[datetime, msgspec.Meta(tz=True)]


class Task(msgspec.Struct):
    """A task as the API shows it; `assignee_ids` is sorted."""

    id: UUID
    project_id: UUID
    title: str
    description: str
    phase: Phase
    status: TaskStatus
    assignee_ids: list[UUID]
    due_on: date | None
    estimated_minutes: int | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


class TaskSaved(Task):
    """A task as created or changed, with `benefit_warnings`: a warning (never a refusal) for each
    co-researcher on AAP given the task whose period would go over the warning share with the
    task's `estimated_minutes` counted (shown to the person and the leads of their projects)."""

    benefit_warnings: list[BenefitCrossing] = msgspec.field(default_factory=list)


class MyTasks(msgspec.Struct):
    """A page of the caller's tasks, and `benefit_warning`: null, or the caller's current period
    when they are on AAP and its paid minutes are over the warning share (as
    `GET /me/benefit-warning`)."""

    items: list[Task]
    next_cursor: str | None
    benefit_warning: BenefitWarning | None


class TaskCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Create a task; assignees must be members of the project (duplicates are ignored)."""

    title: Title
    phase: Phase
    description: LongText = ""
    assignee_ids: AssigneeIds = []
    due_on: date | None = None
    estimated_minutes: EstimatedMinutes | None = None


class TaskUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change a task; omitted fields stay as they are. An assignee who is a co-researcher
    may change only `status`."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    phase: Phase | msgspec.UnsetType = msgspec.UNSET
    status: TaskStatus | msgspec.UnsetType = msgspec.UNSET
    assignee_ids: AssigneeIds | msgspec.UnsetType = msgspec.UNSET
    due_on: date | None | msgspec.UnsetType = msgspec.UNSET
    estimated_minutes: EstimatedMinutes | None | msgspec.UnsetType = msgspec.UNSET


class Meeting(msgspec.Struct):
    """A meeting as the API shows it; timestamps are in UTC.

    `cancelled_at` is set once it is cancelled. `papers_warning_sent_at`: when the project's leads
    were warned that it had no meeting papers within the agreements' days ahead; `papers_late`:
    its papers came after that point.
    """

    id: UUID
    project_id: UUID
    title: str
    phase: Phase
    starts_at: datetime
    ends_at: datetime
    location: str
    break_minutes: int
    agenda: str
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None = None
    papers_warning_sent_at: datetime | None = None
    papers_late: bool = False


class MeetingCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Plan a meeting: at most 24 hours long, breaks not longer than the meeting."""

    title: Title
    phase: Phase
    starts_at: Timestamp
    ends_at: Timestamp
    location: Location = ""
    break_minutes: BreakMinutes = 0
    agenda: LongText = ""


class MeetingUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change a meeting; omitted fields stay as they are."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    phase: Phase | msgspec.UnsetType = msgspec.UNSET
    starts_at: Timestamp | msgspec.UnsetType = msgspec.UNSET
    ends_at: Timestamp | msgspec.UnsetType = msgspec.UNSET
    location: Location | msgspec.UnsetType = msgspec.UNSET
    break_minutes: BreakMinutes | msgspec.UnsetType = msgspec.UNSET
    agenda: LongText | msgspec.UnsetType = msgspec.UNSET


class Attendance(msgspec.Struct):
    """Whether and how one co-researcher attended a meeting; when recorded, `benefit_warning` is
    a warning (never a refusal) that the person is on AAP and the period of the meeting pays, and
    is to pay, more than the warning share (shown to the leads of their projects only)."""

    meeting_id: UUID
    user_id: UUID
    full_name: str
    attended: bool
    mode: AttendanceMode | None
    recorded_at: datetime
    benefit_warning: BenefitCrossing | None = None


class AttendancePut(msgspec.Struct, forbid_unknown_fields=True):
    """Record attendance; `mode` is required when attended and must be null when absent."""

    attended: bool
    mode: AttendanceMode | None = None


class TaskFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/tasks`: by phase, status, assignee and due date (both bounds exclusive)."""

    phase: FromQuery[Phase | None] = None
    status: FromQuery[TaskStatus | None] = None
    assignee_id: FromQuery[UUID | None] = None
    due_before: FromQuery[date | None] = None
    due_after: FromQuery[date | None] = None


class MyTaskFilters(Paging, frozen=True, kw_only=True):
    """`GET /me/tasks`: by status."""

    status: FromQuery[TaskStatus | None] = None


class MeetingFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/meetings`: by phase and by UTC day (`from` and `to` both included)."""

    phase: FromQuery[Phase | None] = None
    from_day: Annotated[date | None, QueryParameter(name="from")] = None
    to_day: Annotated[date | None, QueryParameter(name="to")] = None


class PhaseCount(msgspec.Struct, frozen=True):
    """How many of something (meetings attended, tasks done) fell in one phase."""

    phase: Phase
    count: int
