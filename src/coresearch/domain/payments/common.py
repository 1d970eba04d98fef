"""What the time-entry and expense services share: who may record for whom, the agreement the
day must fall in, and the records an entry may name (each checked through its own area's service).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.agreements import service as agreements
from coresearch.domain.documents import documents
from coresearch.domain.involvement import activities
from coresearch.domain.projects.access import ProjectAccess, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.domain.work import meetings, tasks
from coresearch.lib.problems import Forbidden, NotFound, Unprocessable


def is_coresearcher(access: ProjectAccess) -> bool:
    """True when the caller acts in the project as a co-researcher (sees only their own)."""
    return access.acting_role == MemberRole.co_researcher


async def access_for(*, principal: Principal, project_id: UUID, coresearcher_id: UUID) -> ProjectAccess:
    """The caller's access, for recording on behalf of `coresearcher_id`.

    Raises:
        NotFound: the caller does not see the project.
        Forbidden: a co-researcher names anyone but themselves (checked before anything about
            that person, so the answer reveals nothing about them).
    """
    access = await project_access(principal=principal, project_id=project_id)
    if is_coresearcher(access) and coresearcher_id != principal.id:
        raise Forbidden("Co-researchers record their own time and expenses only")
    return access


async def check_agreement(*, project_id: UUID, coresearcher_id: UUID, day: date, field: str) -> None:
    """422 naming `field` unless the person's active agreement in the project covers `day`."""
    if not await agreements.active_on(project_id=project_id, coresearcher_id=coresearcher_id, day=day):
        raise Unprocessable(
            f"{day.isoformat()} is not covered by an active agreement of this co-researcher in the project",
            errors=[
                {
                    "field": field,
                    "message": "must fall within the co-researcher's active agreement (starts_on..ends_on)",
                }
            ],
        )


async def _project_of(kind: str, principal: Principal, record_id: UUID) -> UUID | None:
    try:
        if kind == "activity_id":
            return (await activities.get_activity(principal=principal, activity_id=record_id)).project_id
        if kind == "task_id":
            return (await tasks.get_task(principal=principal, task_id=record_id)).project_id
        if kind == "meeting_id":
            return (await meetings.get_meeting(principal=principal, meeting_id=record_id)).project_id
        return (await documents.get_document(principal=principal, document_id=record_id)).project_id
    except NotFound:
        return None


async def check_references(
    *, principal: Principal, project_id: UUID, references: dict[str, UUID | None]
) -> None:
    """422 naming each field whose id is not a record of the project the caller sees."""
    errors = [
        {"field": field, "message": "not the id of a record of this project you can see"}
        for field, record_id in references.items()
        if record_id is not None and await _project_of(field, principal, record_id) != project_id
    ]
    if errors:
        raise Unprocessable("The entry names records outside the project", errors=errors)
