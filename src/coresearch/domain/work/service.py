"""Pieces shared by the work area's services (`tasks`, `meetings`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from piccolo.query import Select

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.schemas import Member
from coresearch.lib.db import current_engine


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def set_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body sets, with enums as their stored values."""
    return {
        name: value.value if hasattr(value, "value") else value
        for name, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }


def locked(query: Select) -> Select:
    """Lock the selected rows until the transaction ends.

    PostgreSQL takes a row lock; SQLite has no row locks and lets one writer in at a time.
    """
    return query.lock_rows() if current_engine().engine_type == "postgres" else query


async def members_by_id(*, principal: Principal, project_id: UUID) -> dict[UUID, Member]:
    """The project's current members by user id (the caller must be project staff)."""
    members = await projects.list_members(principal=principal, project_id=project_id)
    return {member.user_id: member for member in members}
