"""Tables of the involvement log: activities with their participants, and anonymous evaluation
rounds."""

from enum import Enum

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User
from coresearch.domain.projects.tables import Level, Phase, Project
from coresearch.domain.work.tables import Meeting


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
    # The meeting the activity records (0027): its attendance pays the time, so the activity
    # makes no time entries of its own.
    meeting = ForeignKey(Meeting, on_delete=OnDelete.set_null, null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ActivityParticipant(Table, tablename="activity_participants"):
    """A person who took part in an activity (unique per activity and user).

    Only confirmed participants count anywhere (the activity's participants, impact, reports): a
    co-researcher who names someone else proposes them, and project staff confirm.
    """

    id = UUID(primary_key=True)
    activity = ForeignKey(Activity, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    confirmed = Boolean(default=False)
    # Copies of the activity's project and day, written with every participant row and changed
    # with the activity, so one person's activities read newest first from one index (0014).
    project = UUID(null=True, default=None)
    occurred_on = Date(null=True, default=None)


class EvaluationRound(Table, tablename="evaluation_rounds"):
    """A round of pulse evaluations a lead opens and closes; closed also after `closes_on`."""

    id = UUID(primary_key=True)
    project = ForeignKey(Project, on_delete=OnDelete.cascade, null=False, index=True)
    title = Varchar(length=200)
    opened_on = Date()
    closes_on = Date(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class EvaluationParticipation(Table, tablename="evaluation_participations"):
    """Who answered a round, and nothing about what they answered.

    Unique per (round, user): a unique index made by migration 0011 (SQLite cannot add a
    constraint to an existing table); it is what keeps "once per round" under concurrency.
    """

    id = UUID(primary_key=True)
    round = ForeignKey(EvaluationRound, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)


class EvaluationAnswer(Table, tablename="evaluation_answers"):
    """What was answered in a round, deliberately without who answered or when.

    No user, no timestamp: the round is the finest grain, so an answer cannot be matched to its
    participation row, a sign-in or an audit row.
    """

    id = UUID(primary_key=True)
    round = ForeignKey(EvaluationRound, on_delete=OnDelete.cascade, null=False, index=True)
    voice = SmallInt()
    contribute = SmallInt()
    agenda = SmallInt()
    change = SmallInt()
    comment = Text(null=True, default=None)
