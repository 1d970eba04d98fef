"""The form fields of an upload: each checked as it arrives, the whole form once it is complete.

400 for a field that does not parse or is missing; 422 for a `coresearcher_id` that is not a
co-researcher member of the project (or given without visibility `coresearcher`, or missing with
it), for a `meeting_id` that is not a meeting of the project and for an `agreement_id` that is not
an agreement of the project the uploader may see; 403 when a co-researcher names anyone but
themselves.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.agreements import service as agreements
from coresearch.domain.documents.schemas import FORM_FIELD_TYPES, REQUIRED_FORM_FIELDS
from coresearch.domain.documents.tables import Visibility
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.access import ProjectAccess
from coresearch.domain.projects.tables import MemberRole
from coresearch.domain.work import meetings
from coresearch.lib.problems import BadRequest, Forbidden, NotFound, Unprocessable
from coresearch.lib.text import explain

# HTML forms send an empty value for an optional field left blank.
OPTIONAL_IDS = frozenset({"coresearcher_id", "meeting_id", "agreement_id"})


def parse_fields(fields: dict[str, str], *, complete: bool) -> dict[str, Any]:
    """The typed values of the fields received; 400 naming every field that does not parse.

    With `complete`, the required fields must all be there.
    """
    values: dict[str, Any] = {}
    errors = []
    for name, raw in fields.items():
        if name in OPTIONAL_IDS and raw.strip() == "":
            values[name] = None
            continue
        try:
            values[name] = msgspec.convert(raw, FORM_FIELD_TYPES[name])
        except msgspec.ValidationError as error:
            errors.append({"field": name, "message": explain(str(error))})
    if complete:
        errors += [
            {"field": name, "message": "is required"} for name in REQUIRED_FORM_FIELDS if name not in fields
        ]
    if errors:
        raise BadRequest("The form is not valid", errors=errors)
    return values


async def _is_coresearcher_member(*, principal: Principal, project_id: UUID, user_id: UUID) -> bool:
    members = await projects.list_members(principal=principal, project_id=project_id)
    return any(m.user_id == user_id and m.role == MemberRole.co_researcher for m in members)


async def _is_meeting_of(*, principal: Principal, project_id: UUID, meeting_id: UUID) -> bool:
    try:
        meeting = await meetings.get_meeting(principal=principal, meeting_id=meeting_id)
    except NotFound:
        return False
    return meeting.project_id == project_id


async def _is_agreement_of(*, principal: Principal, project_id: UUID, agreement_id: UUID) -> bool:
    try:
        return (
            await agreements.project_of_agreement(principal=principal, agreement_id=agreement_id)
            == project_id
        )
    except NotFound:
        return False


async def check_references(
    *, principal: Principal, access: ProjectAccess, values: dict[str, Any], complete: bool
) -> None:
    """Check the people, meeting and agreement the form names, as far as the fields received allow."""
    visibility = values.get("visibility")
    coresearcher_id = values.get("coresearcher_id")
    meeting_id = values.get("meeting_id")
    agreement_id = values.get("agreement_id")
    project_id = access.project_id
    if coresearcher_id is not None and visibility not in (None, Visibility.coresearcher):
        raise Unprocessable(
            "Name a co-researcher only for visibility coresearcher",
            errors=[{"field": "coresearcher_id", "message": "only with visibility coresearcher"}],
        )
    if complete and visibility == Visibility.coresearcher and coresearcher_id is None:
        raise Unprocessable(
            "Say which co-researcher the document is shared with",
            errors=[{"field": "coresearcher_id", "message": "required with visibility coresearcher"}],
        )
    if coresearcher_id is not None:
        if access.acting_role == MemberRole.co_researcher:
            # Checked before membership, so the answer tells nothing about who is a member.
            if coresearcher_id != principal.id:
                raise Forbidden("Co-researchers share documents with themselves and the project staff only")
        elif not await _is_coresearcher_member(
            principal=principal, project_id=project_id, user_id=coresearcher_id
        ):
            raise Unprocessable(
                "The document can be shared only with a co-researcher member of the project",
                errors=[
                    {"field": "coresearcher_id", "message": "not a co-researcher member of this project"}
                ],
            )
    if meeting_id is not None and not await _is_meeting_of(
        principal=principal, project_id=project_id, meeting_id=meeting_id
    ):
        raise Unprocessable(
            "The meeting is not a meeting of this project",
            errors=[{"field": "meeting_id", "message": "not a meeting of this project"}],
        )
    if agreement_id is not None and not await _is_agreement_of(
        principal=principal, project_id=project_id, agreement_id=agreement_id
    ):
        raise Unprocessable(
            "The agreement is not an agreement of this project",
            errors=[{"field": "agreement_id", "message": "not an agreement of this project"}],
        )
