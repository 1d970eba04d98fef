"""The outbox writer other areas call inside the transaction of the change a message tells about.

A rolled-back change rolls its messages back with it; a committed one has them stored, whatever
happens to the process afterwards. Each recipient gets their own row, rendered in their language,
on the channel they chose for the kind's topic (none when they turned it off); the person who
made the change is not told about it. A `dedupe` key makes the message once per recipient: the
insert of a second one is skipped by the unique index (reminders and warnings, which every worker
may find due at the same moment).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import msgspec

from coresearch.domain.accounts.tables import User
from coresearch.domain.notifications.calendar import MeetingEvent, invitation
from coresearch.domain.notifications.kinds import ALWAYS_KEPT, TOPIC_OF, Kind
from coresearch.domain.notifications.messages import render
from coresearch.domain.notifications.tables import (
    Channel,
    DeliveryStatus,
    Language,
    Notification,
    NotificationPreference,
)
from coresearch.lib.records import now

# Whether this process mails (an SMTP host is configured); set by the app's start-up. Without it
# e-mail messages are stored as `kept`: the portal and `/me/notifications` show them.
MAIL_ENABLED = False


def configure(*, mail_enabled: bool) -> None:
    """Say whether messages written from now on are to be mailed."""
    global MAIL_ENABLED
    MAIL_ENABLED = mail_enabled


def inbox_key(*, read: bool, created_at: datetime) -> str:
    """The inbox's sort value: unread before read, then by time (the list runs descending)."""
    return f"{0 if read else 1}:{created_at.strftime('%Y-%m-%dT%H:%M:%S.%f')}"


class Preferences(msgspec.Struct, frozen=True):
    """One person's language and channel per topic."""

    language: Language
    channels: dict[str, Channel]


async def preferences_of(user_ids: list[UUID]) -> dict[UUID, Preferences]:
    """Stored preferences by person (people without a row are not in the answer)."""
    if not user_ids:
        return {}
    rows = await NotificationPreference.select().where(NotificationPreference.user.is_in(user_ids))
    return {
        row["user"]: Preferences(
            language=Language(row["language"]),
            channels=msgspec.json.decode(row["channels"], type=dict[str, Channel]),
        )
        for row in rows
    }


def channel_for(preferences: Preferences | None, kind: Kind) -> Channel:
    """The channel a person gets `kind` on (e-mail unless they chose otherwise)."""
    topic = TOPIC_OF[kind]
    chosen = preferences.channels.get(topic.value, Channel.email) if preferences else Channel.email
    if chosen == Channel.off and topic in ALWAYS_KEPT:
        return Channel.portal
    return chosen


async def notify(
    *,
    kind: Kind,
    recipients: Iterable[UUID],
    facts: dict[str, Any],
    project_id: UUID | None = None,
    entity: str = "",
    entity_id: UUID | None = None,
    meeting: MeetingEvent | None = None,
    dedupe: str | None = None,
    actor_id: UUID | None = None,
) -> int:
    """Store the message of `kind` for each recipient but the actor; return how many were stored.

    `facts` fill the message (see `messages`); `meeting` adds the calendar invitation; `dedupe`
    names the event so that each recipient gets it once, ever.
    """
    people = sorted({user_id for user_id in recipients if user_id != actor_id})
    if not people:
        return 0
    users = await User.select(User.id, User.email, User.full_name, User.is_active).where(
        User.id.is_in(people)
    )
    chosen = await preferences_of(people)
    moment = now()
    stored = 0
    for user in sorted(users, key=lambda row: row["id"]):
        if not user["is_active"]:
            continue
        preferences = chosen.get(user["id"])
        channel = channel_for(preferences, kind)
        if channel == Channel.off:
            continue
        language = preferences.language if preferences else Language.nb
        message = render(kind, language, facts)
        if channel == Channel.portal:
            status = DeliveryStatus.portal
        else:
            status = DeliveryStatus.pending if MAIL_ENABLED else DeliveryStatus.kept
        calendar = (
            invitation(meeting, attendee_name=user["full_name"], attendee_email=user["email"], stamp=moment)
            if meeting is not None
            else None
        )
        inserted = (
            await Notification.insert(
                Notification(
                    id=uuid4(),
                    recipient=user["id"],
                    kind=kind.value,
                    channel=channel.value,
                    language=language.value,
                    project=project_id,
                    entity=entity,
                    entity_id=entity_id,
                    subject=message.subject,
                    body_text=message.text,
                    body_html=message.html,
                    calendar=calendar,
                    dedupe_key=f"{dedupe}:{user['id']}" if dedupe else None,
                    status=status.value,
                    attempts=0,
                    next_attempt_at=moment,
                    last_error="",
                    inbox_key=inbox_key(read=False, created_at=moment),
                    created_at=moment,
                )
            )
            .on_conflict(target=Notification.dedupe_key, action="DO NOTHING")
            .returning(Notification.id)
        )
        stored += len(inserted)
    return stored
