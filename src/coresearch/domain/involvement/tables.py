"""Tables of the involvement log: activities with their participants, and anonymous evaluations."""

from enum import Enum

from piccolo.columns import UUID, Date, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.projects.tables import Level, Phase, Project


class ActivityKind(str, Enum):
    """What kind of contribution an activity was."""

    meeting = "meeting"
    workshop = "workshop"
    interview = "interview"
    document_review = "document_review"
    analysis_session = "analysis_session"
    presentation = "presentation"
    other = "other"


class Activity(Table, tablename="activities"):
    """One contribution: when, how, at what level, and what changed because of it."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    phase = Varchar(length=20, choices=Phase)
    kind = Varchar(length=20, choices=ActivityKind)
    occurred_on = Date()
    level = Varchar(length=20, choices=Level)
    minutes = Integer()
    summary = Text(default="")
    hoped_to_influence = Text(default="")
    what_changed = Text(default="")
    why_it_matters = Text(default="")
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ActivityParticipant(Table, tablename="activity_participants"):
    """A person who took part in an activity (unique per activity and user)."""

    id = UUID(primary_key=True)
    activity = ForeignKey(Activity, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)


class Evaluation(Table, tablename="evaluations"):
    """Pulse scores from a co-researcher, deliberately without any link to who gave them.

    Only the date is kept (no time of day) so an evaluation cannot be matched to a sign-in or an
    audit row by timestamp.
    """

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    submitted_on = Date()
    voice = SmallInt()
    contribute = SmallInt()
    agenda = SmallInt()
    change = SmallInt()
    comment = Text(null=True, default=None)
