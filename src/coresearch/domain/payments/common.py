"""What the time-entry and expense services share: who may record for whom, the agreement the
day must fall in, and how a time entry is written and audited.

Nothing here reaches the work or documents areas: `work/meetings.py` imports `attendance`, which
imports this, so a path back to the meetings service would be an import cycle (`references`
holds the checks that need those areas).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.agreements import service as agreements
from coresearch.domain.audit import service as audit
from coresearch.domain.payments.tables import TimeEntry
from coresearch.domain.projects.access import ProjectAccess, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.lib.problems import Forbidden, Unprocessable
from coresearch.lib.records import one

TIME_ENTRY_AUDITED = (
    "coresearcher",
    "worked_on",
    "minutes",
    "mode",
    "source",
    "activity",
    "task",
    "meeting",
    "training",
    "description",
)


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


def audited_time_entry(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a time entry."""
    return {name: row[name] for name in TIME_ENTRY_AUDITED}


async def insert_time_entry(entry: TimeEntry, actor: audit.Actor) -> dict[str, Any]:
    """Insert the entry with its audit row (inside the caller's transaction); the stored row."""
    await TimeEntry.insert(entry)
    row = await one(TimeEntry.select().where(TimeEntry.id == entry.id).first())
    await audit.record(
        actor=actor,
        action="time_entry.create",
        entity="time_entry",
        entity_id=entry.id,
        after={"project_id": str(row["project"]), **audited_time_entry(row)},
    )
    return row


async def delete_entry(row: dict[str, Any], actor: audit.Actor) -> None:
    """Delete an unclaimed entry with its audit row (inside the caller's transaction)."""
    await TimeEntry.delete().where(TimeEntry.id == row["id"])
    await audit.record(
        actor=actor,
        action="time_entry.delete",
        entity="time_entry",
        entity_id=row["id"],
        before=audited_time_entry(row),
    )
