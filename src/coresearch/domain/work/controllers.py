"""HTTP routes of the work area: tasks, meetings and meeting attendance."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.payments.benefits import WarningTerms
from coresearch.domain.work import meetings, tasks
from coresearch.domain.work import schemas as s
from coresearch.lib.pagination import Page, provide_filters
from coresearch.settings import Settings


class TasksController(Controller):
    """Tasks of a project, one task, and the caller's own tasks across projects."""

    path = "/"
    tags = ["tasks"]

    @post("/projects/{project_id:uuid}/tasks", operation_id="tasks_create")
    async def create_task(
        self,
        project_id: FromPath[UUID],
        data: JSONBody[s.TaskCreate],
        request: AuthedRequest,
        settings: NamedDependency[Settings],
    ) -> s.TaskSaved:
        """Create a task (project staff); assignees must be members of the project.
        `benefit_warnings`: assignees on AAP the task's estimate would take over the warning share."""
        return await tasks.create_task(
            principal=request.user, project_id=project_id, data=data, terms=WarningTerms.of(settings)
        )

    @get(
        "/projects/{project_id:uuid}/tasks",
        operation_id="tasks_list",
        dependencies=provide_filters(s.TaskFilters),
    )
    async def list_tasks(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.TaskFilters]
    ) -> Page[s.Task]:
        """A project's tasks by due date, undated last; co-researchers see only their own.

        `due_before` and `due_after` are exclusive.
        """
        return await tasks.list_tasks(principal=request.user, project_id=project_id, filters=filters)

    @get("/tasks/{task_id:uuid}", operation_id="tasks_get")
    async def get_task(self, task_id: FromPath[UUID], request: AuthedRequest) -> s.Task:
        """One task (co-researchers: only the tasks assigned to them)."""
        return await tasks.get_task(principal=request.user, task_id=task_id)

    @patch("/tasks/{task_id:uuid}", operation_id="tasks_update")
    async def update_task(
        self,
        task_id: FromPath[UUID],
        data: JSONBody[s.TaskUpdate],
        request: AuthedRequest,
        settings: NamedDependency[Settings],
    ) -> s.TaskSaved:
        """Change a task (project staff); an assigned co-researcher may change only `status`.
        `benefit_warnings` as when creating, for people newly assigned (all, when the estimate or
        due date changes)."""
        return await tasks.update_task(
            principal=request.user, task_id=task_id, data=data, terms=WarningTerms.of(settings)
        )

    @get("/me/tasks", operation_id="my_tasks_list", dependencies=provide_filters(s.MyTaskFilters))
    async def list_my_tasks(
        self,
        request: AuthedRequest,
        filters: NamedDependency[s.MyTaskFilters],
        settings: NamedDependency[Settings],
    ) -> s.MyTasks:
        """The caller's tasks in the projects they are a member of, by due date, undated last;
        `benefit_warning` as `GET /me/benefit-warning` (null unless on AAP and over the share)."""
        return await tasks.my_tasks(principal=request.user, filters=filters, terms=WarningTerms.of(settings))


class MeetingsController(Controller):
    """Meetings of a project and their attendance."""

    path = "/"
    tags = ["meetings"]

    @post("/projects/{project_id:uuid}/meetings", operation_id="meetings_create")
    async def create_meeting(
        self, project_id: FromPath[UUID], data: JSONBody[s.MeetingCreate], request: AuthedRequest
    ) -> s.Meeting:
        """Plan a meeting (project staff); timestamps need an offset and are stored in UTC."""
        return await meetings.create_meeting(principal=request.user, project_id=project_id, data=data)

    @get(
        "/projects/{project_id:uuid}/meetings",
        operation_id="meetings_list",
        dependencies=provide_filters(s.MeetingFilters),
    )
    async def list_meetings(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.MeetingFilters]
    ) -> Page[s.Meeting]:
        """A project's meetings by start time; `from` and `to` are UTC days, both included."""
        return await meetings.list_meetings(principal=request.user, project_id=project_id, filters=filters)

    @get("/meetings/{meeting_id:uuid}", operation_id="meetings_get")
    async def get_meeting(self, meeting_id: FromPath[UUID], request: AuthedRequest) -> s.Meeting:
        """One meeting (project members)."""
        return await meetings.get_meeting(principal=request.user, meeting_id=meeting_id)

    @patch("/meetings/{meeting_id:uuid}", operation_id="meetings_update")
    async def update_meeting(
        self, meeting_id: FromPath[UUID], data: JSONBody[s.MeetingUpdate], request: AuthedRequest
    ) -> s.Meeting:
        """Change a meeting (project staff)."""
        return await meetings.update_meeting(principal=request.user, meeting_id=meeting_id, data=data)

    @post("/meetings/{meeting_id:uuid}/cancel", operation_id="meetings_cancel", status_code=HTTP_200_OK)
    async def cancel_meeting(self, meeting_id: FromPath[UUID], request: AuthedRequest) -> s.Meeting:
        """Cancel a meeting (project staff); its members get the cancellation. Again: 409."""
        return await meetings.cancel_meeting(principal=request.user, meeting_id=meeting_id)

    @get("/meetings/{meeting_id:uuid}/attendance", operation_id="meeting_attendance_list")
    async def list_attendance(self, meeting_id: FromPath[UUID], request: AuthedRequest) -> list[s.Attendance]:
        """Attendance recorded for a meeting, by name (project staff)."""
        return await meetings.list_attendance(principal=request.user, meeting_id=meeting_id)

    @put("/meetings/{meeting_id:uuid}/attendance/{user_id:uuid}", operation_id="meeting_attendance_put")
    async def put_attendance(
        self,
        meeting_id: FromPath[UUID],
        user_id: FromPath[UUID],
        data: JSONBody[s.AttendancePut],
        request: AuthedRequest,
        settings: NamedDependency[Settings],
    ) -> s.Attendance:
        """Record whether and how a co-researcher member attended (project staff). The answer's
        `benefit_warning`: the person is on AAP and the meeting's period is over the warning share
        (a warning; shown to the leads of their projects)."""
        return await meetings.put_attendance(
            principal=request.user,
            meeting_id=meeting_id,
            user_id=user_id,
            data=data,
            terms=WarningTerms.of(settings),
        )


ROUTE_HANDLERS: list[type[Controller]] = [TasksController, MeetingsController]
