"""Tasks: created and changed by project staff, status moved by the co-researchers assigned.

Lists are ordered by due date with undated tasks last, then by id. The cursor holds the last
task's due date (null when it has none) and id, so a page never repeats or skips a task that
existed when the first page was read, whatever is added in between. One person's tasks are read
from their assignee rows, which carry the task's project and due date (kept in step here).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from piccolo.query import Select
from piccolo.query.functions.aggregate import Count
from piccolo.querystring import QueryString

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.notifications import events as notices
from coresearch.domain.payments import benefits
from coresearch.domain.payments.sources import sync_source
from coresearch.domain.payments.tables import EntrySource
from coresearch.domain.projects.access import STAFF, ProjectAccess, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.domain.work import schemas as s
from coresearch.domain.work.common import members_by_id
from coresearch.domain.work.tables import Task, TaskAssignee, TaskStatus
from coresearch.lib.db import current_engine, transaction
from coresearch.lib.pagination import Page, check_limit, decode_cursor, keyset, page_of
from coresearch.lib.periods import check_period
from coresearch.lib.problems import Forbidden, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one, set_fields, today

TASK_FIELDS = ("title", "description", "phase", "status", "due_on", "estimated_minutes")
# Fields an assignee who is a co-researcher may change.
ASSIGNEE_FIELDS = frozenset({"status"})
# The assignees' copy of an undated task's due date: after every real one on both engines.
UNDATED_SORT = date(9999, 12, 31)
# One person's tasks (a co-researcher's page, `assignee_id`, `/me/tasks`) walk that person's
# assignee rows on `(user, project, due_sort, task)` or `(user, due_sort, task)` in order and stop
# at the limit, whatever their history; conditions and the cursor use `x.` columns to bound it.
PERSON_PAGE_SQL = """
SELECT t.id, t.project, t.title, t.description, t.phase, t.due_on, t.estimated_minutes, t.status,
       t.created_by, t.created_at, t.updated_at
FROM task_assignees x JOIN tasks t ON t.id = x.task
WHERE {} ORDER BY x.due_sort, x.task LIMIT {}
"""
ASSIGNED_SQL = 't.id IN (SELECT task FROM task_assignees WHERE "user" = {})'
# A per-row check, not a join: see `involvement/queries.py`, IN_MEMBER_PROJECTS_SQL.
_MEMBER = 'SELECT 1 FROM project_members pm WHERE pm.project = x.project AND pm."user" = x."user"'
IN_MEMBER_PROJECTS_SQL = {"postgres": f"EXISTS ({_MEMBER} OFFSET 0)", "sqlite": f"EXISTS ({_MEMBER})"}


def _in_due_order(query: Select[Any], cursor: str | None) -> Select[Any]:
    """Order by (undated last, due date, id) and start after the cursor's position."""
    return keyset(query, cursor, sort=Task.due_on, sort_type=date, id_column=Task.id, nulls_last=True)


def _due_sort(due_on: date | None) -> date:
    return UNDATED_SORT if due_on is None else due_on


def _after_on_assignees(cursor: str) -> QueryString:
    """The assignee rows after the cursor's position; `x.due_sort >= day` bounds the index range."""
    due_on, last_id = decode_cursor(cursor, date, nullable=True)
    day = _due_sort(due_on)
    return QueryString("x.due_sort >= {} AND (x.due_sort > {} OR x.task > {})", day, day, last_id)


async def _person_page(conditions: list[QueryString], cursor: str | None, limit: int) -> Page[s.Task]:
    """A page of one person's tasks in due order (`PERSON_PAGE_SQL`)."""
    if cursor:
        conditions.append(_after_on_assignees(cursor))
    where = QueryString(" AND ".join(["{}"] * len(conditions)), *conditions)
    return await _page_of_rows(await Task.raw(PERSON_PAGE_SQL, where, limit + 1), limit)


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
    return msgspec.convert(
        {**row, "project_id": row["project"], "assignee_ids": sorted(assignee_ids)}, s.Task
    )


async def _page(query: Select[Any], limit: int) -> Page[s.Task]:
    return await _page_of_rows(await query.limit(limit + 1), limit)


async def _page_of_rows(rows: list[dict[str, Any]], limit: int) -> Page[s.Task]:
    assignees = await _assignees_of([row["id"] for row in rows[:limit]])
    return page_of(
        rows, limit, sort_key="due_on", convert=lambda row: _to_task(row, assignees.get(row["id"], []))
    )


def _audited_assignees(assignee_ids: list[UUID]) -> dict[str, Any]:
    return {"assignee_ids": [str(i) for i in assignee_ids]}


def _audited(row: dict[str, Any], assignee_ids: list[UUID]) -> dict[str, Any]:
    return {**{name: row[name] for name in TASK_FIELDS}, **_audited_assignees(assignee_ids)}


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
) -> tuple[dict[str, Any], ProjectAccess]:
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


async def _sync_entries(
    *, principal: Principal, task: dict[str, Any], assignees: list[UUID], keep_day: bool
) -> None:
    """Keep the time entries of a done task in step (inside the caller's transaction): one per
    assignee of its estimated minutes, dated the day it was done; none once it is not done.
    The payments area creates them only for co-researchers with an active agreement that day."""
    done = task["status"] == TaskStatus.done.value and task["estimated_minutes"]
    day = today()
    await sync_source(
        actor=actor_of(principal),
        project_id=task["project"],
        source=EntrySource.task,
        record_id=task["id"],
        people={user_id: (day, task["estimated_minutes"]) for user_id in assignees} if done else {},
        description=task["title"],
        keep_day=keep_day,
    )


async def _saved(
    *, principal: Principal, task: s.Task, given_to: list[UUID], terms: benefits.WarningTerms | None
) -> s.TaskSaved:
    """The task with a benefit warning for each person in `given_to` it would take over the AAP
    warning share (its estimated minutes on its due day, or today); an open task only."""
    warnings = []
    if terms is not None and task.estimated_minutes and task.status != TaskStatus.done:
        for user_id in given_to:
            warning = await benefits.crossing(
                principal=principal,
                coresearcher_id=user_id,
                day=task.due_on or today(),
                extra_minutes=task.estimated_minutes,
                terms=terms,
            )
            if warning is not None:
                warnings.append(warning)
    return s.TaskSaved(**msgspec.structs.asdict(task), benefit_warnings=warnings)


async def create_task(
    *,
    principal: Principal,
    project_id: UUID,
    data: s.TaskCreate,
    terms: benefits.WarningTerms | None = None,
) -> s.TaskSaved:
    """Create a task in a project (project staff); with `terms`, warn of AAP limits crossed."""
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
            await TaskAssignee.insert(
                *[
                    TaskAssignee(
                        task=task.id, user=user_id, project=project_id, due_sort=_due_sort(data.due_on)
                    )
                    for user_id in assignee_ids
                ]
            )
        row = await one(Task.select().where(Task.id == task.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="task.create",
            entity="task",
            entity_id=task.id,
            after={"project_id": str(project_id), **_audited(row, assignee_ids)},
        )
        await notices.task_created(task=row, assignee_ids=assignee_ids, actor_id=principal.id)
    return await _saved(
        principal=principal, task=_to_task(row, assignee_ids), given_to=assignee_ids, terms=terms
    )


async def get_task(*, principal: Principal, task_id: UUID) -> s.Task:
    """Return a task the caller may see."""
    row, _ = await _task_in_reach(principal=principal, task_id=task_id)
    assignees = await _assignees_of([task_id])
    return _to_task(row, assignees.get(task_id, []))


async def list_tasks(*, principal: Principal, project_id: UUID, filters: s.TaskFilters) -> Page[s.Task]:
    """Return a project's tasks by due date (undated last); co-researchers see only their own."""
    limit, cursor, phase, status = filters.limit, filters.cursor, filters.phase, filters.status
    assignee_id, due_before, due_after = filters.assignee_id, filters.due_before, filters.due_after
    check_limit(limit)
    check_period(due_after, due_before, start_name="due_after", end_name="due_before", inclusive=False)
    access = await project_access(principal=principal, project_id=project_id)
    person = principal.id if access.acting_role == MemberRole.co_researcher else assignee_id
    if person is not None:
        conditions = [QueryString('x."user" = {} AND x.project = {}', person, project_id)]
        if assignee_id is not None and assignee_id != person:
            conditions.append(QueryString(ASSIGNED_SQL, assignee_id))
        for sql, value in (
            ("t.phase = {}", phase.value if phase else None),
            ("t.status = {}", status.value if status else None),
            ("t.due_on < {}", due_before),
            ("t.due_on > {}", due_after),
        ):
            if value is not None:
                conditions.append(QueryString(sql, value))
        return await _person_page(conditions, cursor, limit)
    query = Task.select().where(Task.project == project_id)
    if phase is not None:
        query = query.where(Task.phase == phase.value)
    if status is not None:
        query = query.where(Task.status == status.value)
    if due_before is not None:
        query = query.where(Task.due_on < due_before)
    if due_after is not None:
        query = query.where(Task.due_on > due_after)
    return await _page(_in_due_order(query, cursor), limit)


async def list_my_tasks(*, principal: Principal, filters: s.MyTaskFilters) -> Page[s.Task]:
    """Return the caller's tasks in the projects they are still a member of, by due date."""
    limit, cursor, status = filters.limit, filters.cursor, filters.status
    check_limit(limit)
    conditions = [
        QueryString('x."user" = {}', principal.id),
        QueryString(IN_MEMBER_PROJECTS_SQL[current_engine().engine_type]),
    ]
    if status is not None:
        conditions.append(QueryString("t.status = {}", status.value))
    return await _person_page(conditions, cursor, limit)


async def my_tasks(
    *, principal: Principal, filters: s.MyTaskFilters, terms: benefits.WarningTerms
) -> s.MyTasks:
    """A page of the caller's tasks with their AAP warning (null unless over the share)."""
    page = await list_my_tasks(principal=principal, filters=filters)
    warning = await benefits.my_benefit_warning(
        principal=principal, today=today(), keyring=terms.keyring, share=terms.share
    )
    return s.MyTasks(items=page.items, next_cursor=page.next_cursor, benefit_warning=warning)


async def update_task(
    *,
    principal: Principal,
    task_id: UUID,
    data: s.TaskUpdate,
    terms: benefits.WarningTerms | None = None,
) -> s.TaskSaved:
    """Change a task: project staff change anything, an assigned co-researcher only its status.

    With `terms`, warn of AAP limits crossed for the people newly given the task (everyone
    assigned when its estimate or due date changes)."""
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
                due_sort = _due_sort(changes.get("due_on", before["due_on"]))
                await TaskAssignee.insert(
                    *[
                        TaskAssignee(task=task_id, user=user_id, project=before["project"], due_sort=due_sort)
                        for user_id in added
                    ]
                )
        if "due_on" in changes and changes["due_on"] != before["due_on"]:
            # The assignees' copy of the due date orders their pages: keep it in step.
            await TaskAssignee.update({TaskAssignee.due_sort: _due_sort(changes["due_on"])}).where(
                TaskAssignee.task == task_id
            )
        after = await audit.update_audited(
            Task,
            before=before,
            changes=changes,
            actor=actor_of(principal),
            action="task.update",
            entity="task",
            fields=TASK_FIELDS,
            related=(_audited_assignees(before_assignees), _audited_assignees(after_assignees)),
        )
        if TaskStatus.done.value in (before["status"], after["status"]):
            await _sync_entries(
                principal=principal,
                task=after,
                assignees=after_assignees,
                keep_day=before["status"] == TaskStatus.done.value,
            )
        await notices.task_changed(
            before=before,
            after=after,
            before_assignees=before_assignees,
            after_assignees=after_assignees,
            actor_id=principal.id,
        )
    rescheduled = any(after[name] != before[name] for name in ("estimated_minutes", "due_on"))
    given_to = after_assignees if rescheduled else sorted(set(after_assignees) - set(before_assignees))
    return await _saved(
        principal=principal, task=_to_task(after, after_assignees), given_to=given_to, terms=terms
    )


async def done_by(*, project_id: UUID, user_id: UUID) -> list[s.PhaseCount]:
    """The project's done tasks a person is assigned to, counted per phase, in one query (the
    certificate of participation reads it; the caller has checked access)."""
    x = TaskAssignee
    rows = await (
        x.select(x.task.phase.as_alias("phase"), Count(alias="count"))
        .where((x.user == user_id) & (x.project == project_id) & (x.task.status == TaskStatus.done.value))
        .group_by(x.task.phase)
    )
    return [msgspec.convert(row, s.PhaseCount) for row in rows]
