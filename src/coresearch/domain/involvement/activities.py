"""The involvement log: activities, who took part, and what changed because of them.

Lists are newest first: by `occurred_on` descending, ties broken by id descending. The cursor
holds the last activity's day and id, so a page never repeats or skips an activity that existed
when the first page was read, whatever is logged in between. A page is one statement (`queries.py`):
a project's activities on `(project, occurred_on, id)`, one person's on their participant rows,
which carry the activity's project and day (kept in step here), each with its participants.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec
from piccolo.query.functions.aggregate import Count
from piccolo.querystring import QueryString

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.involvement import schemas as s
from coresearch.domain.involvement.participants import (
    NOBODY,
    Participants,
    confirm,
    confirmed_when_named,
    participants_of,
    replace_participants,
    sees_pending,
    show_pending,
)
from coresearch.domain.involvement.queries import (
    IMPACT_SQL,
    IN_MEMBER_PROJECTS_SQL,
    PAGE_SQL,
    PERSON_PAGE_SQL,
    PERSON_SQL,
    TOOK_PART_SQL,
)
from coresearch.domain.involvement.tables import Activity, ActivityParticipant
from coresearch.domain.payments.sources import sync_source
from coresearch.domain.payments.tables import EntrySource
from coresearch.domain.projects.access import (
    LEAD_ONLY,
    STAFF,
    ProjectAccess,
    has_oversight,
    project_access,
)
from coresearch.domain.projects.tables import MemberRole, Membership
from coresearch.domain.work import meetings
from coresearch.lib.db import current_engine, transaction
from coresearch.lib.pagination import Page, check_limit, decode_cursor, page_of
from coresearch.lib.periods import check_period
from coresearch.lib.problems import Forbidden, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one, set_fields, today

ACTIVITY_FIELDS = (
    "phase",
    "kind",
    "occurred_on",
    "level",
    "minutes",
    "summary",
    "hoped_to_influence",
    "what_changed",
    "why_it_matters",
    "meeting",
)
# Involvement is logged after the fact; a day of slack covers time zones and evening entries.
FUTURE_SLACK = timedelta(days=1)
EARLIEST_DAY = date(2000, 1, 1)


def _to_activity(row: dict[str, Any], participants: Participants, with_pending: bool) -> s.Activity:
    return msgspec.convert(
        {
            **row,
            "project_id": row["project"],
            "meeting_id": row["meeting"],
            "participant_ids": participants.confirmed,
            "pending_participant_ids": participants.pending if with_pending else [],
        },
        s.Activity,
    )


def _page_item(row: dict[str, Any]) -> s.Activity:
    """An activity from a `PAGE_SQL` row (SQLite's participants arrive as JSON text)."""
    if isinstance(row["participant_ids"], str):
        row["participant_ids"] = sorted(msgspec.json.decode(row["participant_ids"], type=list[UUID]))
    return msgspec.convert(row, s.Activity)


def _to_impact(row: dict[str, Any]) -> s.ImpactEntry:
    return msgspec.convert({**row, "activity_id": row["id"], "project_id": row["project"]}, s.ImpactEntry)


def _audited_participants(participants: Participants) -> dict[str, Any]:
    return {
        "participant_ids": [str(user_id) for user_id in participants.confirmed],
        "pending_participant_ids": [str(user_id) for user_id in participants.pending],
    }


def _audited(row: dict[str, Any], participants: Participants) -> dict[str, Any]:
    return {**{name: row[name] for name in ACTIVITY_FIELDS}, **_audited_participants(participants)}


def _after(cursor: str, *, day: str, row_id: str) -> QueryString:
    """The rows after the cursor's position, newest first, on the given day and id columns.

    The redundant `day <= cursor day` bounds the index range; the rest only filters that day.
    """
    cursor_day, last_id = decode_cursor(cursor, date)
    return QueryString(
        f"{day} <= {{}} AND ({day} < {{}} OR {row_id} < {{}})", cursor_day, cursor_day, last_id
    )


def _all_of(conditions: list[QueryString]) -> QueryString:
    return QueryString(" AND ".join(["{}"] * len(conditions)), *conditions)


def _check_day(occurred_on: date) -> None:
    """422 unless the day is plausible: not before 2000 and not more than a day ahead."""
    latest = today() + FUTURE_SLACK
    if not EARLIEST_DAY <= occurred_on <= latest:
        raise Unprocessable(
            "An activity is logged for a day it took place",
            errors=[
                {
                    "field": "occurred_on",
                    "message": f"must be between {EARLIEST_DAY.isoformat()} and {latest.isoformat()}",
                }
            ],
        )


async def _checked_participants(
    *, project_id: UUID, participant_ids: Iterable[UUID], keep: Iterable[UUID] = ()
) -> list[UUID]:
    """The distinct participants, sorted; 422 unless each is a current member of the project.

    Those in `keep` (already participants) may stay although they have left the project since.
    """
    wanted = sorted(set(participant_ids))
    to_check = sorted(set(wanted) - set(keep))
    members: set[UUID] = set()
    if to_check:
        rows = await Membership.select(Membership.user).where(
            (Membership.project == project_id) & Membership.user.is_in(to_check)
        )
        members = {row["user"] for row in rows}
    strangers = [str(user_id) for user_id in to_check if user_id not in members]
    if strangers:
        raise Unprocessable(
            "Every participant must be a member of the project",
            errors=[
                {
                    "field": "participant_ids",
                    "message": "not members of this project: " + ", ".join(strangers),
                }
            ],
        )
    return wanted


async def _check_meeting(*, project_id: UUID, meeting_id: UUID | None) -> None:
    """422 unless the meeting an activity records is one of the project's, not cancelled."""
    if meeting_id is not None and not await meetings.is_open_meeting_of(
        project_id=project_id, meeting_id=meeting_id
    ):
        raise Unprocessable(
            "An activity can only record a meeting of its own project",
            errors=[
                {"field": "meeting_id", "message": "must be a meeting of this project that was not cancelled"}
            ],
        )


async def _activity_in_reach(
    *,
    principal: Principal,
    activity_id: UUID,
    allowed: tuple[MemberRole, ...] | None = None,
    lock: bool = False,
) -> tuple[dict[str, Any], ProjectAccess]:
    """The activity and the caller's access to its project.

    404 unless the caller may see the activity (co-researchers see only those they took part
    in); then 403 unless they act in one of the `allowed` roles.
    """
    query = Activity.select().where(Activity.id == activity_id)
    row = await (locked(query) if lock else query).first()
    if row is None:
        raise NotFound("No such activity")
    try:
        access = await project_access(principal=principal, project_id=row["project"])
    except NotFound:
        raise NotFound("No such activity") from None
    if access.acting_role == MemberRole.co_researcher and not await ActivityParticipant.exists().where(
        (ActivityParticipant.activity == activity_id)
        & (ActivityParticipant.user == principal.id)
        & ActivityParticipant.confirmed.eq(True)
    ):
        raise NotFound("No such activity")
    if allowed is not None and access.acting_role not in allowed:
        raise Forbidden("Your role in this project does not allow this")
    return row, access


async def create_activity(*, principal: Principal, project_id: UUID, data: s.ActivityCreate) -> s.Activity:
    """Log an activity (project members; a co-researcher only one they took part in)."""
    access = await project_access(principal=principal, project_id=project_id)
    _check_day(data.occurred_on)
    if access.acting_role == MemberRole.co_researcher and principal.id not in data.participant_ids:
        raise Unprocessable(
            "Co-researchers log the activities they took part in",
            errors=[{"field": "participant_ids", "message": "must include your own user id"}],
        )
    async with transaction():
        await _check_meeting(project_id=project_id, meeting_id=data.meeting_id)
        participant_ids = await _checked_participants(
            project_id=project_id, participant_ids=data.participant_ids
        )
        moment = now()
        activity = Activity(
            project=project_id,
            phase=data.phase.value,
            kind=data.kind.value,
            occurred_on=data.occurred_on,
            level=data.level.value,
            minutes=data.minutes,
            summary=data.summary,
            hoped_to_influence=data.hoped_to_influence,
            what_changed=data.what_changed,
            why_it_matters=data.why_it_matters,
            meeting=data.meeting_id,
            created_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        await activity.save()
        confirmed = confirmed_when_named(access=access, principal=principal, participant_ids=participant_ids)
        await ActivityParticipant.insert(
            *[
                ActivityParticipant(
                    activity=activity.id,
                    user=user_id,
                    confirmed=confirmed[user_id],
                    project=project_id,
                    occurred_on=data.occurred_on,
                )
                for user_id in participant_ids
            ]
        )
        participants = Participants(
            confirmed=[u for u in participant_ids if confirmed[u]],
            pending=[u for u in participant_ids if not confirmed[u]],
        )
        row = await one(Activity.select().where(Activity.id == activity.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="activity.create",
            entity="activity",
            entity_id=activity.id,
            after={"project_id": str(project_id), **_audited(row, participants)},
        )
        await _sync_entries(principal=principal, activity=row, participants=participants)
    return _to_activity(row, participants, with_pending=True)


async def _sync_entries(
    *, principal: Principal, activity: dict[str, Any], participants: Participants
) -> None:
    """Keep the time entries of the activity's confirmed participants in step (inside the caller's
    transaction): its minutes on its day; the payments area creates them only for co-researchers
    with an active agreement that day. An activity that records a meeting has none: the meeting's
    attendance pays the time, and its unclaimed entries go (claimed ones stay)."""
    people = (
        {}
        if activity["meeting"] is not None
        else {user_id: (activity["occurred_on"], activity["minutes"]) for user_id in participants.confirmed}
    )
    await sync_source(
        actor=actor_of(principal),
        project_id=activity["project"],
        source=EntrySource.activity,
        record_id=activity["id"],
        people=people,
        description=activity["summary"],
    )


async def get_activity(*, principal: Principal, activity_id: UUID) -> s.Activity:
    """Return an activity the caller may see."""
    row, access = await _activity_in_reach(principal=principal, activity_id=activity_id)
    participants = (await participants_of([activity_id])).get(activity_id, NOBODY)
    return _to_activity(
        row, participants, sees_pending(access=access, principal=principal, created_by=row["created_by"])
    )


async def list_activities(
    *, principal: Principal, project_id: UUID, filters: s.ActivityFilters
) -> Page[s.Activity]:
    """Return a project's activities, newest first; co-researchers see only those they took part
    in. `from_day` and `to_day` are both included."""
    limit, cursor = filters.limit, filters.cursor
    phase, level, kind = filters.phase, filters.level, filters.kind
    from_day, to_day, participant_id = filters.from_day, filters.to_day, filters.participant_id
    check_limit(limit)
    check_period(from_day, to_day)
    access = await project_access(principal=principal, project_id=project_id)
    person = principal.id if access.acting_role == MemberRole.co_researcher else participant_id
    if person is None:
        page_sql, day, row_id = PAGE_SQL, "a.occurred_on", "a.id"
        conditions = [QueryString("a.project = {}", project_id)]
    else:
        page_sql, day, row_id = PERSON_PAGE_SQL, "me.occurred_on", "me.activity"
        conditions = [QueryString(PERSON_SQL, person), QueryString("me.project = {}", project_id)]
        if participant_id is not None and participant_id != person:
            conditions.append(QueryString(TOOK_PART_SQL, participant_id))
    if phase is not None:
        conditions.append(QueryString("a.phase = {}", phase.value))
    if level is not None:
        conditions.append(QueryString("a.level = {}", level.value))
    if kind is not None:
        conditions.append(QueryString("a.kind = {}", kind.value))
    if from_day is not None:
        conditions.append(QueryString(f"{day} >= {{}}", from_day))
    if to_day is not None:
        conditions.append(QueryString(f"{day} <= {{}}", to_day))
    if cursor:
        conditions.append(_after(cursor, day=day, row_id=row_id))
    rows = await Activity.raw(page_sql[current_engine().engine_type], _all_of(conditions), limit + 1)
    page = page_of(rows, limit, sort_key="occurred_on", convert=_page_item)
    await show_pending(items=page.items, access=access, principal=principal)
    return page


async def update_activity(*, principal: Principal, activity_id: UUID, data: s.ActivityUpdate) -> s.Activity:
    """Change an activity (lead); participants added must be current members of the project."""
    changes = set_fields(data)
    if "occurred_on" in changes:
        _check_day(changes["occurred_on"])
    async with transaction():
        before, _ = await _activity_in_reach(
            principal=principal, activity_id=activity_id, allowed=LEAD_ONLY, lock=True
        )
        if "meeting_id" in changes:
            changes["meeting"] = changes.pop("meeting_id")
            await _check_meeting(project_id=before["project"], meeting_id=changes["meeting"])
        before_participants = (await participants_of([activity_id])).get(activity_id, NOBODY)
        after_participants = before_participants
        if "participant_ids" in changes:
            wanted = await _checked_participants(
                project_id=before["project"],
                participant_ids=changes.pop("participant_ids"),
                keep=before_participants.everyone,
            )
            after_participants = await replace_participants(
                activity_id=activity_id,
                before=before_participants,
                wanted=wanted,
                project_id=before["project"],
                occurred_on=changes.get("occurred_on", before["occurred_on"]),
            )
        if "occurred_on" in changes and changes["occurred_on"] != before["occurred_on"]:
            # The participants' copy of the day orders their pages: keep it in step.
            await ActivityParticipant.update({ActivityParticipant.occurred_on: changes["occurred_on"]}).where(
                ActivityParticipant.activity == activity_id
            )
        after = await audit.update_audited(
            Activity,
            before=before,
            changes=changes,
            actor=actor_of(principal),
            action="activity.update",
            entity="activity",
            fields=ACTIVITY_FIELDS,
            related=(_audited_participants(before_participants), _audited_participants(after_participants)),
        )
        await _sync_entries(principal=principal, activity=after, participants=after_participants)
    return _to_activity(after, after_participants, with_pending=True)


async def confirm_participant(*, principal: Principal, activity_id: UUID, user_id: UUID) -> s.Activity:
    """Confirm a participant a co-researcher named (project staff); confirming twice changes nothing."""
    async with transaction():
        row, _ = await _activity_in_reach(
            principal=principal, activity_id=activity_id, allowed=STAFF, lock=True
        )
        before = (await participants_of([activity_id])).get(activity_id, NOBODY)
        if user_id not in before.everyone:
            raise NotFound("No such participant of this activity")
        after = await confirm(activity_id=activity_id, user_id=user_id, before=before)
        if after != before:
            await Activity.update({Activity.updated_at: now()}).where(Activity.id == activity_id)
            row = await one(Activity.select().where(Activity.id == activity_id).first())
        await audit.record(
            actor=actor_of(principal),
            action="activity.participant_confirm",
            entity="activity",
            entity_id=activity_id,
            before=_audited(row, before),
            after=_audited(row, after),
        )
        await _sync_entries(principal=principal, activity=row, participants=after)
    return _to_activity(row, after, with_pending=True)


async def list_my_impact(*, principal: Principal, filters: s.ImpactFilters) -> Page[s.ImpactEntry]:
    """Return the activities the caller took part in, in projects they can still see, newest
    first; with `only_with_change`, only those where something is recorded as changed."""
    limit, cursor, only_with_change = filters.limit, filters.cursor, filters.only_with_change
    check_limit(limit)
    conditions = [QueryString(PERSON_SQL, principal.id)]
    if not has_oversight(principal):
        conditions.append(QueryString(IN_MEMBER_PROJECTS_SQL[current_engine().engine_type]))
    if only_with_change:
        conditions.append(QueryString("a.what_changed <> ''"))
    if cursor:
        conditions.append(_after(cursor, day="me.occurred_on", row_id="me.activity"))
    rows = await Activity.raw(IMPACT_SQL, _all_of(conditions), limit + 1)
    return page_of(rows, limit, sort_key="occurred_on", convert=_to_impact)


async def contributions_of(*, project_id: UUID, user_id: UUID) -> list[s.ContributionCount]:
    """The activities a person took part in (confirmed) in a project, counted per phase and kind,
    in one query whatever their number (the certificate of participation reads it; the caller
    has checked access)."""
    p = ActivityParticipant
    rows = await (
        p.select(
            p.activity.phase.as_alias("phase"), p.activity.kind.as_alias("kind"), Count(alias="activities")
        )
        .where((p.user == user_id) & (p.project == project_id) & (p.confirmed == True))  # noqa: E712
        .group_by(p.activity.phase, p.activity.kind)
    )
    return [msgspec.convert(row, s.ContributionCount) for row in rows]
