"""Who took part in an activity, and the rule that makes naming someone else a proposal.

Project staff (lead and researcher members, and oversight, who act as lead) name participants
outright. A co-researcher may name themselves; anyone else they name is pending until staff
confirm them, because a participant's record (`/me/impact`, reports, certificates) is theirs and
another co-researcher must not be able to write into it. Only confirmed participants count
anywhere: an activity's `participant_ids`, who may see it, `/me/impact`, the `participant_id`
filter. Pending names are shown to staff and to whoever logged the activity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.involvement import schemas as s
from coresearch.domain.involvement.tables import ActivityParticipant
from coresearch.domain.projects.access import STAFF, ProjectAccess


class Participants(msgspec.Struct, frozen=True):
    """The confirmed and the pending participants of one activity, each sorted."""

    confirmed: list[UUID]
    pending: list[UUID]

    @property
    def everyone(self) -> list[UUID]:
        """Confirmed and pending together, sorted."""
        return sorted([*self.confirmed, *self.pending])


NOBODY = Participants(confirmed=[], pending=[])


def confirmed_when_named(
    *, access: ProjectAccess, principal: Principal, participant_ids: Iterable[UUID]
) -> dict[UUID, bool]:
    """Whether each person the caller names is confirmed at once: everyone when staff name them,
    only the caller themselves when a co-researcher does."""
    staff = access.acting_role in STAFF
    return {user_id: staff or user_id == principal.id for user_id in participant_ids}


def sees_pending(*, access: ProjectAccess, principal: Principal, created_by: UUID | None) -> bool:
    """Staff see who is pending confirmation, and so does whoever logged the activity."""
    return access.acting_role in STAFF or created_by == principal.id


async def participants_of(activity_ids: list[UUID]) -> dict[UUID, Participants]:
    """The confirmed and pending participants of each activity, in one query."""
    if not activity_ids:
        return {}
    rows = await ActivityParticipant.select(
        ActivityParticipant.activity, ActivityParticipant.user, ActivityParticipant.confirmed
    ).where(ActivityParticipant.activity.is_in(activity_ids))
    confirmed: dict[UUID, list[UUID]] = defaultdict(list)
    pending: dict[UUID, list[UUID]] = defaultdict(list)
    for row in rows:
        (confirmed if row["confirmed"] else pending)[row["activity"]].append(row["user"])
    return {
        activity_id: Participants(
            confirmed=sorted(confirmed.get(activity_id, [])), pending=sorted(pending.get(activity_id, []))
        )
        for activity_id in {*confirmed, *pending}
    }


async def show_pending(*, items: list[s.Activity], access: ProjectAccess, principal: Principal) -> None:
    """Fill in `pending_participant_ids` of a page's activities where the caller may see them.

    The page statement carries confirmed participants only; this adds one query, and none when
    the caller may see no pending names on the page.
    """
    shown = [a.id for a in items if sees_pending(access=access, principal=principal, created_by=a.created_by)]
    if not shown:
        return
    rows = await ActivityParticipant.select(ActivityParticipant.activity, ActivityParticipant.user).where(
        ActivityParticipant.activity.is_in(shown) & (ActivityParticipant.confirmed.eq(False))
    )
    pending: dict[UUID, list[UUID]] = defaultdict(list)
    for row in rows:
        pending[row["activity"]].append(row["user"])
    for item in items:
        item.pending_participant_ids = sorted(pending.get(item.id, []))


async def replace_participants(
    *, activity_id: UUID, before: Participants, wanted: list[UUID], project_id: UUID, occurred_on: date
) -> Participants:
    """Make `wanted` the activity's participants, all confirmed: staff listing someone confirms
    them, and leaving a pending name out declines it. New rows carry the activity's project and
    day (`occurred_on`, as it will be after the change), the copies that order a person's pages."""
    removed = set(before.everyone) - set(wanted)
    added = set(wanted) - set(before.everyone)
    to_confirm = set(before.pending) & set(wanted)
    if removed:
        await ActivityParticipant.delete().where(
            (ActivityParticipant.activity == activity_id) & ActivityParticipant.user.is_in(list(removed))
        )
    if added:
        await ActivityParticipant.insert(
            *[
                ActivityParticipant(
                    activity=activity_id,
                    user=user_id,
                    confirmed=True,
                    project=project_id,
                    occurred_on=occurred_on,
                )
                for user_id in added
            ]
        )
    if to_confirm:
        await ActivityParticipant.update({ActivityParticipant.confirmed: True}).where(
            (ActivityParticipant.activity == activity_id) & ActivityParticipant.user.is_in(list(to_confirm))
        )
    return Participants(confirmed=sorted(wanted), pending=[])


async def confirm(*, activity_id: UUID, user_id: UUID, before: Participants) -> Participants:
    """Confirm one participant; nothing changes for someone confirmed already."""
    if user_id not in before.pending:
        return before
    await ActivityParticipant.update({ActivityParticipant.confirmed: True}).where(
        (ActivityParticipant.activity == activity_id) & (ActivityParticipant.user == user_id)
    )
    return Participants(
        confirmed=sorted([*before.confirmed, user_id]), pending=[u for u in before.pending if u != user_id]
    )
