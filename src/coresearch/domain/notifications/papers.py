"""The papers-ahead rule: a meeting's papers are due the agreements' `papers_days_ahead` days
before it (the most any sent or active agreement of the project covering that day promises).

When that point has passed without papers, the worker's sweep (`sweep.py`) warns the project's
leads once and records the warning on the meeting; papers that arrive after it are recorded as
late. A meeting no agreement covers has no such rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from coresearch.domain.agreements import service as agreements
from coresearch.domain.notifications import events
from coresearch.domain.work import notices as work


async def papers_due_at(meeting: dict[str, Any]) -> tuple[datetime, int] | None:
    """When the meeting's papers are due and how many days ahead that is (None: no rule)."""
    days = await agreements.papers_days_ahead(project_id=meeting["project"], day=meeting["starts_at"].date())
    if days is None:
        return None
    return meeting["starts_at"] - timedelta(days=days), days


async def papers_attached(
    *, meeting_id: UUID, document: dict[str, Any], first: bool, moment: datetime, actor_id: UUID | None
) -> None:
    """Meeting papers were attached (inside the documents area's transaction): tell those who may
    see them, and record the papers as late when the first ones came after they were due."""
    meeting = await work.meeting_row(meeting_id)
    if meeting is None or meeting["cancelled_at"] is not None:
        return
    await events.meeting_papers_attached(meeting=meeting, document=document, actor_id=actor_id)
    due = await papers_due_at(meeting)
    if first and due is not None and moment > due[0]:
        await work.record_papers_late(meeting_id=meeting_id)
