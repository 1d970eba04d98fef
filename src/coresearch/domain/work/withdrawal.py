"""What a co-researcher's withdrawal from a project does to its work: their open tasks lose them
as assignee and their attendance at meetings yet to start is removed. Done tasks and past
attendance stay: they are the record of work done (and paid)."""

from __future__ import annotations

from uuid import UUID

import msgspec

from coresearch.domain.audit import service as audit
from coresearch.domain.audit.service import Actor
from coresearch.domain.work.tables import Attendance, Meeting, Task, TaskAssignee, TaskStatus
from coresearch.lib.records import locked, now

OPEN_STATUSES = (TaskStatus.todo.value, TaskStatus.in_progress.value)


class Released(msgspec.Struct, frozen=True):
    """The tasks the person was taken off and the meetings whose attendance was removed."""

    task_ids: list[UUID]
    meeting_ids: list[UUID]


async def release_member(*, project_id: UUID, user_id: UUID, actor: Actor) -> Released:
    """Unassign the person from the project's open tasks and drop their future attendance.

    Runs in the caller's transaction; each task and meeting touched gets its own audit row, so
    its history shows the change.
    """
    assigned = await TaskAssignee.select(TaskAssignee.task).where(
        (TaskAssignee.user == user_id) & (TaskAssignee.task.project == project_id)
    )
    # Lock the tasks, then read their status: a task finished meanwhile keeps its assignee.
    open_tasks = (
        await locked(
            Task.select(Task.id)
            .where(Task.id.is_in([row["task"] for row in assigned]) & Task.status.is_in(list(OPEN_STATUSES)))
            .order_by(Task.id)
        )
        if assigned
        else []
    )
    task_ids: list[UUID] = [row["id"] for row in open_tasks]
    for task_id in task_ids:
        rows = await TaskAssignee.select(TaskAssignee.user).where(TaskAssignee.task == task_id)
        before = sorted(row["user"] for row in rows)
        await TaskAssignee.delete().where((TaskAssignee.task == task_id) & (TaskAssignee.user == user_id))
        await Task.update({Task.updated_at: now()}).where(Task.id == task_id)
        await audit.record(
            actor=actor,
            action="task.unassign",
            entity="task",
            entity_id=task_id,
            before={"assignee_ids": [str(u) for u in before]},
            after={"assignee_ids": [str(u) for u in before if u != user_id]},
        )
    future = await Meeting.select(Meeting.id).where(
        (Meeting.project == project_id) & (Meeting.starts_at > now())
    )
    attended = (
        await locked(
            Attendance.select(Attendance.meeting, Attendance.attended, Attendance.mode)
            .where((Attendance.user == user_id) & Attendance.meeting.is_in([row["id"] for row in future]))
            .order_by(Attendance.meeting)
        )
        if future
        else []
    )
    meeting_ids: list[UUID] = [row["meeting"] for row in attended]
    if meeting_ids:
        await Attendance.delete().where((Attendance.user == user_id) & Attendance.meeting.is_in(meeting_ids))
    for row in attended:
        await audit.record(
            actor=actor,
            action="meeting.attendance_remove",
            entity="meeting",
            entity_id=row["meeting"],
            before={"attended": row["attended"], "mode": row["mode"]},
            about={"user_id": str(user_id)},
        )
    return Released(task_ids=task_ids, meeting_ids=meeting_ids)
