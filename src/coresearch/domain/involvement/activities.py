"""The involvement log: activities, who took part, and what changed because of them.

Lists are newest first: by `occurred_on` descending, ties broken by id descending. The cursor
holds the last activity's day and id, so a page never repeats or skips an activity that existed
when the first page was read, whatever is logged in between. A project's page is one statement:
the activities (on the `(project, occurred_on, id)` index) with each one's participants.
"""

from __future__ import annotations

from collections import defaultdict
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
from coresearch.domain.involvement.tables import Activity, ActivityKind, ActivityParticipant
from coresearch.domain.projects.access import (
    LEAD_ONLY,
    ProjectAccess,
    has_oversight,
    member_project_ids,
    project_access,
)
from coresearch.domain.projects.tables import Level, MemberRole, Membership, Phase
from coresearch.lib.db import current_engine, transaction
from coresearch.lib.pagination import Page, check_limit, decode_cursor, page_of
from coresearch.lib.periods import check_period
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
_PARTICIPANTS = 'SELECT ap."user" FROM activity_participants ap WHERE ap.activity = a.id ORDER BY ap."user"'
PAGE_SQL = {
    "postgres": _PAGE.format(participants=f"ARRAY({_PARTICIPANTS})"),
    "sqlite": _PAGE.format(participants=f'(SELECT json_group_array("user") FROM ({_PARTICIPANTS}))'),
}
TOOK_PART_SQL = 'a.id IN (SELECT activity FROM activity_participants WHERE "user" = {})'


def _to_activity(row: dict[str, Any], participant_ids: list[UUID]) -> s.Activity:
    return s.Activity(
        id=row["id"],
        project_id=row["project"],
        phase=Phase(row["phase"]),
        kind=ActivityKind(row["kind"]),
        occurred_on=row["occurred_on"],
        level=Level(row["level"]),
        participant_ids=sorted(participant_ids),
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


def _audited(row: dict[str, Any], participant_ids: list[UUID]) -> dict[str, Any]:
    return {
        **{name: row[name] for name in ACTIVITY_FIELDS},
        "participant_ids": [str(user_id) for user_id in sorted(participant_ids)],
    }


def _took_part(user_id: UUID) -> Where:
    return Activity.id.is_in(
        ActivityParticipant.select(ActivityParticipant.activity).where(ActivityParticipant.user == user_id)
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


async def _participants_of(activity_ids: list[UUID]) -> dict[UUID, list[UUID]]:
    """The participants of each activity, sorted, in one query."""
    if not activity_ids:
        return {}
    rows = await ActivityParticipant.select(ActivityParticipant.activity, ActivityParticipant.user).where(
        ActivityParticipant.activity.is_in(activity_ids)
    )
    participants: dict[UUID, list[UUID]] = defaultdict(list)
    for row in rows:
        participants[row["activity"]].append(row["user"])
    return {activity_id: sorted(users) for activity_id, users in participants.items()}


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
        (ActivityParticipant.activity == activity_id) & (ActivityParticipant.user == principal.id)
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
        await ActivityParticipant.insert(
            *[ActivityParticipant(activity=activity.id, user=user_id) for user_id in participant_ids]
        )
        row = await Activity.select().where(Activity.id == activity.id).first()
        await audit.record(
            actor=actor_of(principal),
            action="activity.create",
            entity="activity",
            entity_id=activity.id,
            after={"project_id": str(project_id), **_audited(row, participant_ids)},
        )
    return _to_activity(row, participant_ids)


async def get_activity(*, principal: Principal, activity_id: UUID) -> s.Activity:
    """Return an activity the caller may see."""
    row, _ = await _activity_in_reach(principal=principal, activity_id=activity_id)
    participants = await _participants_of([activity_id])
    return _to_activity(row, participants.get(activity_id, []))


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
    check_period(from_day, to_day)
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
    return page_of(rows, limit, sort_key="occurred_on", convert=_page_item)


async def update_activity(*, principal: Principal, activity_id: UUID, data: s.ActivityUpdate) -> s.Activity:
    """Change an activity (lead); participants added must be current members of the project."""
    changes = set_fields(data)
    if "occurred_on" in changes:
        _check_day(changes["occurred_on"])
    async with transaction():
        before, _ = await _activity_in_reach(
            principal=principal, activity_id=activity_id, allowed=LEAD_ONLY, lock=True
        )
        before_participants = (await _participants_of([activity_id])).get(activity_id, [])
        after_participants = before_participants
        if "participant_ids" in changes:
            after_participants = await _checked_participants(
                project_id=before["project"],
                participant_ids=changes.pop("participant_ids"),
                keep=before_participants,
            )
            removed = set(before_participants) - set(after_participants)
            added = set(after_participants) - set(before_participants)
            if removed:
                await ActivityParticipant.delete().where(
                    (ActivityParticipant.activity == activity_id)
                    & ActivityParticipant.user.is_in(list(removed))
                )
            if added:
                await ActivityParticipant.insert(
                    *[ActivityParticipant(activity=activity_id, user=user_id) for user_id in added]
                )
        if changes or after_participants != before_participants:
            await Activity.update({**changes, "updated_at": now()}).where(Activity.id == activity_id)
        after = await Activity.select().where(Activity.id == activity_id).first()
        if _audited(before, before_participants) != _audited(after, after_participants):
            await audit.record(
                actor=actor_of(principal),
                action="activity.update",
                entity="activity",
                entity_id=activity_id,
                before=_audited(before, before_participants),
                after=_audited(after, after_participants),
            )
    return _to_activity(after, after_participants)


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
