"""The records a time entry or expense may name (activity, task, meeting, receipt), each checked
through its own area's service as the caller, so an entry never points at what the caller cannot see.
"""

from __future__ import annotations

from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.documents import documents
from coresearch.domain.involvement import activities
from coresearch.domain.work import meetings, tasks
from coresearch.lib.problems import NotFound, Unprocessable


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
