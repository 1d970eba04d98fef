"""HTTP routes of the projects area: projects, members and phases."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from coresearch.domain.accounts.guards import requires_role
from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.accounts.tables import Role
from coresearch.domain.projects import schemas as s
from coresearch.domain.projects import service
from coresearch.lib.pagination import Page, provide_filters

ProjectId = FromPath[UUID]


class ProjectsController(Controller):
    """`/projects`: register, list, read and change projects; members; phases."""

    path = "/projects"
    tags = ["projects"]

    @post("/", operation_id="projects_create", guards=[requires_role(Role.researcher, Role.research_leader)])
    async def create_project(self, data: JSONBody[s.ProjectCreate], request: AuthedRequest) -> s.Project:
        """Register a project; the caller becomes its lead."""
        return await service.create_project(principal=request.user, data=data)

    @get("/", operation_id="projects_list", dependencies=provide_filters(s.ProjectFilters))
    async def list_projects(
        self, request: AuthedRequest, filters: NamedDependency[s.ProjectFilters]
    ) -> Page[s.Project]:
        """Projects the caller is a member of (all projects for leaders and admins)."""
        return await service.list_projects(principal=request.user, filters=filters)

    @get("/{project_id:uuid}", operation_id="projects_get")
    async def get_project(self, project_id: ProjectId, request: AuthedRequest) -> s.Project:
        """One project."""
        return await service.get_project(principal=request.user, project_id=project_id)

    @patch("/{project_id:uuid}", operation_id="projects_update")
    async def update_project(
        self, project_id: ProjectId, data: JSONBody[s.ProjectUpdate], request: AuthedRequest
    ) -> s.Project:
        """Change a project (lead); status moves planning → active → completed → archived."""
        return await service.update_project(principal=request.user, project_id=project_id, data=data)

    @get("/{project_id:uuid}/members", operation_id="project_members_list")
    async def list_members(self, project_id: ProjectId, request: AuthedRequest) -> list[s.Member]:
        """Members of the project (project staff and leaders)."""
        return await service.list_members(principal=request.user, project_id=project_id)

    @put("/{project_id:uuid}/members/{user_id:uuid}", operation_id="project_members_put")
    async def put_member(
        self,
        project_id: ProjectId,
        user_id: FromPath[UUID],
        data: JSONBody[s.MemberPut],
        request: AuthedRequest,
    ) -> s.Member:
        """Add a member or change their role (lead)."""
        return await service.put_member(
            principal=request.user, project_id=project_id, user_id=user_id, data=data
        )

    @delete(
        "/{project_id:uuid}/members/{user_id:uuid}",
        operation_id="project_members_delete",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove_member(
        self, project_id: ProjectId, user_id: FromPath[UUID], request: AuthedRequest
    ) -> None:
        """Remove a member (lead)."""
        await service.remove_member(principal=request.user, project_id=project_id, user_id=user_id)

    @get("/{project_id:uuid}/phases", operation_id="project_phases_list")
    async def list_phases(self, project_id: ProjectId, request: AuthedRequest) -> list[s.ProjectPhase]:
        """The six research phases, in order."""
        return await service.list_phases(principal=request.user, project_id=project_id)

    @patch("/{project_id:uuid}/phases/{phase:str}", operation_id="project_phases_update")
    async def update_phase(
        self,
        project_id: ProjectId,
        phase: FromPath[str],
        data: JSONBody[s.ProjectPhaseUpdate],
        request: AuthedRequest,
    ) -> s.ProjectPhase:
        """Plan or record one phase (lead)."""
        return await service.update_phase(
            principal=request.user, project_id=project_id, phase=phase, data=data
        )
