"""Request and response bodies of the involvement area: activities, impact and evaluations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.params import FromQuery, QueryParameter

from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.tables import Level, Phase
from coresearch.lib.pagination import Paging
from coresearch.lib.text import MultiLine

LongText = Annotated[MultiLine, msgspec.Meta(max_length=20_000)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=24 * 60)]
ParticipantIds = Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=100)]
Score = Annotated[int, msgspec.Meta(ge=1, le=5)]
Comment = Annotated[MultiLine, msgspec.Meta(max_length=2_000)]


class Activity(msgspec.Struct):
    """One logged contribution as the API shows it; `participant_ids` is sorted."""

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


class ActivityCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Log a contribution; participants must be members of the project (duplicates are ignored).

    A co-researcher may log only activities they took part in: their own id must be listed.
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


class ActivityUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change a logged contribution (lead); omitted fields stay as they are."""

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


class EvaluationCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Pulse scores, 1 (not at all) to 5 (fully): was I heard, could I contribute, could I shape
    what was discussed, did it change anything. Stored without any link to who gave them."""

    voice: Score
    contribute: Score
    agenda: Score
    change: Score
    comment: Comment | None = None


class EvaluationReceipt(msgspec.Struct):
    """Confirms that an evaluation was received; it deliberately carries no evaluation id."""

    project_id: UUID
    submitted_on: date


class QuestionSummary(msgspec.Struct):
    """Mean score of one question and how many gave each score (1–5); null when suppressed."""

    mean: float | None
    distribution: dict[int, int] | None


class QuestionSummaries(msgspec.Struct):
    """The four pulse questions."""

    voice: QuestionSummary
    contribute: QuestionSummary
    agenda: QuestionSummary
    change: QuestionSummary


class EvaluationSummary(msgspec.Struct):
    """Aggregates of a project's evaluations; with fewer than `minimum_count` nothing but the
    count is shown."""

    project_id: UUID
    count: int
    suppressed: bool
    minimum_count: int
    questions: QuestionSummaries
