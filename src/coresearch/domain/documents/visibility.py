"""Who sees and who may change a document: one rule, for a row and as a query filter.

Within a project the caller may see (`project_access`): research leaders and admins see every
document, and an uploader always sees their own. Otherwise `team` documents are seen by every
member; `coresearcher` documents by the lead and researcher members and the one named
co-researcher; `private` documents by the project's leads.
"""

from __future__ import annotations

from typing import Any

from piccolo.custom_types import Combinable

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.documents.tables import Document, Visibility
from coresearch.domain.projects.access import STAFF, ProjectAccess
from coresearch.domain.projects.tables import MemberRole


def can_see(*, principal: Principal, access: ProjectAccess, row: dict[str, Any]) -> bool:
    """Whether the caller sees the document `row` of a project they have `access` to."""
    if access.oversight or row["uploaded_by"] == principal.id:
        return True
    role = access.member_role
    if row["visibility"] == Visibility.team.value:
        return True
    if row["visibility"] == Visibility.coresearcher.value:
        return role in STAFF or row["coresearcher"] == principal.id
    return role == MemberRole.lead


def visible_filter(*, principal: Principal, access: ProjectAccess) -> Combinable | None:
    """The `can_see` rule as a condition on `Document` rows (None: the caller sees them all)."""
    if access.oversight:
        return None
    role = access.member_role
    condition = (Document.visibility == Visibility.team.value) | (Document.uploaded_by == principal.id)
    if role in STAFF:
        condition |= Document.visibility == Visibility.coresearcher.value
    else:
        condition |= (Document.visibility == Visibility.coresearcher.value) & (
            Document.coresearcher == principal.id
        )
    if role == MemberRole.lead:
        condition |= Document.visibility == Visibility.private.value
    return condition


def may_add_version(*, principal: Principal, access: ProjectAccess, row: dict[str, Any]) -> bool:
    """Project staff (oversight acts as lead) and the document's uploader add versions."""
    return access.acting_role in STAFF or row["uploaded_by"] == principal.id


def may_delete(*, principal: Principal, access: ProjectAccess, row: dict[str, Any]) -> bool:
    """The project's leads (oversight acts as lead) and the document's uploader delete it."""
    return access.acting_role == MemberRole.lead or row["uploaded_by"] == principal.id
