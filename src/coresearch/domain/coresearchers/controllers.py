"""HTTP routes of the co-researchers area: profiles, training, consents, and within a project
withdrawal and representation. `{coresearcher_id}` is the user id."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.coresearchers import consents, profiles, representation, training, withdrawal
from coresearch.domain.coresearchers import schemas as s
from coresearch.domain.coresearchers.tables import ConsentScope
from coresearch.lib.crypto import keyring_for
from coresearch.lib.pagination import Page, Paging, provide_filters
from coresearch.settings import Settings

Limit = Annotated[int, QueryParameter(ge=1, le=200)]
CoresearcherId = FromPath[UUID]


class CoresearchersController(Controller):
    """A co-researcher's protected profile, training records and consents."""

    path = "/coresearchers/{coresearcher_id:uuid}"
    tags = ["co-researchers"]

    @get("/", operation_id="coresearchers_get")
    async def get_profile(
        self, coresearcher_id: CoresearcherId, request: AuthedRequest, settings: NamedDependency[Settings]
    ) -> s.Profile:
        """A co-researcher's profile: in full for the person and the leads of their projects;
        project researchers and oversight get the protected fields masked (named in `masked`)."""
        return await profiles.get_profile(
            principal=request.user, coresearcher_id=coresearcher_id, keyring=keyring_for(settings.data_keys)
        )

    @patch("/", operation_id="coresearchers_update")
    async def update_profile(
        self,
        coresearcher_id: CoresearcherId,
        data: JSONBody[s.ProfileUpdate],
        request: AuthedRequest,
        settings: NamedDependency[Settings],
    ) -> s.Profile:
        """Change a profile (the person, or a lead of their projects); national ID and bank
        account must carry valid check digits."""
        return await profiles.update_profile(
            principal=request.user,
            coresearcher_id=coresearcher_id,
            data=data,
            keyring=keyring_for(settings.data_keys),
        )

    @post("/training", operation_id="coresearchers_training_create")
    async def record_training(
        self, coresearcher_id: CoresearcherId, data: JSONBody[s.TrainingCreate], request: AuthedRequest
    ) -> s.Training:
        """Record a course or onboarding the co-researcher completed (a lead of their projects)."""
        return await training.record_training(
            principal=request.user, coresearcher_id=coresearcher_id, data=data
        )

    @get("/training", operation_id="coresearchers_training_list", dependencies=provide_filters(Paging))
    async def list_training(
        self, coresearcher_id: CoresearcherId, request: AuthedRequest, filters: NamedDependency[Paging]
    ) -> Page[s.Training]:
        """The co-researcher's training, most recent first (the person and their leads)."""
        return await training.list_training(
            principal=request.user, coresearcher_id=coresearcher_id, filters=filters
        )

    @put("/consents/{consent_scope:str}", operation_id="coresearchers_consent_put")
    async def put_consent(
        self,
        coresearcher_id: CoresearcherId,
        consent_scope: FromPath[ConsentScope],
        data: JSONBody[s.ConsentPut],
        request: AuthedRequest,
    ) -> s.ConsentState:
        """Grant or withdraw consent for one scope (the person only); the latest decision wins."""
        return await consents.put_consent(
            principal=request.user, coresearcher_id=coresearcher_id, scope=consent_scope, data=data
        )

    @get("/consents", operation_id="coresearchers_consents_get")
    async def get_consents(self, coresearcher_id: CoresearcherId, request: AuthedRequest) -> s.Consents:
        """Each scope's current state (the person and their leads); the history for the person only."""
        return await consents.get_consents(principal=request.user, coresearcher_id=coresearcher_id)


class ProjectCoresearchersController(Controller):
    """A project's co-researchers: leaving the project, and who they are in aggregate."""

    path = "/projects/{project_id:uuid}"
    tags = ["co-researchers"]

    @post(
        "/coresearchers/{coresearcher_id:uuid}/withdraw",
        operation_id="coresearchers_withdraw",
        status_code=HTTP_200_OK,
    )
    async def withdraw(
        self, project_id: FromPath[UUID], coresearcher_id: CoresearcherId, request: AuthedRequest
    ) -> s.Withdrawal:
        """Leave the project (the co-researcher, or the project's leads): the membership ends,
        open tasks are unassigned, attendance at future meetings removed and sent or active
        agreements terminated ("withdrew"); history and past payments are kept."""
        return await withdrawal.withdraw(
            principal=request.user, project_id=project_id, coresearcher_id=coresearcher_id
        )

    @get("/representation", operation_id="coresearchers_representation")
    async def get_representation(
        self, project_id: FromPath[UUID], request: AuthedRequest
    ) -> s.Representation:
        """The project's co-researchers counted by experience kind, age band, gender and
        organisation type (self-reported; `not_stated` counted too), for the leads and oversight.
        Counts that could point at fewer than 3 people are `null` with `suppressed: true`."""
        return await representation.get_representation(principal=request.user, project_id=project_id)


ROUTE_HANDLERS: list[type[Controller]] = [CoresearchersController, ProjectCoresearchersController]
