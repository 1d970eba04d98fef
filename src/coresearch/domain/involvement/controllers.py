"""HTTP routes of the involvement area: the activity log, the caller's impact, evaluations."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.involvement import activities, evaluations
from coresearch.domain.involvement import schemas as s
from coresearch.lib.pagination import Page, provide_filters

AuthedRequest = Request[Principal, object, object]


class ActivitiesController(Controller):
    """Activities of a project, one activity, and the caller's own impact across projects."""

    path = "/"
    tags = ["involvement"]

    @post("/projects/{project_id:uuid}/activities", operation_id="activities_create")
    async def create_activity(
        self, project_id: FromPath[UUID], data: JSONBody[s.ActivityCreate], request: AuthedRequest
    ) -> s.Activity:
        """Log an activity (project members); a co-researcher must list themselves as participant."""
        return await activities.create_activity(principal=request.user, project_id=project_id, data=data)

    @get(
        "/projects/{project_id:uuid}/activities",
        operation_id="activities_list",
        dependencies=provide_filters(s.ActivityFilters),
    )
    async def list_activities(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.ActivityFilters]
    ) -> Page[s.Activity]:
        """A project's activities, newest first; `from` and `to` are days, both included.

        Co-researchers see only the activities they took part in.
        """
        return await activities.list_activities(
            principal=request.user, project_id=project_id, filters=filters
        )

    @get("/activities/{activity_id:uuid}", operation_id="activities_get")
    async def get_activity(self, activity_id: FromPath[UUID], request: AuthedRequest) -> s.Activity:
        """One activity (co-researchers: only those they took part in)."""
        return await activities.get_activity(principal=request.user, activity_id=activity_id)

    @patch("/activities/{activity_id:uuid}", operation_id="activities_update")
    async def update_activity(
        self, activity_id: FromPath[UUID], data: JSONBody[s.ActivityUpdate], request: AuthedRequest
    ) -> s.Activity:
        """Change an activity (lead)."""
        return await activities.update_activity(principal=request.user, activity_id=activity_id, data=data)

    @get("/me/impact", operation_id="my_impact_list", dependencies=provide_filters(s.ImpactFilters))
    async def list_my_impact(
        self, request: AuthedRequest, filters: NamedDependency[s.ImpactFilters]
    ) -> Page[s.ImpactEntry]:
        """The activities the caller took part in, newest first, with what changed because of them."""
        return await activities.list_my_impact(principal=request.user, filters=filters)


class EvaluationsController(Controller):
    """Anonymous pulse evaluations of a project, reported only in aggregate."""

    path = "/projects/{project_id:uuid}/evaluations"
    tags = ["involvement"]

    @post("/", operation_id="evaluations_submit")
    async def submit_evaluation(
        self, project_id: FromPath[UUID], data: JSONBody[s.EvaluationCreate], request: AuthedRequest
    ) -> s.EvaluationReceipt:
        """Submit scores 1–5 (co-researcher members); stored without any link to the submitter."""
        return await evaluations.submit_evaluation(principal=request.user, project_id=project_id, data=data)

    @get("/summary", operation_id="evaluations_summary")
    async def summarise_evaluations(
        self, project_id: FromPath[UUID], request: AuthedRequest
    ) -> s.EvaluationSummary:
        """Count, mean and distribution per question (lead); only the count below three evaluations."""
        return await evaluations.summarise_evaluations(principal=request.user, project_id=project_id)


ROUTE_HANDLERS: list = [ActivitiesController, EvaluationsController]
