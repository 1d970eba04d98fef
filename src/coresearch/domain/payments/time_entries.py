"""Time entries: the minutes a co-researcher worked in a project, recorded by hand or kept in step
with a meeting's attendance.

Project staff record for any co-researcher, a co-researcher for themselves; the day must fall in
the person's active agreement in the project (422 naming `worked_on`). An entry stores the raw
minutes and, for a meeting, the mode: the rate rules (rounding, the in-person minimum) apply when a
claim computes the amount. An entry a claim holds (`claim_id`) is locked. The attendance entries
are kept by `attendance.sync_attendance`.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from piccolo.query.functions.aggregate import Sum

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.payments import common, references
from coresearch.domain.payments import schemas as s
from coresearch.domain.payments.tables import EntrySource, TimeEntry
from coresearch.domain.projects.access import project_access
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.records import now

AUDITED = (
    "coresearcher",
    "worked_on",
    "minutes",
    "mode",
    "source",
    "activity",
    "task",
    "meeting",
    "description",
)


def to_time_entry(row: dict[str, Any]) -> s.TimeEntry:
    """A time entry row as the API shows it."""
    return msgspec.convert(
        {
            **row,
            "project_id": row["project"],
            "coresearcher_id": row["coresearcher"],
            "activity_id": row["activity"],
            "task_id": row["task"],
            "meeting_id": row["meeting"],
            "training_id": row["training"],
        },
        s.TimeEntry,
    )


async def create_time_entry(
    *, principal: Principal, project_id: UUID, data: s.TimeEntryCreate
) -> s.TimeEntry:
    """Record work by hand (project staff for anyone, a co-researcher for themselves)."""
    await common.access_for(principal=principal, project_id=project_id, coresearcher_id=data.coresearcher_id)
    await references.check_references(
        principal=principal,
        project_id=project_id,
        references={"activity_id": data.activity_id, "task_id": data.task_id, "meeting_id": data.meeting_id},
    )
    async with transaction():
        await common.check_agreement(
            project_id=project_id, coresearcher_id=data.coresearcher_id, day=data.worked_on, field="worked_on"
        )
        moment = now()
        entry = TimeEntry(
            project=project_id,
            coresearcher=data.coresearcher_id,
            worked_on=data.worked_on,
            minutes=data.minutes,
            source=EntrySource.manual.value,
            activity=data.activity_id,
            task=data.task_id,
            meeting=data.meeting_id,
            description=data.description,
            recorded_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        row = await common.insert_time_entry(entry, actor_of(principal))
    return to_time_entry(row)


async def list_time_entries(
    *, principal: Principal, project_id: UUID, filters: s.TimeEntryFilters
) -> Page[s.TimeEntry]:
    """A project's time entries, latest day first; a co-researcher sees only their own."""
    check_limit(filters.limit)
    access = await project_access(principal=principal, project_id=project_id)
    query = TimeEntry.select().where(TimeEntry.project == project_id)
    if common.is_coresearcher(access):
        query = query.where(TimeEntry.coresearcher == principal.id)
    if filters.coresearcher_id is not None:
        query = query.where(TimeEntry.coresearcher == filters.coresearcher_id)
    query = keyset(
        query,
        filters.cursor,
        sort=TimeEntry.worked_on,
        sort_type=date,
        id_column=TimeEntry.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="worked_on", convert=to_time_entry)


async def minutes_worked(*, project_id: UUID, coresearcher_id: UUID) -> int:
    """The person's recorded minutes in the project: every time entry (by hand, from meeting
    attendance, paid training) as worked, before the rate rules round anything; an entry removed
    (attendance withdrawn) no longer exists and counts nothing. One query (the certificate of
    participation reads it; the caller has checked access)."""
    row = await (
        TimeEntry.select(Sum(TimeEntry.minutes, alias="minutes"))
        .where((TimeEntry.project == project_id) & (TimeEntry.coresearcher == coresearcher_id))
        .first()
    )
    return int(row["minutes"] or 0) if row is not None else 0
