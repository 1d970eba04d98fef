"""Tasks: created and changed by project staff, status moved by the co-researchers assigned.

Lists are ordered by due date with undated tasks last, then by id. The cursor holds the last
task's due date ("" when it has none) and id, so a page never repeats or skips a task that
existed when the first page was read, whatever is added in between.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from piccolo.columns.combination import Where
from piccolo.query import Select
from piccolo.querystring import QueryString

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.projects.access import STAFF, ProjectAccess, member_project_ids, project_access
from coresearch.domain.projects.tables import MemberRole, Phase
from coresearch.domain.work import schemas as s
from coresearch.domain.work.service import members_by_id
from coresearch.domain.work.tables import Task, TaskAssignee, TaskStatus
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, decode_cursor, page_of
from coresearch.lib.periods import check_period
from coresearch.lib.problems import BadRequest, Forbidden, NotFound, Unprocessable
from coresearch.lib.records import locked, now, set_fields

TASK_FIELDS = ("title", "description", "phase", "status", "due_on", "estimated_minutes")
# Fields an assignee who is a co-researcher may change.
ASSIGNEE_FIELDS = frozenset({"status"})
UNDATED = ""


def _assigned_to(user_id: UUID) -> Where:
    return Task.id.is_in(TaskAssignee.select(TaskAssignee.task).where(TaskAssignee.user == user_id))


def _in_due_order(query: Select, cursor: str | None) -> Select:
    """Order by (undated last, due date, id) and start after the cursor's position."""
    query = query.order_by(QueryString('"tasks"."due_on" IS NULL'), Task.due_on, Task.id)
    if not cursor:
        return query
    due_on, last_id = _decode_due_cursor(cursor)
    if due_on is None:
        return query.where(Task.due_on.is_null() & (Task.id > last_id))
    return query.where(
        (Task.due_on > due_on) | ((Task.due_on == due_on) & (Task.id > last_id)) | Task.due_on.is_null()
    )


def _decode_due_cursor(cursor: str) -> tuple[date | None, UUID]:
    position = decode_cursor(cursor)
    if position.sort_value == UNDATED:
        return None, position.id
    try:
        return date.fromisoformat(position.sort_value), position.id
    except ValueError:
        raise BadRequest(
            "The cursor is not valid", errors=[{"field": "cursor", "message": "not a cursor"}]
        ) from None


async def _assignees_of(task_ids: list[UUID]) -> dict[UUID, list[UUID]]:
    if not task_ids:
        return {}
    rows = await TaskAssignee.select(TaskAssignee.task, TaskAssignee.user).where(
        TaskAssignee.task.is_in(task_ids)
    )
    assignees: dict[UUID, list[UUID]] = defaultdict(list)
    for row in rows:
        assignees[row["task"]].append(row["user"])
    return {task_id: sorted(users) for task_id, users in assignees.items()}


def _to_task(row: dict[str, Any], assignee_ids: list[UUID]) -> s.Task:
    return s.Task(
        id=row["id"],
        project_id=row["project"],
        title=row["title"],
        description=row["description"],
        phase=Phase(row["phase"]),
        status=TaskStatus(row["status"]),
        assignee_ids=sorted(assignee_ids),
        due_on=row["due_on"],
        estimated_minutes=row["estimated_minutes"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def _page(query: Select, limit: int) -> Page[s.Task]:
    rows = await query.limit(limit + 1)
    assignees = await _assignees_of([row["id"] for row in rows[:limit]])
    for row in rows:
        row["due_cursor"] = row["due_on"].isoformat() if row["due_on"] else UNDATED
    return page_of(
        rows, limit, sort_key="due_cursor", convert=lambda row: _to_task(row, assignees.get(row["id"], []))
    )


def _audited(row: dict[str, Any], assignee_ids: list[UUID]) -> dict[str, Any]:
    return {**{name: row[name] for name in TASK_FIELDS}, "assignee_ids": [str(i) for i in assignee_ids]}


async def _checked_assignees(
    *, principal: Principal, project_id: UUID, assignee_ids: list[UUID]
) -> list[UUID]:
    """The distinct assignees, sorted; 422 unless each is a current member of the project."""
    wanted = sorted(set(assignee_ids))
    if not wanted:
        return []
    members = await members_by_id(principal=principal, project_id=project_id)
    strangers = [str(user_id) for user_id in wanted if user_id not in members]
    if strangers:
        raise Unprocessable(
            "Every assignee must be a member of the project",
            errors=[
                {"field": "assignee_ids", "message": "not members of this project: " + ", ".join(strangers)}
            ],
        )
    return wanted


async def _task_in_reach(
    *, principal: Principal, task_id: UUID, lock: bool = False
) -> tuple[dict, ProjectAccess]:
    """The task and the caller's access to its project; 404 unless the caller may see the task.

    Co-researchers see only the tasks assigned to them.
    """
    query = Task.select().where(Task.id == task_id)
    row = await (locked(query) if lock else query).first()
    if row is None:
        raise NotFound("No such task")
    try:
        access = await project_access(principal=principal, project_id=row["project"])
    except NotFound:
        raise NotFound("No such task") from None
    if access.acting_role == MemberRole.co_researcher and not await TaskAssignee.exists().where(
        (TaskAssignee.task == task_id) & (TaskAssignee.user == principal.id)
    ):
        raise NotFound("No such task")
    return row, access


async def create_task(*, principal: Principal, project_id: UUID, data: s.TaskCreate) -> s.Task:
    """Create a task in a project (project staff)."""
    await project_access(principal=principal, project_id=project_id, allowed=STAFF)
    async with transaction():
        assignee_ids = await _checked_assignees(
            principal=principal, project_id=project_id, assignee_ids=data.assignee_ids
        )
        moment = now()
        task = Task(
            project=project_id,
            title=data.title,
            description=data.description,
            phase=data.phase.value,
            due_on=data.due_on,
            estimated_minutes=data.estimated_minutes,
            created_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        await task.save()
        if assignee_ids:
            await TaskAssignee.insert(*[TaskAssignee(task=task.id, user=user_id) for user_id in assignee_ids])
        row = await Task.select().where(Task.id == task.id).first()
        await audit.record(
            actor=actor_of(principal),
            action="task.create",
            entity="task",
            entity_id=task.id,
            after={"project_id": str(project_id), **_audited(row, assignee_ids)},
        )
    return _to_task(row, assignee_ids)


async def get_task(*, principal: Principal, task_id: UUID) -> s.Task:
    """Return a task the caller may see."""
    row, _ = await _task_in_reach(principal=principal, task_id=task_id)
    assignees = await _assignees_of([task_id])
    return _to_task(row, assignees.get(task_id, []))


async def list_tasks(
    *,
    principal: Principal,
    project_id: UUID,
    limit: int,
    cursor: str | None,
    phase: Phase | None = None,
    status: TaskStatus | None = None,
    assignee_id: UUID | None = None,
    due_before: date | None = None,
    due_after: date | None = None,
) -> Page[s.Task]:
    """Return a project's tasks by due date (undated last); co-researchers see only their own."""
    check_limit(limit)
    check_period(due_after, due_before, start_name="due_after", end_name="due_before", inclusive=False)
    access = await project_access(principal=principal, project_id=project_id)
    query = Task.select().where(Task.project == project_id)
    if access.acting_role == MemberRole.co_researcher:
        query = query.where(_assigned_to(principal.id))
    if assignee_id is not None:
        query = query.where(_assigned_to(assignee_id))
    if phase is not None:
        query = query.where(Task.phase == phase.value)
    if status is not None:
        query = query.where(Task.status == status.value)
    if due_before is not None:
        query = query.where(Task.due_on < due_before)
    if due_after is not None:
        query = query.where(Task.due_on > due_after)
    return await _page(_in_due_order(query, cursor), limit)


async def list_my_tasks(
    *, principal: Principal, limit: int, cursor: str | None, status: TaskStatus | None = None
) -> Page[s.Task]:
    """Return the caller's tasks in the projects they are still a member of, by due date."""
    check_limit(limit)
    project_ids = await member_project_ids(user_id=principal.id)
    if not project_ids:
        return Page(items=[], next_cursor=None)
    query = Task.select().where(Task.project.is_in(project_ids) & _assigned_to(principal.id))
    if status is not None:
        query = query.where(Task.status == status.value)
    return await _page(_in_due_order(query, cursor), limit)


async def update_task(*, principal: Principal, task_id: UUID, data: s.TaskUpdate) -> s.Task:
    """Change a task: project staff change anything, an assigned co-researcher only its status."""
    changes = set_fields(data)
    async with transaction():
        before, access = await _task_in_reach(principal=principal, task_id=task_id, lock=True)
        if access.acting_role not in STAFF and set(changes) - ASSIGNEE_FIELDS:
            raise Forbidden("An assignee may change only the status of a task")
        before_assignees = (await _assignees_of([task_id])).get(task_id, [])
        after_assignees = before_assignees
        if "assignee_ids" in changes:
            after_assignees = await _checked_assignees(
                principal=principal, project_id=before["project"], assignee_ids=changes.pop("assignee_ids")
            )
            removed = set(before_assignees) - set(after_assignees)
            added = set(after_assignees) - set(before_assignees)
            if removed:
                await TaskAssignee.delete().where(
                    (TaskAssignee.task == task_id) & TaskAssignee.user.is_in(list(removed))
                )
            if added:
                await TaskAssignee.insert(*[TaskAssignee(task=task_id, user=user_id) for user_id in added])
        if changes or after_assignees != before_assignees:
            await Task.update({**changes, "updated_at": now()}).where(Task.id == task_id)
        after = await Task.select().where(Task.id == task_id).first()
        if _audited(before, before_assignees) != _audited(after, after_assignees):
            await audit.record(
                actor=actor_of(principal),
                action="task.update",
                entity="task",
                entity_id=task_id,
                before=_audited(before, before_assignees),
                after=_audited(after, after_assignees),
            )
    return _to_task(after, after_assignees)
