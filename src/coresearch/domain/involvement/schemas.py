"""Request and response bodies of the involvement area: activities, impact and evaluation rounds."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.params import FromQuery, QueryParameter

from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.tables import Level, Phase
from coresearch.lib.pagination import Paging
from coresearch.lib.text import MultiLine, SingleLine

LongText = Annotated[MultiLine, msgspec.Meta(max_length=20_000)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=24 * 60)]
ParticipantIds = Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=100)]
Score = Annotated[int, msgspec.Meta(ge=1, le=5)]
Comment = Annotated[MultiLine, msgspec.Meta(max_length=2_000)]
Title = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]


class Activity(msgspec.Struct):
    """One logged contribution as the API shows it; `participant_ids` (sorted) are the confirmed
    participants. `pending_participant_ids` are people a co-researcher named who wait for project
    staff to confirm them; they are shown to staff and to whoever logged the activity.
    `meeting_id` is the meeting of the project the activity records, if any: its attendance then
    pays the time, and the activity makes no time entries."""

    id: UUID
    project_id: UUID
    phase: Phase
    kind: ActivityKind
    occurred_on: date
    level: Level
    participant_ids: list[UUID]
    minutes: int
    summary: str
    hoped_to_influence: str
    what_changed: str
    why_it_matters: str
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    meeting_id: UUID | None
    pending_participant_ids: list[UUID] = []


class ActivityCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Log a contribution; participants must be members of the project (duplicates are ignored).

    A co-researcher may log only activities they took part in: their own id must be listed, and
    anyone else they list is pending until project staff confirm them. `meeting_id` names the
    meeting of the project the activity records (not a cancelled one); such an activity makes no
    time entries, as the meeting's attendance pays the time.
    """

    phase: Phase
    kind: ActivityKind
    occurred_on: date
    level: Level
    participant_ids: ParticipantIds
    minutes: Minutes
    summary: LongText = ""
    hoped_to_influence: LongText = ""
    what_changed: LongText = ""
    why_it_matters: LongText = ""
    meeting_id: UUID | None = None


class ActivityUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change a logged contribution (lead); omitted fields stay as they are. `participant_ids`
    replaces the participants, pending ones included, and confirms everyone it lists. Setting
    `meeting_id` removes the activity's unclaimed time entries; null unlinks it and makes them
    again (claimed entries are never touched)."""

    phase: Phase | msgspec.UnsetType = msgspec.UNSET
    kind: ActivityKind | msgspec.UnsetType = msgspec.UNSET
    occurred_on: date | msgspec.UnsetType = msgspec.UNSET
    level: Level | msgspec.UnsetType = msgspec.UNSET
    participant_ids: ParticipantIds | msgspec.UnsetType = msgspec.UNSET
    minutes: Minutes | msgspec.UnsetType = msgspec.UNSET
    summary: LongText | msgspec.UnsetType = msgspec.UNSET
    hoped_to_influence: LongText | msgspec.UnsetType = msgspec.UNSET
    what_changed: LongText | msgspec.UnsetType = msgspec.UNSET
    why_it_matters: LongText | msgspec.UnsetType = msgspec.UNSET
    meeting_id: UUID | None | msgspec.UnsetType = msgspec.UNSET


class ImpactEntry(msgspec.Struct):
    """An activity the caller took part in, and what changed because of it."""

    activity_id: UUID
    project_id: UUID
    project_title: str
    phase: Phase
    kind: ActivityKind
    level: Level
    occurred_on: date
    minutes: int
    summary: str
    hoped_to_influence: str
    what_changed: str
    why_it_matters: str


class ActivityFilters(Paging, frozen=True, kw_only=True):
    """`GET /projects/{id}/activities`: by phase, level, kind, participant and day (`from` and
    `to` both included)."""

    phase: FromQuery[Phase | None] = None
    level: FromQuery[Level | None] = None
    kind: FromQuery[ActivityKind | None] = None
    from_day: Annotated[date | None, QueryParameter(name="from")] = None
    to_day: Annotated[date | None, QueryParameter(name="to")] = None
    participant_id: FromQuery[UUID | None] = None


class ImpactFilters(Paging, frozen=True, kw_only=True):
    """`GET /me/impact`: only the activities where something is recorded as changed."""

    only_with_change: FromQuery[bool] = False


class EvaluationRoundStatus(str, Enum):
    """Whether a round takes answers: `closed` once the lead closes it or `closes_on` has passed."""

    open = "open"
    closed = "closed"


class EvaluationRound(msgspec.Struct):
    """A round of pulse evaluations; `answered` is whether the caller has answered it (null for
    those who do not answer: staff and oversight)."""

    id: UUID
    project_id: UUID
    title: str
    opened_on: date
    closes_on: date | None
    closed_at: datetime | None
    status: EvaluationRoundStatus
    answer_count: int
    answered: bool | None


class EvaluationRoundCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Open a round (lead); with `closes_on`, answers are taken up to and including that day."""

    title: Title
    closes_on: date | None = None


class EvaluationAnswerCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Pulse scores, 1 (not at all) to 5 (fully): was I heard, could I contribute, could I shape
    what was discussed, did it change anything. Stored apart from who answered."""

    voice: Score
    contribute: Score
    agenda: Score
    change: Score
    comment: Comment | None = None


class EvaluationReceipt(msgspec.Struct):
    """Confirms that the caller's answer was received; it deliberately carries no answer id."""

    round_id: UUID


class QuestionSummary(msgspec.Struct):
    """Mean score of one question and how many gave each score (1–5)."""

    mean: float
    distribution: dict[int, int]


class QuestionSummaries(msgspec.Struct):
    """The four pulse questions."""

    voice: QuestionSummary
    contribute: QuestionSummary
    agenda: QuestionSummary
    change: QuestionSummary


class EvaluationSummary(msgspec.Struct):
    """Aggregates of a closed round with at least `minimum_count` answers; comments sorted, so
    their order says nothing about who wrote them or when."""

    round_id: UUID
    project_id: UUID
    title: str
    count: int
    minimum_count: int
    questions: QuestionSummaries
    comments: list[str]


class ContributionCount(msgspec.Struct, frozen=True):
    """How many activities of one kind, in one phase, a person took part in (confirmed)."""

    phase: Phase
    kind: ActivityKind
    activities: int
