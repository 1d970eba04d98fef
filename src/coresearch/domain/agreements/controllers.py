"""HTTP routes of the agreements area: agreements of a project, one agreement, and its moves."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.agreements import lifecycle, service
from coresearch.domain.agreements import schemas as s
from coresearch.lib.pagination import Page, provide_filters

Limit = Annotated[int, QueryParameter(ge=1, le=200)]
# Send and accept need no body; one may carry the `revision` the client read.
OptionalStep = Annotated[s.AgreementStep | None, Body()]


class AgreementsController(Controller):
    """Agreements between a project and its co-researchers."""

    path = "/"
    tags = ["agreements"]

    @post("/projects/{project_id:uuid}/agreements", operation_id="agreements_create")
    async def create_agreement(
        self, project_id: FromPath[UUID], data: JSONBody[s.AgreementCreate], request: AuthedRequest
    ) -> s.AgreementDetail:
        """Draft an agreement (the project's leads) with a co-researcher member of the project;
        the contact person must be a lead or researcher member."""
        return await service.create_agreement(principal=request.user, project_id=project_id, data=data)

    @get(
        "/projects/{project_id:uuid}/agreements",
        operation_id="agreements_list",
        dependencies=provide_filters(s.AgreementFilters),
    )
    async def list_agreements(
        self, project_id: FromPath[UUID], request: AuthedRequest, filters: NamedDependency[s.AgreementFilters]
    ) -> Page[s.Agreement]:
        """A project's agreements, newest first: the leads see all, a co-researcher their own,
        researchers none (403)."""
        return await service.list_agreements(
            principal=request.user,
            project_id=project_id,
            filters=filters,
        )

    @get("/agreements/{agreement_id:uuid}", operation_id="agreements_get")
    async def get_agreement(self, agreement_id: FromPath[UUID], request: AuthedRequest) -> s.AgreementDetail:
        """One agreement with `text`, `accepted_text` and the accepted `versions` (the project's
        leads and the co-researcher it is with; anyone else 404)."""
        return await service.get_agreement(principal=request.user, agreement_id=agreement_id)

    @patch("/agreements/{agreement_id:uuid}", operation_id="agreements_update")
    async def update_agreement(
        self, agreement_id: FromPath[UUID], data: JSONBody[s.AgreementUpdate], request: AuthedRequest
    ) -> s.AgreementDetail:
        """Change the terms (the project's leads); changing an accepted version makes the next
        version, to be accepted again. Ended and terminated agreements: 409."""
        return await service.update_agreement(principal=request.user, agreement_id=agreement_id, data=data)

    @post("/agreements/{agreement_id:uuid}/send", operation_id="agreements_send", status_code=HTTP_200_OK)
    async def send_agreement(
        self, agreement_id: FromPath[UUID], request: AuthedRequest, data: OptionalStep = None
    ) -> s.AgreementDetail:
        """Send a draft to the co-researcher (the project's leads); anything but a draft: 409."""
        return await lifecycle.send_agreement(
            principal=request.user, agreement_id=agreement_id, data=data or s.AgreementStep()
        )

    @post("/agreements/{agreement_id:uuid}/accept", operation_id="agreements_accept", status_code=HTTP_200_OK)
    async def accept_agreement(
        self, agreement_id: FromPath[UUID], request: AuthedRequest, data: OptionalStep = None
    ) -> s.AgreementDetail:
        """Accept the latest version (only the co-researcher it is with; leads 403): the text and
        the time are recorded. Nothing waiting for acceptance: 409."""
        return await lifecycle.accept_agreement(
            principal=request.user, agreement_id=agreement_id, data=data or s.AgreementStep()
        )

    @post(
        "/agreements/{agreement_id:uuid}/terminate",
        operation_id="agreements_terminate",
        status_code=HTTP_200_OK,
    )
    async def terminate_agreement(
        self, agreement_id: FromPath[UUID], data: JSONBody[s.AgreementTermination], request: AuthedRequest
    ) -> s.AgreementDetail:
        """End a draft, sent or active agreement with a `reason` (the project's leads); ended or
        terminated already: 409."""
        return await lifecycle.terminate_agreement(
            principal=request.user, agreement_id=agreement_id, data=data
        )


ROUTE_HANDLERS: list[type[Controller]] = [AgreementsController]
