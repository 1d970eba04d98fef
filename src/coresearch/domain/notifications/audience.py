"""Who is concerned by a change, and the names messages use: read in the caller's transaction.

Like `privacy/`, this reads the tables of the areas it serves (projects' members, meetings'
organisers) rather than their services: those check a caller's access, and a notice is written
for people who are not the caller (docs/decisions.md).
"""

from __future__ import annotations

from uuid import UUID

from coresearch.domain.accounts.tables import User
from coresearch.domain.projects.tables import MemberRole, Membership, Project


async def project_title(project_id: UUID) -> str:
    """The project's title ("" if it is gone)."""
    row = await Project.select(Project.title).where(Project.id == project_id).first()
    return row["title"] if row else ""


async def members(project_id: UUID, *roles: MemberRole) -> list[UUID]:
    """The project's current members (of `roles`, when given)."""
    query = Membership.select(Membership.user).where(Membership.project == project_id)
    if roles:
        query = query.where(Membership.role.is_in([role.value for role in roles]))
    return [row["user"] for row in await query]


async def person(user_id: UUID | None) -> tuple[str, str] | None:
    """A user's name and e-mail address."""
    if user_id is None:
        return None
    row = await User.select(User.full_name, User.email).where(User.id == user_id).first()
    return (row["full_name"], row["email"]) if row else None
