"""Meetings of a project's research group and who attended them.

Meeting ids are stable: papers and minutes will attach to them as documents. Attendance rows
are kept as recorded (attended or not, in person or remote); in the same transaction the payments
area keeps the person's time entry for the meeting in step (the meeting's minutes less breaks and
the mode, on its UTC day; the rate rules apply when a claim computes the amount).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import msgspec
from piccolo.query.functions.aggregate import Count

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.notifications import events as notices
from coresearch.domain.payments import attendance as payments_attendance
from coresearch.domain.payments import benefits
from coresearch.domain.projects.access import STAFF, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.domain.work import schemas as s
from coresearch.domain.work.common import members_by_id
from coresearch.domain.work.tables import Attendance, AttendanceMode, Meeting
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.periods import check_period
from coresearch.lib.problems import Conflict, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one, set_fields

MEETING_FIELDS = ("title", "phase", "starts_at", "ends_at", "location", "break_minutes", "agenda")
LONGEST_MEETING = timedelta(hours=24)


def _to_meeting(row: dict[str, Any]) -> s.Meeting:
    return msgspec.convert({**row, "project_id": row["project"]}, s.Meeting)


def _check_times(starts_at: datetime, ends_at: datetime, break_minutes: int) -> None:
    """422 unless the meeting ends after it starts, lasts at most 24 h and its breaks fit in it."""
    duration = ends_at - starts_at
    if duration <= timedelta(0):
        raise Unprocessable(
            "A meeting must end after it starts",
            errors=[{"field": "ends_at", "message": "must be after starts_at"}],
        )
    if duration > LONGEST_MEETING:
        raise Unprocessable(
            "A meeting can last at most 24 hours",
            errors=[{"field": "ends_at", "message": "must be at most 24 hours after starts_at"}],
        )
    if timedelta(minutes=break_minutes) > duration:
        raise Unprocessable(
            "The breaks cannot be longer than the meeting",
            errors=[{"field": "break_minutes", "message": "must not exceed the meeting's duration"}],
        )


def _utc(moment: datetime, field: str) -> datetime:
    """The moment in UTC; 422 when that falls outside the calendar (years 1 to 9999)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise Unprocessable(
            "The time is out of range", errors=[{"field": field, "message": "must be within years 1 to 9999"}]
        ) from None


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


async def _meeting_in_reach(
    *,
    principal: Principal,
    meeting_id: UUID,
    allowed: tuple[MemberRole, ...] | None = None,
    lock: bool = False,
) -> dict[str, Any]:
    """The meeting; 404 unless the caller sees its project, 403 unless they act in `allowed`."""
    query = Meeting.select().where(Meeting.id == meeting_id)
    row = await (locked(query) if lock else query).first()
    if row is None:
        raise NotFound("No such meeting")
    try:
        await project_access(principal=principal, project_id=row["project"], allowed=allowed)
    except NotFound:
        raise NotFound("No such meeting") from None
    return row


async def create_meeting(*, principal: Principal, project_id: UUID, data: s.MeetingCreate) -> s.Meeting:
    """Plan a meeting in a project (project staff); times are stored in UTC."""
    await project_access(principal=principal, project_id=project_id, allowed=STAFF)
    starts_at, ends_at = _utc(data.starts_at, "starts_at"), _utc(data.ends_at, "ends_at")
    _check_times(starts_at, ends_at, data.break_minutes)
    async with transaction():
        moment = now()
        meeting = Meeting(
            project=project_id,
            title=data.title,
            phase=data.phase.value,
            starts_at=starts_at,
            ends_at=ends_at,
            location=data.location,
            break_minutes=data.break_minutes,
            agenda=data.agenda,
            created_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        await meeting.save()
        row = await one(Meeting.select().where(Meeting.id == meeting.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="meeting.create",
            entity="meeting",
            entity_id=meeting.id,
            after={"project_id": str(project_id), **{name: row[name] for name in MEETING_FIELDS}},
        )
        await notices.meeting_scheduled(meeting=row, actor_id=principal.id)
    return _to_meeting(row)


async def get_meeting(*, principal: Principal, meeting_id: UUID) -> s.Meeting:
    """Return a meeting of a project the caller may see."""
    return _to_meeting(await _meeting_in_reach(principal=principal, meeting_id=meeting_id))


async def is_open_meeting_of(*, project_id: UUID, meeting_id: UUID) -> bool:
    """Whether the meeting is one of the project's and not cancelled (the involvement area links
    an activity to the meeting it records; the caller has checked access to the project)."""
    return await Meeting.exists().where(
        (Meeting.id == meeting_id) & (Meeting.project == project_id) & Meeting.cancelled_at.is_null()
    )


async def list_meetings(
    *, principal: Principal, project_id: UUID, filters: s.MeetingFilters
) -> Page[s.Meeting]:
    """Return a project's meetings by start time; `from_day`..`to_day` are UTC days, inclusive."""
    check_limit(filters.limit)
    check_period(filters.from_day, filters.to_day)
    await project_access(principal=principal, project_id=project_id)
    query = Meeting.select().where(Meeting.project == project_id)
    if filters.phase is not None:
        query = query.where(Meeting.phase == filters.phase.value)
    if filters.from_day is not None:
        query = query.where(Meeting.starts_at >= _start_of_day(filters.from_day))
    if filters.to_day is not None and filters.to_day < date.max:
        query = query.where(Meeting.starts_at < _start_of_day(filters.to_day + timedelta(days=1)))
    query = keyset(query, filters.cursor, sort=Meeting.starts_at, sort_type=datetime, id_column=Meeting.id)
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="starts_at", convert=_to_meeting)


async def update_meeting(*, principal: Principal, meeting_id: UUID, data: s.MeetingUpdate) -> s.Meeting:
    """Change a meeting (project staff); the times are checked as they will be after the change,
    and the unclaimed time entries of those who attended follow new times or breaks."""
    changes = set_fields(data)
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = _utc(changes[name], name)
    async with transaction():
        before = await _meeting_in_reach(principal=principal, meeting_id=meeting_id, allowed=STAFF, lock=True)
        if before["cancelled_at"] is not None:
            raise Conflict("The meeting is cancelled")
        merged = {**before, **changes}
        _check_times(merged["starts_at"], merged["ends_at"], merged["break_minutes"])
        if notices.moves(before, changes):
            changes["sequence"] = before["sequence"] + 1
        after = await audit.update_audited(
            Meeting,
            before=before,
            changes=changes,
            actor=actor_of(principal),
            action="meeting.update",
            entity="meeting",
            fields=MEETING_FIELDS,
        )
        if any(after[name] != before[name] for name in ("starts_at", "ends_at", "break_minutes")):
            # The attendance entries follow the meeting's minutes and day (claimed ones stay).
            present = await Attendance.select(Attendance.user, Attendance.mode).where(
                (Attendance.meeting == meeting_id) & Attendance.attended.eq(True)
            )
            for row in present:
                await _sync_entry(principal=principal, meeting=after, user_id=row["user"], mode=row["mode"])
        await notices.meeting_changed(before=before, after=after, actor_id=principal.id)
    return _to_meeting(after)


async def cancel_meeting(*, principal: Principal, meeting_id: UUID) -> s.Meeting:
    """Cancel a meeting (project staff); it stays, marked cancelled, and can no longer change."""
    async with transaction():
        before = await _meeting_in_reach(principal=principal, meeting_id=meeting_id, allowed=STAFF, lock=True)
        if before["cancelled_at"] is not None:
            raise Conflict("The meeting is already cancelled")
        after = await audit.update_audited(
            Meeting,
            before=before,
            changes={"cancelled_at": now(), "sequence": before["sequence"] + 1},
            actor=actor_of(principal),
            action="meeting.cancel",
            entity="meeting",
            fields=("cancelled_at",),
        )
        await notices.meeting_cancelled(meeting=after, actor_id=principal.id)
    return _to_meeting(after)


def _to_attendance(row: dict[str, Any], meeting_id: UUID, full_name: str) -> s.Attendance:
    return s.Attendance(
        meeting_id=meeting_id,
        user_id=row["user"],
        full_name=full_name,
        attended=bool(row["attended"]),
        mode=AttendanceMode(row["mode"]) if row["mode"] else None,
        recorded_at=row["recorded_at"],
    )


async def put_attendance(
    *,
    principal: Principal,
    meeting_id: UUID,
    user_id: UUID,
    data: s.AttendancePut,
    terms: benefits.WarningTerms | None = None,
) -> s.Attendance:
    """Record whether a co-researcher member attended, and how (project staff); an upsert.

    With `terms`, the answer warns when the person is on AAP and the meeting's period is over the
    warning share (the attendance is recorded all the same)."""
    if data.attended and data.mode is None:
        raise Unprocessable(
            "Say how the meeting was attended",
            errors=[{"field": "mode", "message": "required when attended is true"}],
        )
    if not data.attended and data.mode is not None:
        raise Unprocessable(
            "Someone absent has no attendance mode",
            errors=[{"field": "mode", "message": "must be null when attended is false"}],
        )
    async with transaction():
        meeting = await _meeting_in_reach(principal=principal, meeting_id=meeting_id, allowed=STAFF)
        member = (await members_by_id(principal=principal, project_id=meeting["project"])).get(user_id)
        if member is None or member.role != MemberRole.co_researcher.value:
            raise Unprocessable(
                "Attendance is recorded for co-researcher members of the project",
                errors=[{"field": "user_id", "message": "not a co-researcher member of this project"}],
            )
        where = (Attendance.meeting == meeting_id) & (Attendance.user == user_id)
        before = await Attendance.select().where(where).first()
        mode = data.mode.value if data.mode else None
        await Attendance.insert(
            Attendance(meeting=meeting_id, user=user_id, attended=data.attended, mode=mode, recorded_at=now())
        ).on_conflict(
            target=(Attendance.meeting, Attendance.user),
            action="DO UPDATE",
            values=[Attendance.attended, Attendance.mode, Attendance.recorded_at],
        )
        after = await one(Attendance.select().where(where).first())
        fields = ("attended", "mode")
        if before is None or any(before[f] != after[f] for f in fields):
            await audit.record(
                actor=actor_of(principal),
                action="meeting.attendance",
                entity="meeting",
                entity_id=meeting_id,
                before={f: before[f] for f in fields} if before else None,
                after={f: after[f] for f in fields},
                about={"user_id": str(user_id)},
            )
        await _sync_entry(principal=principal, meeting=meeting, user_id=user_id, mode=mode)
    recorded = _to_attendance(after, meeting_id, member.full_name)
    if terms is not None and mode is not None:
        recorded.benefit_warning = await benefits.crossing(
            principal=principal, coresearcher_id=user_id, day=_day_of(meeting), extra_minutes=0, terms=terms
        )
    return recorded


def _day_of(meeting: dict[str, Any]) -> date:
    """The UTC day a meeting's time entries are dated."""
    starts_at: datetime = meeting["starts_at"]
    return starts_at.astimezone(UTC).date()


async def _sync_entry(
    *, principal: Principal, meeting: dict[str, Any], user_id: UUID, mode: str | None
) -> None:
    """Keep the person's time entry for the meeting in step (inside the caller's transaction):
    the meeting's minutes less breaks, on its UTC day; `mode` None: absent."""
    await payments_attendance.sync_attendance(
        actor=actor_of(principal),
        project_id=meeting["project"],
        meeting_id=meeting["id"],
        coresearcher_id=user_id,
        worked_on=_day_of(meeting),
        minutes=(meeting["ends_at"] - meeting["starts_at"]) // timedelta(minutes=1)
        - meeting["break_minutes"],
        mode=mode,
    )


async def list_attendance(*, principal: Principal, meeting_id: UUID) -> list[s.Attendance]:
    """Return the attendance recorded for a meeting, by name (project staff)."""
    await _meeting_in_reach(principal=principal, meeting_id=meeting_id, allowed=STAFF)
    rows = await (
        Attendance.select(
            Attendance.user,
            Attendance.user.full_name.as_alias("full_name"),
            Attendance.attended,
            Attendance.mode,
            Attendance.recorded_at,
        )
        .where(Attendance.meeting == meeting_id)
        .order_by(Attendance.user.full_name, Attendance.user)
    )
    return [_to_attendance(row, meeting_id, row["full_name"]) for row in rows]


async def attended_by(*, project_id: UUID, user_id: UUID) -> list[s.PhaseCount]:
    """The project's meetings a person attended that have started, counted per phase, in one query
    (the certificate of participation reads it; the caller has checked access)."""
    rows = await (
        Attendance.select(Attendance.meeting.phase.as_alias("phase"), Count(alias="count"))
        .where(
            (Attendance.user == user_id)
            & (Attendance.attended == True)  # noqa: E712
            & (Attendance.meeting.project == project_id)
            & (Attendance.meeting.starts_at <= now())
        )
        .group_by(Attendance.meeting.phase)
    )
    return [msgspec.convert(row, s.PhaseCount) for row in rows]
