"""The one object-level authorization helper: may this caller see, or act on, this project?

A project the caller may not see answers 404, never 403, so its existence is not revealed.
Research leaders and admins oversee every project and act as its lead.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.projects.tables import MemberRole, Membership, Project
from coresearch.lib.problems import Forbidden, NotFound

OVERSIGHT_ROLES = frozenset({Role.admin, Role.research_leader})
# Runs on every project-scoped request, so fixed SQL rather than the query builder (whose CPU
# cost is several times the statement's; docs/performance.md).
MEMBER_ROLE_SQL = 'SELECT role FROM project_members WHERE project = {} AND "user" = {}'


class ProjectAccess(msgspec.Struct, frozen=True):
    """What the caller is to one project."""

    project_id: UUID
    member_role: MemberRole | None
    oversight: bool

    @property
    def acting_role(self) -> MemberRole:
        """The role the caller acts in: oversight acts as lead."""
        if self.oversight:
            return MemberRole.lead
        assert self.member_role is not None
        return self.member_role


def has_oversight(principal: Principal) -> bool:
    """True for callers who see every project."""
    return principal.role in OVERSIGHT_ROLES


async def member_project_ids(*, user_id: UUID) -> list[UUID]:
    """Ids of the projects the user is a member of."""
    rows = await Membership.select(Membership.project).where(Membership.user == user_id)
    return [row["project"] for row in rows]


async def leads_a_project(*, user_id: UUID) -> bool:
    """True when the user is a lead member of at least one project."""
    query = Membership.exists().where(
        (Membership.user == user_id) & (Membership.role == MemberRole.lead.value)
    )
    return bool(await query)


async def project_access(
    *, principal: Principal, project_id: UUID, allowed: tuple[MemberRole, ...] | None = None
) -> ProjectAccess:
    """Return the caller's access to a project.

    Raises:
        NotFound: the project does not exist or the caller may not see it.
        Forbidden: the caller sees it, but acts in none of the `allowed` roles.
    """
    # Members, the common case, cost one query: a membership implies the project (foreign key).
    rows = await Membership.raw(MEMBER_ROLE_SQL, project_id, principal.id)
    access = ProjectAccess(
        project_id=project_id,
        member_role=MemberRole(rows[0]["role"]) if rows else None,
        oversight=has_oversight(principal),
    )
    if access.member_role is None and not (
        access.oversight and await Project.exists().where(Project.id == project_id)
    ):
        raise NotFound("No such project")
    if allowed is not None and access.acting_role not in allowed:
        raise Forbidden("Your role in this project does not allow this")
    return access


LEAD_ONLY = (MemberRole.lead,)
STAFF = (MemberRole.lead, MemberRole.researcher)


# Also fixed SQL: every request about a co-researcher's profile, training or consents runs it.
ROLES_BESIDE_SQL = (
    "SELECT mine.project AS project, mine.role AS role FROM project_members theirs "
    "JOIN project_members mine ON mine.project = theirs.project "
    'WHERE theirs."user" = {} AND theirs.role = \'co_researcher\' AND mine."user" = {}'
)


async def roles_beside_coresearcher(*, principal: Principal, user_id: UUID) -> dict[UUID, MemberRole]:
    """The caller's role in each project where `user_id` is a co-researcher member."""
    rows = await Membership.raw(ROLES_BESIDE_SQL, user_id, principal.id)
    return {
        row["project"] if isinstance(row["project"], UUID) else UUID(row["project"]): MemberRole(row["role"])
        for row in rows
    }
