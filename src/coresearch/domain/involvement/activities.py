"""The involvement log: activities, who took part, and what changed because of them.

Lists are newest first: by `occurred_on` descending, ties broken by id descending. The cursor
holds the last activity's day and id, so a page never repeats or skips an activity that existed
when the first page was read, whatever is logged in between. A project's page is one statement:
the activities (on the `(project, occurred_on, id)` index) with each one's participants.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec
from piccolo.columns.combination import Where
from piccolo.query import Select
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
from coresearch.domain.involvement.tables import Activity, ActivityKind, ActivityParticipant
from coresearch.domain.projects.access import (
    LEAD_ONLY,
    STAFF,
    ProjectAccess,
    has_oversight,
    member_project_ids,
    project_access,
)
from coresearch.domain.projects.tables import Level, MemberRole, Membership, Phase
from coresearch.lib.db import current_engine, transaction
from coresearch.lib.pagination import Page, check_limit, decode_cursor, page_of
from coresearch.lib.problems import BadRequest, Forbidden, NotFound, Unprocessable
from coresearch.lib.records import locked, now, set_fields, today

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
)
# Involvement is logged after the fact; a day of slack covers time zones and evening entries.
FUTURE_SLACK = timedelta(days=1)
EARLIEST_DAY = date(2000, 1, 1)

# A project's page, the busiest read, is fixed SQL composed from fragments rather than the query
# builder, which nearly doubled its CPU (docs/performance.md). Columns are named as in
# `s.Activity`; participants come sorted, as an array on PostgreSQL and as JSON text on SQLite.
_PAGE = """
SELECT a.id, a.project AS project_id, a.phase, a.kind, a.occurred_on, a.level, a.minutes, a.summary,
       a.hoped_to_influence, a.what_changed, a.why_it_matters, a.created_by, a.created_at,
       a.updated_at, {participants} AS participant_ids
FROM activities a WHERE {{}} ORDER BY a.occurred_on DESC, a.id DESC LIMIT {{}}
"""
# Only confirmed participants count (participants.py).
_PARTICIPANTS = (
    'SELECT ap."user" FROM activity_participants ap WHERE ap.activity = a.id AND ap.confirmed '
    'ORDER BY ap."user"'
)
PAGE_SQL = {
    "postgres": _PAGE.format(participants=f"ARRAY({_PARTICIPANTS})"),
    "sqlite": _PAGE.format(participants=f'(SELECT json_group_array("user") FROM ({_PARTICIPANTS}))'),
}
TOOK_PART_SQL = 'a.id IN (SELECT activity FROM activity_participants WHERE "user" = {} AND confirmed)'


def _to_activity(row: dict[str, Any], participants: Participants, with_pending: bool) -> s.Activity:
    return s.Activity(
        id=row["id"],
        project_id=row["project"],
        phase=Phase(row["phase"]),
        kind=ActivityKind(row["kind"]),
        occurred_on=row["occurred_on"],
        level=Level(row["level"]),
        participant_ids=participants.confirmed,
        pending_participant_ids=participants.pending if with_pending else [],
        minutes=row["minutes"],
        summary=row["summary"],
        hoped_to_influence=row["hoped_to_influence"],
        what_changed=row["what_changed"],
        why_it_matters=row["why_it_matters"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _page_item(row: dict[str, Any]) -> s.Activity:
    """An activity from a `PAGE_SQL` row (SQLite's participants arrive as JSON text)."""
    if isinstance(row["participant_ids"], str):
        row["participant_ids"] = sorted(msgspec.json.decode(row["participant_ids"], type=list[UUID]))
    return msgspec.convert(row, s.Activity)


def _to_impact(row: dict[str, Any]) -> s.ImpactEntry:
    return s.ImpactEntry(
        activity_id=row["id"],
        project_id=row["project"],
        project_title=row["project_title"],
        phase=Phase(row["phase"]),
        kind=ActivityKind(row["kind"]),
        level=Level(row["level"]),
        occurred_on=row["occurred_on"],
        minutes=row["minutes"],
        summary=row["summary"],
        hoped_to_influence=row["hoped_to_influence"],
        what_changed=row["what_changed"],
        why_it_matters=row["why_it_matters"],
    )


def _audited(row: dict[str, Any], participants: Participants) -> dict[str, Any]:
    return {
        **{name: row[name] for name in ACTIVITY_FIELDS},
        "participant_ids": [str(user_id) for user_id in participants.confirmed],
        "pending_participant_ids": [str(user_id) for user_id in participants.pending],
    }


def _took_part(user_id: UUID) -> Where:
    return Activity.id.is_in(
        ActivityParticipant.select(ActivityParticipant.activity).where(
            (ActivityParticipant.user == user_id) & ActivityParticipant.confirmed.eq(True)
        )
    )


def _decode_day_cursor(cursor: str) -> tuple[date, UUID]:
    position = decode_cursor(cursor)
    try:
        return date.fromisoformat(position.sort_value), position.id
    except ValueError:
        raise BadRequest(
            "The cursor is not valid", errors=[{"field": "cursor", "message": "not a cursor"}]
        ) from None


def _newest_first(query: Select, cursor: str | None) -> Select:
    """Order by (occurred_on, id) descending and start after the cursor's position.

    The redundant `occurred_on <= day` bounds the index range; the rest only filters that day.
    """
    query = query.order_by(Activity.occurred_on, Activity.id, ascending=False)
    if not cursor:
        return query
    day, last_id = _decode_day_cursor(cursor)
    return query.where(
        (Activity.occurred_on <= day) & ((Activity.occurred_on < day) | (Activity.id < last_id))
    )


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
            created_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        await activity.save()
        confirmed = confirmed_when_named(access=access, principal=principal, participant_ids=participant_ids)
        await ActivityParticipant.insert(
            *[
                ActivityParticipant(activity=activity.id, user=user_id, confirmed=confirmed[user_id])
                for user_id in participant_ids
            ]
        )
        participants = Participants(
            confirmed=[u for u in participant_ids if confirmed[u]],
            pending=[u for u in participant_ids if not confirmed[u]],
        )
        row = await Activity.select().where(Activity.id == activity.id).first()
        await audit.record(
            actor=actor_of(principal),
            action="activity.create",
            entity="activity",
            entity_id=activity.id,
            after={"project_id": str(project_id), **_audited(row, participants)},
        )
    return _to_activity(row, participants, with_pending=True)


async def get_activity(*, principal: Principal, activity_id: UUID) -> s.Activity:
    """Return an activity the caller may see."""
    row, access = await _activity_in_reach(principal=principal, activity_id=activity_id)
    participants = (await participants_of([activity_id])).get(activity_id, NOBODY)
    return _to_activity(
        row, participants, sees_pending(access=access, principal=principal, created_by=row["created_by"])
    )


async def list_activities(
    *,
    principal: Principal,
    project_id: UUID,
    limit: int,
    cursor: str | None,
    phase: Phase | None = None,
    level: Level | None = None,
    kind: ActivityKind | None = None,
    from_day: date | None = None,
    to_day: date | None = None,
    participant_id: UUID | None = None,
) -> Page[s.Activity]:
    """Return a project's activities, newest first; co-researchers see only those they took part
    in. `from_day` and `to_day` are both included."""
    check_limit(limit)
    if from_day is not None and to_day is not None and from_day > to_day:
        raise BadRequest(
            "The period ends before it starts",
            errors=[{"field": "from", "message": "must be on or before to"}],
        )
    access = await project_access(principal=principal, project_id=project_id)
    conditions = [QueryString("a.project = {}", project_id)]
    if access.acting_role == MemberRole.co_researcher:
        conditions.append(QueryString(TOOK_PART_SQL, principal.id))
    if participant_id is not None:
        conditions.append(QueryString(TOOK_PART_SQL, participant_id))
    if phase is not None:
        conditions.append(QueryString("a.phase = {}", phase.value))
    if level is not None:
        conditions.append(QueryString("a.level = {}", level.value))
    if kind is not None:
        conditions.append(QueryString("a.kind = {}", kind.value))
    if from_day is not None:
        conditions.append(QueryString("a.occurred_on >= {}", from_day))
    if to_day is not None:
        conditions.append(QueryString("a.occurred_on <= {}", to_day))
    if cursor:
        # The redundant `occurred_on <= day` bounds the index range; the rest filters that day.
        day, last_id = _decode_day_cursor(cursor)
        conditions.append(
            QueryString("a.occurred_on <= {} AND (a.occurred_on < {} OR a.id < {})", day, day, last_id)
        )
    where = QueryString(" AND ".join(["{}"] * len(conditions)), *conditions)
    rows = await Activity.raw(PAGE_SQL[current_engine().engine_type], where, limit + 1)
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
        before_participants = (await participants_of([activity_id])).get(activity_id, NOBODY)
        after_participants = before_participants
        if "participant_ids" in changes:
            wanted = await _checked_participants(
                project_id=before["project"],
                participant_ids=changes.pop("participant_ids"),
                keep=before_participants.everyone,
            )
            after_participants = await replace_participants(
                activity_id=activity_id, before=before_participants, wanted=wanted
            )
        if changes or after_participants != before_participants:
            await Activity.update({**changes, "updated_at": now()}).where(Activity.id == activity_id)
        after = await Activity.select().where(Activity.id == activity_id).first()
        await audit.record(
            actor=actor_of(principal),
            action="activity.update",
            entity="activity",
            entity_id=activity_id,
            before=_audited(before, before_participants),
            after=_audited(after, after_participants),
        )
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
            row = await Activity.select().where(Activity.id == activity_id).first()
        await audit.record(
            actor=actor_of(principal),
            action="activity.participant_confirm",
            entity="activity",
            entity_id=activity_id,
            before=_audited(row, before),
            after=_audited(row, after),
        )
    return _to_activity(row, after, with_pending=True)


async def list_my_impact(
    *, principal: Principal, limit: int, cursor: str | None, only_with_change: bool = False
) -> Page[s.ImpactEntry]:
    """Return the activities the caller took part in, in projects they can still see, newest
    first; with `only_with_change`, only those where something is recorded as changed."""
    check_limit(limit)
    query = Activity.select(*Activity.all_columns(), Activity.project.title.as_alias("project_title")).where(
        _took_part(principal.id)
    )
    if not has_oversight(principal):
        project_ids = await member_project_ids(user_id=principal.id)
        if not project_ids:
            return Page(items=[], next_cursor=None)
        query = query.where(Activity.project.is_in(project_ids))
    if only_with_change:
        query = query.where(Activity.what_changed != "")
    rows = await _newest_first(query, cursor).limit(limit + 1)
    return page_of(rows, limit, sort_key="occurred_on", convert=_to_impact)
