"""HTTP routes of the privacy area: the caller's own export."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.privacy import export
from coresearch.domain.privacy import schemas as s
from coresearch.lib.crypto import keyring_for
from coresearch.settings import Settings


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


ROUTE_HANDLERS: list[type[Controller]] = [MeController]
