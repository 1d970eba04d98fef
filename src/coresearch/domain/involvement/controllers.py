"""HTTP routes of the involvement area: the activity log, the caller's impact, evaluation rounds."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.involvement import activities, evaluations
from coresearch.domain.involvement import schemas as s
from coresearch.lib.pagination import Page, Paging, provide_filters


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

    @post(
        "/activities/{activity_id:uuid}/participants/{user_id:uuid}/confirm",
        operation_id="activities_participant_confirm",
        status_code=200,
    )
    async def confirm_participant(
        self, activity_id: FromPath[UUID], user_id: FromPath[UUID], request: AuthedRequest
    ) -> s.Activity:
        """Confirm a participant a co-researcher named (lead, researcher); until then they are pending."""
        return await activities.confirm_participant(
            principal=request.user, activity_id=activity_id, user_id=user_id
        )

    @get("/me/impact", operation_id="my_impact_list", dependencies=provide_filters(s.ImpactFilters))
    async def list_my_impact(
        self, request: AuthedRequest, filters: NamedDependency[s.ImpactFilters]
    ) -> Page[s.ImpactEntry]:
        """The activities the caller took part in, newest first, with what changed because of them."""
        return await activities.list_my_impact(principal=request.user, filters=filters)


class EvaluationRoundsController(Controller):
    """Evaluation rounds: opened and closed by the lead, answered once by each co-researcher."""

    path = "/"
    tags = ["involvement"]

    @post("/projects/{project_id:uuid}/evaluation-rounds", operation_id="evaluation_rounds_create")
    async def open_round(
        self, project_id: FromPath[UUID], data: JSONBody[s.EvaluationRoundCreate], request: AuthedRequest
    ) -> s.EvaluationRound:
        """Open an evaluation round (lead); answers are taken until it is closed or `closes_on` passes."""
        return await evaluations.open_round(principal=request.user, project_id=project_id, data=data)

    @get(
        "/projects/{project_id:uuid}/evaluation-rounds",
        operation_id="evaluation_rounds_list",
        dependencies=provide_filters(Paging),
    )
    async def list_rounds(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[Paging]
    ) -> Page[s.EvaluationRound]:
        """A project's evaluation rounds, newest first (members); `answered` is the caller's own."""
        return await evaluations.list_rounds(principal=request.user, project_id=project_id, filters=filters)

    @post("/evaluation-rounds/{round_id:uuid}/close", operation_id="evaluation_rounds_close", status_code=200)
    async def close_round(self, round_id: FromPath[UUID], request: AuthedRequest) -> s.EvaluationRound:
        """Close a round to answers (lead); 409 if it is closed already."""
        return await evaluations.close_round(principal=request.user, round_id=round_id)

    @post("/evaluation-rounds/{round_id:uuid}/answers", operation_id="evaluation_rounds_answer")
    async def answer_round(
        self, round_id: FromPath[UUID], data: JSONBody[s.EvaluationAnswerCreate], request: AuthedRequest
    ) -> s.EvaluationReceipt:
        """Answer an open round, once (co-researcher members); stored apart from who answered."""
        return await evaluations.answer_round(principal=request.user, round_id=round_id, data=data)

    @get("/evaluation-rounds/{round_id:uuid}/summary", operation_id="evaluation_rounds_summary")
    async def summarise_round(self, round_id: FromPath[UUID], request: AuthedRequest) -> s.EvaluationSummary:
        """Means, distributions and sorted comments (lead); 409 while open or under three answers."""
        return await evaluations.summarise_round(principal=request.user, round_id=round_id)


ROUTE_HANDLERS: list[type[Controller]] = [ActivitiesController, EvaluationRoundsController]
