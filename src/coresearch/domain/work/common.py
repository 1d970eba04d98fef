"""Pieces shared by the work area's services (`tasks`, `meetings`)."""

from __future__ import annotations

from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.schemas import Member


async def members_by_id(*, principal: Principal, project_id: UUID) -> dict[UUID, Member]:
    """The project's current members by user id (the caller must be project staff)."""
    members = await projects.list_members(principal=principal, project_id=project_id)
    return {member.user_id: member for member in members}
