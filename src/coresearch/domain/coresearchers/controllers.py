"""HTTP routes of the co-researchers area: profiles, training and consents. `{id}` is the user id."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.coresearchers import consents, profiles, training
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


ROUTE_HANDLERS: list[type[Controller]] = [CoresearchersController]
