"""Response body and list filters of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar.params import FromQuery

from coresearch.lib.pagination import Paging
from coresearch.lib.text import TextFilter


class AuditEntryOut(msgspec.Struct):
    """One audit row as the API shows it."""

    id: UUID
    occurred_at: datetime
    actor_id: UUID | None
    actor_role: str | None
    action: str
    entity: str
    entity_id: str
    changes: dict[str, Any]
    request_id: str | None


class AuditFilters(Paging, frozen=True, kw_only=True):
    """`GET /audit`: by entity, entity id and actor."""

    entity: TextFilter = None
    entity_id: TextFilter = None
    actor_id: FromQuery[UUID | None] = None
