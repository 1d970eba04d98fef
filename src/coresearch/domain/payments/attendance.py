"""The time entry a meeting's attendance keeps in step, called by the work area inside its own
attendance transaction (docs/decisions.md: time entries keep the raw minutes).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from coresearch.domain.agreements import service as agreements
from coresearch.domain.audit import service as audit
from coresearch.domain.payments.common import TIME_ENTRY_AUDITED, delete_entry, insert_time_entry
from coresearch.domain.payments.tables import EntrySource, TimeEntry
from coresearch.lib.records import locked, now


async def sync_attendance(
    *,
    actor: audit.Actor,
    project_id: UUID,
    meeting_id: UUID,
    coresearcher_id: UUID,
    worked_on: date,
    minutes: int,
    mode: str | None,
) -> None:
    """Keep a person's attendance entry for a meeting in step with their attendance.

    Called by the work area inside its attendance transaction, and when a meeting's times or
    breaks change. Attended (`mode` given) with an active agreement covering the day: the
    unclaimed entry is created or updated; absent (`mode` None), or a day no active agreement
    covers (a meeting moved): the unclaimed entry is deleted. A claimed entry is never touched.
    """
    where = (
        (TimeEntry.meeting == meeting_id)
        & (TimeEntry.coresearcher == coresearcher_id)
        & (TimeEntry.source == EntrySource.attendance.value)
    )
    before = await locked(TimeEntry.select().where(where)).first()
    if before is not None and before["claim_id"] is not None:
        return
    if mode is None or not await agreements.active_on(
        project_id=project_id, coresearcher_id=coresearcher_id, day=worked_on
    ):
        if before is not None:
            await delete_entry(before, actor)
        return
    if before is None:
        moment = now()
        await insert_time_entry(
            TimeEntry(
                project=project_id,
                coresearcher=coresearcher_id,
                worked_on=worked_on,
                minutes=minutes,
                mode=mode,
                source=EntrySource.attendance.value,
                meeting=meeting_id,
                recorded_by=actor.id,
                created_at=moment,
                updated_at=moment,
            ),
            actor,
        )
        return
    await audit.update_audited(
        TimeEntry,
        before=before,
        changes={"worked_on": worked_on, "minutes": minutes, "mode": mode},
        actor=actor,
        action="time_entry.update",
        entity="time_entry",
        fields=TIME_ENTRY_AUDITED,
    )
