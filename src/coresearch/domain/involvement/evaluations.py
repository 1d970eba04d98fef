"""Evaluation rounds: a lead opens one, each co-researcher member answers once, results after close.

Who answered (`evaluation_participations`) and what was answered (`evaluation_answers`) share
nothing but the round: an answer has no user and no timestamp, its id never leaves the database,
and the audit row of an answer names the person and the round, never the answer. Results exist
only for a closed round (no later answer can change them, so two summaries can never be
differenced) with at least `MINIMUM_COUNT` answers; comments come sorted.

"Once per round" is the unique index on (round, user): the participation row is the first write
of the answer's transaction and the answer row follows in it, so of concurrent answers by one
person exactly one commits and the others get 409.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from piccolo.query.functions.aggregate import Count

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.involvement import schemas as s
from coresearch.domain.involvement.tables import EvaluationAnswer, EvaluationParticipation, EvaluationRound
from coresearch.domain.projects.access import LEAD_ONLY, ProjectAccess, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, Paging, keyset, page_of
from coresearch.lib.problems import Conflict, Forbidden, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one, today

QUESTIONS = ("voice", "contribute", "agenda", "change")
SCORES = range(1, 6)
MINIMUM_COUNT = 3
ANSWERING = (MemberRole.co_researcher,)


def is_closed(row: dict[str, Any], on: date) -> bool:
    """True once the lead closed the round or its `closes_on` day has passed."""
    return row["closed_at"] is not None or (row["closes_on"] is not None and row["closes_on"] < on)


def _is_duplicate(exc: Exception) -> bool:
    if isinstance(exc, asyncpg.UniqueViolationError):
        return True
    return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)


def _to_round(row: dict[str, Any], answer_count: int, answered: bool | None) -> s.EvaluationRound:
    closed = is_closed(row, today())
    status = s.EvaluationRoundStatus.closed if closed else s.EvaluationRoundStatus.open
    return msgspec.convert(
        {
            **row,
            "project_id": row["project"],
            "status": status,
            "answer_count": answer_count,
            "answered": answered,
        },
        s.EvaluationRound,
    )


async def _answer_counts(round_ids: list[UUID]) -> dict[UUID, int]:
    if not round_ids:
        return {}
    rows = await (
        EvaluationParticipation.select(EvaluationParticipation.round, Count(alias="count"))
        .where(EvaluationParticipation.round.is_in(round_ids))
        .group_by(EvaluationParticipation.round)
    )
    return {row["round"]: row["count"] for row in rows}


async def _answered_by(user_id: UUID, round_ids: list[UUID]) -> set[UUID]:
    if not round_ids:
        return set()
    rows = await EvaluationParticipation.select(EvaluationParticipation.round).where(
        EvaluationParticipation.round.is_in(round_ids) & (EvaluationParticipation.user == user_id)
    )
    return {row["round"] for row in rows}


async def _rounds_as_seen_by(
    principal: Principal, access: ProjectAccess, rows: list[dict[str, Any]]
) -> dict[UUID, s.EvaluationRound]:
    """The rounds with their answer counts and, for those who answer, whether the caller has."""
    ids = [row["id"] for row in rows]
    counts = await _answer_counts(ids)
    answers = access.acting_role in ANSWERING
    mine = await _answered_by(principal.id, ids) if answers else set()
    return {
        row["id"]: _to_round(row, counts.get(row["id"], 0), (row["id"] in mine) if answers else None)
        for row in rows
    }


async def _round_in_reach(
    *, principal: Principal, round_id: UUID, allowed: tuple[MemberRole, ...]
) -> tuple[dict[str, Any], ProjectAccess]:
    """The round and the caller's access: 404 unless they see its project, 403 unless `allowed`."""
    row = await EvaluationRound.select().where(EvaluationRound.id == round_id).first()
    if row is None:
        raise NotFound("No such evaluation round")
    try:
        access = await project_access(principal=principal, project_id=row["project"])
    except NotFound:
        raise NotFound("No such evaluation round") from None
    if access.acting_role not in allowed:
        raise Forbidden("Your role in this project does not allow this")
    return row, access


async def open_round(
    *, principal: Principal, project_id: UUID, data: s.EvaluationRoundCreate
) -> s.EvaluationRound:
    """Open an evaluation round in a project (lead); `closes_on` may not lie in the past."""
    access = await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    opened_on = today()
    if data.closes_on is not None and data.closes_on < opened_on:
        raise Unprocessable(
            "A round cannot close before it opens",
            errors=[{"field": "closes_on", "message": f"must be {opened_on.isoformat()} or later"}],
        )
    async with transaction():
        evaluation_round = EvaluationRound(
            project=project_id,
            title=data.title,
            opened_on=opened_on,
            closes_on=data.closes_on,
            created_by=principal.id,
            created_at=now(),
        )
        await evaluation_round.save()
        row = await one(EvaluationRound.select().where(EvaluationRound.id == evaluation_round.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="evaluation_round.create",
            entity="evaluation_round",
            entity_id=evaluation_round.id,
            after={"project_id": str(project_id), "title": data.title, "closes_on": data.closes_on},
        )
    return (await _rounds_as_seen_by(principal, access, [row]))[row["id"]]


async def list_rounds(*, principal: Principal, project_id: UUID, filters: Paging) -> Page[s.EvaluationRound]:
    """A project's evaluation rounds, newest first (project members and oversight)."""
    access = await project_access(principal=principal, project_id=project_id)
    query = keyset(
        EvaluationRound.select().where(EvaluationRound.project == project_id),
        filters.cursor,
        sort=EvaluationRound.created_at,
        sort_type=datetime,
        id_column=EvaluationRound.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    rounds = await _rounds_as_seen_by(principal, access, rows[: filters.limit])
    return page_of(rows, filters.limit, sort_key="created_at", convert=lambda row: rounds[row["id"]])


async def close_round(*, principal: Principal, round_id: UUID) -> s.EvaluationRound:
    """Close a round to answers (lead); 409 if it is closed already."""
    _, access = await _round_in_reach(principal=principal, round_id=round_id, allowed=LEAD_ONLY)
    async with transaction():
        # The update is the transaction's first statement, so on SQLite it takes the write lock
        # before reading anything; on PostgreSQL it waits for an answer being written.
        closed = await (
            EvaluationRound.update({EvaluationRound.closed_at: now()})
            .where(
                (EvaluationRound.id == round_id)
                & EvaluationRound.closed_at.is_null()
                & (EvaluationRound.closes_on.is_null() | (EvaluationRound.closes_on >= today()))
            )
            .returning(EvaluationRound.id)
        )
        if not closed:
            raise Conflict("The evaluation round is closed already")
        row = await one(EvaluationRound.select().where(EvaluationRound.id == round_id).first())
        await audit.record(
            actor=actor_of(principal),
            action="evaluation_round.close",
            entity="evaluation_round",
            entity_id=round_id,
            before={"status": s.EvaluationRoundStatus.open.value},
            after={"status": s.EvaluationRoundStatus.closed.value},
        )
    return (await _rounds_as_seen_by(principal, access, [row]))[round_id]


async def answer_round(
    *, principal: Principal, round_id: UUID, data: s.EvaluationAnswerCreate
) -> s.EvaluationReceipt:
    """Store a co-researcher member's answer to an open round, once, apart from who gave it."""
    row, _ = await _round_in_reach(principal=principal, round_id=round_id, allowed=ANSWERING)
    if is_closed(row, today()):
        raise Conflict("The evaluation round is closed")
    comment = data.comment if data.comment and data.comment.strip() else None
    try:
        async with transaction():
            # Participation first: the unique index decides between concurrent answers.
            await EvaluationParticipation.insert(EvaluationParticipation(round=round_id, user=principal.id))
            # Locked, so a close that commits meanwhile is seen and no answer lands after it.
            current = await one(
                locked(EvaluationRound.select().where(EvaluationRound.id == round_id)).first()
            )
            if is_closed(current, today()):
                raise Conflict("The evaluation round is closed")
            await EvaluationAnswer.insert(
                EvaluationAnswer(
                    round=round_id,
                    voice=data.voice,
                    contribute=data.contribute,
                    agenda=data.agenda,
                    change=data.change,
                    comment=comment,
                )
            )
            # Participation only: neither the answer's id nor its scores.
            await audit.record(
                actor=actor_of(principal),
                action="evaluation_round.participate",
                entity="evaluation_round",
                entity_id=round_id,
            )
    except (asyncpg.UniqueViolationError, sqlite3.IntegrityError) as exc:
        if not _is_duplicate(exc):
            raise
        raise Conflict("You have answered this evaluation round already") from None
    return s.EvaluationReceipt(round_id=round_id)


def _question_summary(scores: list[int]) -> s.QuestionSummary:
    counts = Counter(scores)
    return s.QuestionSummary(
        mean=round(sum(scores) / len(scores), 2), distribution={score: counts[score] for score in SCORES}
    )


async def summarise_round(*, principal: Principal, round_id: UUID) -> s.EvaluationSummary:
    """Means, distributions and sorted comments of a closed round with enough answers (lead)."""
    row, _ = await _round_in_reach(principal=principal, round_id=round_id, allowed=LEAD_ONLY)
    if not is_closed(row, today()):
        raise Conflict("Results are shown once the evaluation round is closed")
    answers = await EvaluationAnswer.select(
        *(getattr(EvaluationAnswer, q) for q in QUESTIONS), EvaluationAnswer.comment
    ).where(EvaluationAnswer.round == round_id)
    if len(answers) < MINIMUM_COUNT:
        raise Conflict(
            f"Results are withheld: the round closed with fewer than {MINIMUM_COUNT} answers, "
            "too few to keep anyone's answer anonymous"
        )
    return s.EvaluationSummary(
        round_id=round_id,
        project_id=row["project"],
        title=row["title"],
        count=len(answers),
        minimum_count=MINIMUM_COUNT,
        questions=s.QuestionSummaries(
            **{q: _question_summary([answer[q] for answer in answers]) for q in QUESTIONS}
        ),
        comments=sorted(answer["comment"] for answer in answers if answer["comment"]),
    )
