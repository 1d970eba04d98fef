"""What the notifications area reads and records of the work area: meetings and tasks ahead (for
reminders), and the meeting's side of the papers-ahead rule (the rule: `notifications/papers.py`),
recording the warning and late papers on the meeting."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from coresearch.domain.work.tables import Meeting, Task, TaskAssignee, TaskStatus


async def meeting_row(meeting_id: UUID) -> dict[str, Any] | None:
    """The meeting's row (for a notice about it, in the caller's transaction)."""
    return await Meeting.select().where(Meeting.id == meeting_id).first()


async def unwarned_meetings(*, now: datetime, within: timedelta) -> list[dict[str, Any]]:
    """Meetings ahead that start within `within`, are not cancelled and have not been warned about."""
    return await (
        Meeting.select()
        .where(
            (Meeting.starts_at > now)
            & (Meeting.starts_at <= now + within)
            & Meeting.cancelled_at.is_null()
            & Meeting.papers_warning_sent_at.is_null()
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


async def upcoming_meetings(*, now: datetime, within: timedelta) -> list[dict[str, Any]]:
    """Meetings ahead that start within `within` and are not cancelled."""
    return await (
        Meeting.select()
        .where(
            (Meeting.starts_at > now) & (Meeting.starts_at <= now + within) & Meeting.cancelled_at.is_null()
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


async def record_papers_warning(*, meeting_id: UUID, moment: datetime) -> bool:
    """Record that the leads were warned (once: False when it already was)."""
    updated = await (
        Meeting.update({Meeting.papers_warning_sent_at: moment})
        .where((Meeting.id == meeting_id) & Meeting.papers_warning_sent_at.is_null())
        .returning(Meeting.id)
    )
    return bool(updated)


async def record_papers_late(*, meeting_id: UUID) -> None:
    """Record that the meeting's papers came after the agreed days ahead."""
    await Meeting.update({Meeting.papers_late: True}).where(Meeting.id == meeting_id)


async def open_tasks_due(*, first: date, last: date) -> list[tuple[dict[str, Any], list[UUID]]]:
    """Tasks not done that are due from `first` to `last`, with their assignees."""
    tasks = await (
        Task.select()
        .where((Task.due_on >= first) & (Task.due_on <= last) & (Task.status != TaskStatus.done.value))
        .order_by(Task.due_on, Task.id)
    )
    if not tasks:
        return []
    assignees: dict[UUID, list[UUID]] = defaultdict(list)
    for row in await TaskAssignee.select(TaskAssignee.task, TaskAssignee.user).where(
        TaskAssignee.task.is_in([task["id"] for task in tasks])
    ):
        assignees[row["task"]].append(row["user"])
    return [(task, sorted(assignees[task["id"]])) for task in tasks if assignees[task["id"]]]
