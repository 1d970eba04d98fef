"""What the caller is to a co-researcher: the one rule for who sees a person's data.

A co-researcher is a user with the global role `co_researcher`. Who may see what:
- the person themselves and the leads of their projects: everything;
- researchers of their projects and oversight (admin, research leader): the profile with the
  protected fields masked (accessibility needs shown: adapting is the staff's duty);
- anyone else: 404, as if the person did not exist.
"""

from __future__ import annotations

from enum import Enum
from uuid import UUID

import msgspec

from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.projects.access import has_oversight, roles_beside_coresearcher
from coresearch.domain.projects.tables import MemberRole
from coresearch.lib.problems import Forbidden, NotFound


class Relation(str, Enum):
    """What the caller is to a co-researcher, from closest to furthest."""

    self = "self"
    lead = "lead"
    staff = "staff"
    oversight = "oversight"


FULL_VIEW = frozenset({Relation.self, Relation.lead})


class Standing(msgspec.Struct, frozen=True):
    """The caller's relation to a co-researcher, and their role in each project they share."""

    coresearcher_id: UUID
    relation: Relation
    projects: dict[UUID, MemberRole]

    @property
    def full_view(self) -> bool:
        """True when the caller may read the protected fields."""
        return self.relation in FULL_VIEW

    def require(self, *allowed: Relation) -> None:
        """403 unless the caller stands in one of the `allowed` relations."""
        if self.relation not in allowed:
            raise Forbidden("Only the person or the leads of their projects may do this")


async def standing(*, principal: Principal, coresearcher_id: UUID) -> Standing:
    """Return the caller's standing towards a co-researcher; 404 when they may not see the person."""
    try:
        user = await accounts.get_user(user_id=coresearcher_id)
    except NotFound:
        user = None
    if user is None or user.role != Role.co_researcher:
        raise NotFound("No such co-researcher")
    if principal.id == coresearcher_id:
        return Standing(coresearcher_id=coresearcher_id, relation=Relation.self, projects={})
    projects = await roles_beside_coresearcher(principal=principal, user_id=coresearcher_id)
    roles = set(projects.values())
    if MemberRole.lead in roles:
        relation = Relation.lead
    elif MemberRole.researcher in roles:
        relation = Relation.staff
    elif has_oversight(principal):
        relation = Relation.oversight
    else:
        raise NotFound("No such co-researcher")
    return Standing(coresearcher_id=coresearcher_id, relation=relation, projects=projects)
