"""Anonymous pulse evaluations from co-researchers, reported only in aggregate.

An evaluation row holds the project, the day and the scores: nothing that links it to the person
who gave it. The audit row of a submission says that the caller evaluated the project (who is
accountable for what enters the data) and nothing about which row or which scores were theirs.
No function here returns a single evaluation; the summary hides everything but the count while
fewer than `MINIMUM_COUNT` evaluations exist.
"""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.involvement import schemas as s
from coresearch.domain.involvement.tables import Evaluation
from coresearch.domain.projects.access import LEAD_ONLY, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.lib.db import transaction
from coresearch.lib.records import today

QUESTIONS = ("voice", "contribute", "agenda", "change")
SCORES = range(1, 6)
MINIMUM_COUNT = 3
EVALUATORS = (MemberRole.co_researcher,)


async def submit_evaluation(
    *, principal: Principal, project_id: UUID, data: s.EvaluationCreate
) -> s.EvaluationReceipt:
    """Store a co-researcher member's scores for a project, without any link to them."""
    await project_access(principal=principal, project_id=project_id, allowed=EVALUATORS)
    submitted_on = today()
    comment = data.comment if data.comment and data.comment.strip() else None
    async with transaction():
        await Evaluation.insert(
            Evaluation(
                project=project_id,
                submitted_on=submitted_on,
                voice=data.voice,
                contribute=data.contribute,
                agenda=data.agenda,
                change=data.change,
                comment=comment,
            )
        )
        # Deliberately no before/after: neither the evaluation's id nor its scores.
        await audit.record(
            actor=actor_of(principal), action="evaluation.submit", entity="project", entity_id=project_id
        )
    return s.EvaluationReceipt(project_id=project_id, submitted_on=submitted_on)


def _summary_of(scores: list[int], suppressed: bool) -> s.QuestionSummary:
    if suppressed:
        return s.QuestionSummary(mean=None, distribution=None)
    counts = Counter(scores)
    return s.QuestionSummary(
        mean=round(sum(scores) / len(scores), 2), distribution={score: counts[score] for score in SCORES}
    )


async def summarise_evaluations(*, principal: Principal, project_id: UUID) -> s.EvaluationSummary:
    """Return the count, mean and score distribution per question (lead and leaders)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    rows = await Evaluation.select(*(getattr(Evaluation, q) for q in QUESTIONS)).where(
        Evaluation.project == project_id
    )
    suppressed = len(rows) < MINIMUM_COUNT
    questions = {q: _summary_of([row[q] for row in rows], suppressed) for q in QUESTIONS}
    return s.EvaluationSummary(
        project_id=project_id,
        count=len(rows),
        suppressed=suppressed,
        minimum_count=MINIMUM_COUNT,
        questions=s.QuestionSummaries(**questions),
    )
