"""HTTP routes of the involvement area: the activity log, the caller's impact, evaluations."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.involvement import activities, evaluations
from coresearch.domain.involvement import schemas as s
from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.tables import Level, Phase
from coresearch.lib.pagination import DEFAULT_LIMIT, Page

AuthedRequest = Request[Principal, object, object]
Limit = Annotated[int, QueryParameter(ge=1, le=200)]


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

    @get("/projects/{project_id:uuid}/activities", operation_id="activities_list")
    async def list_activities(
        self,
        project_id: FromPath[UUID],
        request: AuthedRequest,
        limit: Limit = DEFAULT_LIMIT,
        cursor: FromQuery[str | None] = None,
        phase: FromQuery[Phase | None] = None,
        level: FromQuery[Level | None] = None,
        kind: FromQuery[ActivityKind | None] = None,
        from_day: Annotated[date | None, QueryParameter(name="from")] = None,
        to_day: Annotated[date | None, QueryParameter(name="to")] = None,
        participant_id: FromQuery[UUID | None] = None,
    ) -> Page[s.Activity]:
        """A project's activities, newest first; `from` and `to` are days, both included.

        Co-researchers see only the activities they took part in.
        """
        return await activities.list_activities(
            principal=request.user,
            project_id=project_id,
            limit=limit,
            cursor=cursor,
            phase=phase,
            level=level,
            kind=kind,
            from_day=from_day,
            to_day=to_day,
            participant_id=participant_id,
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

    @get("/me/impact", operation_id="my_impact_list")
    async def list_my_impact(
        self,
        request: AuthedRequest,
        limit: Limit = DEFAULT_LIMIT,
        cursor: FromQuery[str | None] = None,
        only_with_change: FromQuery[bool] = False,
    ) -> Page[s.ImpactEntry]:
        """The activities the caller took part in, newest first, with what changed because of them."""
        return await activities.list_my_impact(
            principal=request.user, limit=limit, cursor=cursor, only_with_change=only_with_change
        )


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
