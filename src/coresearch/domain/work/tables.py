"""Tables of the work area: tasks with their assignees, meetings with their attendance."""

from enum import Enum

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.projects.tables import Phase, Project


class TaskStatus(str, Enum):
    """Progress of a task."""

    todo = "todo"
    in_progress = "in_progress"
    done = "done"


class AttendanceMode(str, Enum):
    """How someone attended a meeting."""

    in_person = "in_person"
    remote = "remote"


class Task(Table, tablename="tasks"):
    """A piece of work in one phase of a project."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    title = Varchar(length=300)
    description = Text(default="")
    phase = Varchar(length=20, choices=Phase)
    due_on = Date(null=True, default=None, index=True)
    estimated_minutes = Integer(null=True, default=None)
    status = Varchar(length=20, choices=TaskStatus, default=TaskStatus.todo.value)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class TaskAssignee(Table, tablename="task_assignees"):
    """A person a task is assigned to (unique per task and user, by migration 0006)."""

    id = UUID(primary_key=True)
    task = ForeignKey(Task, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    # Copies of the task's project and due date (9999-12-31 when it has none, so undated tasks sort
    # last on both engines), changed with the task, so one person's tasks read in due order from
    # one index (0016).
    project = UUID(null=True, default=None)
    due_sort = Date(null=True, default=None)


class Meeting(Table, tablename="meetings"):
    """A meeting of the research group; papers and minutes attach as documents."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    title = Varchar(length=300)
    phase = Varchar(length=20, choices=Phase)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    location = Varchar(length=300, default="")
    break_minutes = Integer(default=0)
    agenda = Text(default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # The calendar side (migration 0023): a cancelled meeting stays, with its time; `sequence`
    # is the iCalendar SEQUENCE, raised by every move and the cancellation, so calendars update
    # the one event. The papers-ahead rule: when the leads were warned that the meeting papers
    # were missing, and whether the papers came after the agreed number of days ahead.
    cancelled_at = Timestamptz(null=True, default=None)
    sequence = Integer(default=0)
    papers_warning_sent_at = Timestamptz(null=True, default=None)
    papers_late = Boolean(default=False)


class Attendance(Table, tablename="meeting_attendance"):
    """Whether and how one person attended a meeting (unique per meeting and user)."""

    id = UUID(primary_key=True)
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    attended = Boolean()
    mode = Varchar(length=20, choices=AttendanceMode, null=True, default=None)
    recorded_at = Timestamptz(default=TimestamptzNow())
