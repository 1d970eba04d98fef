"""`GET /audit`: the audit log, read-only, for admins and research leaders."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from coresearch.domain.accounts.guards import leaders_only
from coresearch.domain.audit import service
from coresearch.lib.pagination import DEFAULT_LIMIT, Page
from coresearch.lib.text import TextFilter


class AuditController(Controller):
    """Read the audit log; nothing in the API can change it."""

    path = "/audit"
    tags = ["audit"]
    guards = [leaders_only]

    @get("/", operation_id="audit_list")
    async def list_entries(
        self,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = DEFAULT_LIMIT,
        cursor: FromQuery[str | None] = None,
        entity: TextFilter = None,
        entity_id: TextFilter = None,
        actor_id: FromQuery[UUID | None] = None,
    ) -> Page[service.AuditEntryOut]:
        """Audit rows, newest first, filtered by entity, entity id or actor."""
        return await service.list_entries(
            limit=limit, cursor=cursor, entity=entity, entity_id=entity_id, actor_id=actor_id
        )
