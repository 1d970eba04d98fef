"""The time entries a done task, an activity's confirmed participants and a training record keep
in step, called by the work, involvement and coresearchers areas inside their own transactions
(the model is `attendance.sync_attendance`).

Each source record holds at most one entry per person (unique indexes of migration 0024). While
unclaimed, the entry follows the record: created, changed or deleted as the record's people,
minutes or day change. A claimed entry is never touched, and no second entry is made beside it.
Only a day the person's active agreement in the project covers gets an entry; anyone else (staff
assignees, a day outside the agreement) is skipped without a word: the record itself is fine,
and staff can see in the time entries what will be paid (docs/decisions.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from piccolo.columns import ForeignKey

from coresearch.domain.agreements import service as agreements
from coresearch.domain.audit import service as audit
from coresearch.domain.payments.common import TIME_ENTRY_AUDITED, delete_entry, insert_time_entry
from coresearch.domain.payments.tables import EntrySource, TimeEntry
from coresearch.lib.records import locked, now

COLUMNS: dict[EntrySource, ForeignKey[Any]] = {
    EntrySource.task: TimeEntry.task,
    EntrySource.activity: TimeEntry.activity,
    EntrySource.training: TimeEntry.training,
}


async def sync_source(
    *,
    actor: audit.Actor,
    project_id: UUID,
    source: EntrySource,
    record_id: UUID,
    people: dict[UUID, tuple[date, int]],
    description: str = "",
    keep_day: bool = False,
) -> None:
    """Make the unclaimed entries of one source record those of `people` (person → day, minutes).

    `keep_day`: an existing entry keeps its day (a task's entries are dated the day it was done,
    and editing the done task later does not move them).
    """
    column = COLUMNS[source]
    rows = await locked(
        TimeEntry.select()
        .where((column == record_id) & (TimeEntry.source == source.value))
        .order_by(TimeEntry.id)
    )
    existing = {row["coresearcher"]: row for row in rows}
    for person, row in existing.items():
        if row["claim_id"] is not None:
            continue
        wanted = people.get(person)
        day = row["worked_on"] if keep_day and wanted else (wanted[0] if wanted else None)
        if wanted is None or day is None or wanted[1] <= 0 or not await _covered(project_id, person, day):
            await delete_entry(row, actor)
            continue
        await audit.update_audited(
            TimeEntry,
            before=row,
            changes={"worked_on": day, "minutes": wanted[1], "description": description},
            actor=actor,
            action="time_entry.update",
            entity="time_entry",
            fields=TIME_ENTRY_AUDITED,
        )
    for person, (day, minutes) in sorted(people.items()):
        if person in existing or minutes <= 0 or not await _covered(project_id, person, day):
            continue
        moment = now()
        entry = TimeEntry(
            project=project_id,
            coresearcher=person,
            worked_on=day,
            minutes=minutes,
            source=source.value,
            description=description,
            recorded_by=actor.id,
            created_at=moment,
            updated_at=moment,
        )
        setattr(entry, column._meta.name, record_id)
        await insert_time_entry(entry, actor)


async def _covered(project_id: UUID, person: UUID, day: date) -> bool:
    return await agreements.active_on(project_id=project_id, coresearcher_id=person, day=day)
