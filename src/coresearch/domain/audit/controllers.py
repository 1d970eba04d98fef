"""`GET /audit`: the audit log, read-only, for admins and research leaders."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency

from coresearch.domain.accounts.guards import leaders_only
from coresearch.domain.audit import service
from coresearch.domain.audit.schemas import AuditEntryOut, AuditFilters
from coresearch.lib.pagination import Page, provide_filters


class AuditController(Controller):
    """Read the audit log; nothing in the API can change it."""

    path = "/audit"
    tags = ["audit"]
    guards = [leaders_only]

    @get("/", operation_id="audit_list", dependencies=provide_filters(AuditFilters))
    async def list_entries(self, filters: NamedDependency[AuditFilters]) -> Page[AuditEntryOut]:
        """Audit rows, newest first, filtered by entity, entity id or actor."""
        return await service.list_entries(filters=filters)
