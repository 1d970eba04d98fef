"""HTTP routes of the recruitment area: openings, candidates, their moves and acceptance."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.recruitment import schemas as s
from coresearch.domain.recruitment import service
from coresearch.lib.pagination import Page, provide_filters

# Accepting needs no body; one may carry a note for the history.
OptionalAcceptance = Annotated[s.CandidateAcceptance | None, Body()]


class RecruitmentController(Controller):
    """Openings and candidates of a project (its leads only)."""

    path = "/"
    tags = ["recruitment"]

    @post("/projects/{project_id:uuid}/openings", operation_id="openings_create")
    async def create_opening(
        self, project_id: FromPath[UUID], data: JSONBody[s.OpeningCreate], request: AuthedRequest
    ) -> s.Opening:
        """Open a place for co-researchers (the project's leads)."""
        return await service.create_opening(principal=request.user, project_id=project_id, data=data)

    @get(
        "/projects/{project_id:uuid}/openings",
        operation_id="openings_list",
        dependencies=provide_filters(s.OpeningFilters),
    )
    async def list_openings(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.OpeningFilters]
    ) -> Page[s.Opening]:
        """A project's openings, newest first (the project's leads)."""
        return await service.list_openings(principal=request.user, project_id=project_id, filters=filters)

    @post("/projects/{project_id:uuid}/candidates", operation_id="candidates_create")
    async def create_candidate(
        self, project_id: FromPath[UUID], data: JSONBody[s.CandidateCreate], request: AuthedRequest
    ) -> s.CandidateDetail:
        """Add a candidate, `identified` (the project's leads); an e-mail already in the project: 409."""
        return await service.create_candidate(principal=request.user, project_id=project_id, data=data)

    @get(
        "/projects/{project_id:uuid}/candidates",
        operation_id="candidates_list",
        dependencies=provide_filters(s.CandidateFilters),
    )
    async def list_candidates(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.CandidateFilters]
    ) -> Page[s.Candidate]:
        """A project's candidates, newest first, by status, source and opening (the project's leads)."""
        return await service.list_candidates(principal=request.user, project_id=project_id, filters=filters)

    @get("/projects/{project_id:uuid}/candidates/sources", operation_id="candidates_sources")
    async def source_counts(self, project_id: FromPath[UUID], request: AuthedRequest) -> list[s.SourceCount]:
        """Per source, every source listed: how many candidates it brought, how many are still
        open, accepted, declined and withdrawn (the project's leads)."""
        return await service.source_counts(principal=request.user, project_id=project_id)

    @get("/candidates/{candidate_id:uuid}", operation_id="candidates_get")
    async def get_candidate(self, candidate_id: FromPath[UUID], request: AuthedRequest) -> s.CandidateDetail:
        """A candidate with every move in `history` (the project's leads; anyone else 404)."""
        return await service.get_candidate(principal=request.user, candidate_id=candidate_id)

    @patch("/candidates/{candidate_id:uuid}", operation_id="candidates_update")
    async def update_candidate(
        self, candidate_id: FromPath[UUID], data: JSONBody[s.CandidateUpdate], request: AuthedRequest
    ) -> s.CandidateDetail:
        """Change details or move one step with `status` (and `status_note` for the history); a
        move the pipeline does not allow: 409 naming the allowed moves (the project's leads)."""
        return await service.update_candidate(principal=request.user, candidate_id=candidate_id, data=data)

    @post("/candidates/{candidate_id:uuid}/accept", operation_id="candidates_accept", status_code=HTTP_200_OK)
    async def accept_candidate(
        self, candidate_id: FromPath[UUID], request: AuthedRequest, data: OptionalAcceptance = None
    ) -> s.CandidateAccepted:
        """Accept an offered candidate: creates (with an invite) or links by e-mail their
        co-researcher account, their profile and their membership, all or nothing. Not offered:
        409; an e-mail of a staff or inactive account: 422 (the project's leads)."""
        return await service.accept_candidate(
            principal=request.user, candidate_id=candidate_id, data=data or s.CandidateAcceptance()
        )


ROUTE_HANDLERS: list[type[Controller]] = [RecruitmentController]
