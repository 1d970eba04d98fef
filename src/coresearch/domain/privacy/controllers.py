"""HTTP routes of the privacy area: the caller's own export, and a co-researcher's erasure."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, SkipValidation
from litestar.status_codes import HTTP_200_OK

from coresearch.domain.accounts.guards import admin_only
from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.privacy import erasure, export
from coresearch.domain.privacy import schemas as s
from coresearch.lib.crypto import keyring_for
from coresearch.lib.storage import DocumentStore
from coresearch.settings import Settings

# The store is a Protocol: nothing to validate, and msgspec cannot check instances of it.
Store = NamedDependency[SkipValidation[DocumentStore]]


class MeController(Controller):
    """What the service holds about the caller."""

    path = "/me"
    tags = ["privacy"]

    @get("/export", operation_id="me_export")
    async def export_me(
        self, request: AuthedRequest, settings: NamedDependency[Settings]
    ) -> s.PersonalExport:
        """Everything held about the caller as one document: account, profile (decrypted),
        consents with history, training, agreements with the accepted texts, memberships, tasks,
        meeting attendance, activities, the evaluation rounds answered (never the answers),
        recruitment records, the documents about them (a list) and their own audited acts."""
        return await export.export_person(principal=request.user, keyring=keyring_for(settings.data_keys))


class ErasureController(Controller):
    """Erasing a co-researcher's personal data (admins)."""

    path = "/coresearchers/{coresearcher_id:uuid}/erase"
    tags = ["privacy"]
    guards = [admin_only]

    @post("/", operation_id="coresearchers_erase", status_code=HTTP_200_OK)
    async def erase(
        self,
        coresearcher_id: FromPath[UUID],
        data: JSONBody[s.ErasureRequest],
        request: AuthedRequest,
        store: Store,
    ) -> s.Erasure:
        """Erase a co-researcher's personal data everywhere, in one transaction; `confirm` must be
        the person's current e-mail (else 422). The account stays, pseudonymised and disabled;
        counts of what was removed are returned. Staff accounts are not erased here (404)."""
        return await erasure.erase(
            principal=request.user, coresearcher_id=coresearcher_id, data=data, store=store
        )


ROUTE_HANDLERS: list[type[Controller]] = [MeController, ErasureController]
