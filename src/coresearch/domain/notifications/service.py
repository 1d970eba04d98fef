"""The notifications people and admins reach over HTTP: one's own messages (unread first) and
their read marks, one's preferences, and the admins' dead letters with their retry.

Marking as read is not audited: it changes nothing anyone else sees and would fill the log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.notifications import schemas as s
from coresearch.domain.notifications.delivery import retry_dead
from coresearch.domain.notifications.kinds import ALWAYS_KEPT, Topic
from coresearch.domain.notifications.outbox import inbox_key, preferences_of
from coresearch.domain.notifications.tables import (
    Channel,
    DeliveryStatus,
    Language,
    Notification,
    NotificationPreference,
)
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.problems import Conflict, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one


def _to_notification(row: dict[str, Any]) -> s.Notification:
    return msgspec.convert(
        {
            **row,
            "delivery": row["status"],
            "project_id": row["project"],
            "has_calendar": bool(row["calendar"]),
            "read": row["read_at"] is not None,
        },
        s.Notification,
    )


async def list_mine(*, principal: Principal, filters: s.NotificationFilters) -> Page[s.Notification]:
    """The caller's notifications: unread first, each part newest first."""
    check_limit(filters.limit)
    query = Notification.select().where(Notification.recipient == principal.id)
    if filters.unread is not None:
        query = query.where(
            Notification.read_at.is_null() if filters.unread else Notification.read_at.is_not_null()
        )
    query = keyset(
        query,
        filters.cursor,
        sort=Notification.inbox_key,
        sort_type=str,
        id_column=Notification.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="inbox_key", convert=_to_notification)


async def mark_read(*, principal: Principal, notification_id: UUID) -> s.Notification:
    """Mark one of the caller's notifications as read (again: no change); 404 for anyone else's."""
    async with transaction():
        row = await locked(
            Notification.select().where(
                (Notification.id == notification_id) & (Notification.recipient == principal.id)
            )
        ).first()
        if row is None:
            raise NotFound("No such notification")
        if row["read_at"] is None:
            await Notification.update(
                {
                    Notification.read_at: now(),
                    Notification.inbox_key: inbox_key(read=True, created_at=row["created_at"]),
                }
            ).where(Notification.id == notification_id)
            row = await one(Notification.select().where(Notification.id == notification_id).first())
    return _to_notification(row)


async def mark_all_read(*, principal: Principal) -> s.ReadAll:
    """Mark all the caller's unread notifications as read."""
    async with transaction():
        rows = await locked(
            Notification.select(Notification.id, Notification.created_at).where(
                (Notification.recipient == principal.id) & Notification.read_at.is_null()
            )
        )
        moment = now()
        for row in rows:
            await Notification.update(
                {
                    Notification.read_at: moment,
                    Notification.inbox_key: inbox_key(read=True, created_at=row["created_at"]),
                }
            ).where(Notification.id == row["id"])
    return s.ReadAll(marked=len(rows))


def _preferences(language: Language, channels: dict[str, Channel]) -> s.Preferences:
    return s.Preferences(language=language, channels=msgspec.convert(channels, s.Channels))


async def get_preferences(*, principal: Principal) -> s.Preferences:
    """The caller's language and channel per topic (e-mail and bokmål until they choose)."""
    stored = (await preferences_of([principal.id])).get(principal.id)
    if stored is None:
        return _preferences(Language.nb, {})
    return _preferences(stored.language, stored.channels)


async def put_preferences(*, principal: Principal, data: s.PreferencesUpdate) -> s.Preferences:
    """Change the caller's language and channels; agreements and payments cannot be off (422)."""
    changes = {} if isinstance(data.channels, msgspec.UnsetType) else msgspec.structs.asdict(data.channels)
    changes = {topic: channel for topic, channel in changes.items() if channel is not msgspec.UNSET}
    refused = sorted(
        topic for topic, channel in changes.items() if channel == Channel.off and Topic(topic) in ALWAYS_KEPT
    )
    if refused:
        raise Unprocessable(
            "Agreements and payments cannot be turned off; choose portal to get no e-mail",
            errors=[
                {"field": f"channels.{topic}", "message": "must be email or portal"} for topic in refused
            ],
        )
    async with transaction():
        row = await locked(
            NotificationPreference.select().where(NotificationPreference.user == principal.id)
        ).first()
        before = _preferences(
            Language(row["language"]) if row else Language.nb,
            msgspec.json.decode(row["channels"], type=dict[str, Channel]) if row else {},
        )
        language = before.language if isinstance(data.language, msgspec.UnsetType) else data.language
        channels = {**msgspec.structs.asdict(before.channels), **changes}
        after = _preferences(language, channels)
        if after == before:
            return before
        encoded = msgspec.json.encode({topic: channel.value for topic, channel in channels.items()}).decode()
        if row is None:
            await NotificationPreference.insert(
                NotificationPreference(
                    user=principal.id, language=language.value, channels=encoded, updated_at=now()
                )
            )
        else:
            await NotificationPreference.update(
                {
                    NotificationPreference.language: language.value,
                    NotificationPreference.channels: encoded,
                    NotificationPreference.updated_at: now(),
                }
            ).where(NotificationPreference.id == row["id"])
        await audit.record(
            actor=actor_of(principal),
            action="notification_preferences.put",
            entity="user",
            entity_id=principal.id,
            before=msgspec.to_builtins(before),
            after=msgspec.to_builtins(after),
        )
    return after


def _to_dead_letter(row: dict[str, Any]) -> s.DeadLetter:
    return msgspec.convert({**row, "recipient_id": row["recipient"]}, s.DeadLetter)


async def list_dead_letters(*, filters: s.DeadLetterFilters) -> Page[s.DeadLetter]:
    """Messages that were given up on, newest first (admins)."""
    check_limit(filters.limit)
    query = Notification.select().where(Notification.status == DeliveryStatus.dead.value)
    query = keyset(
        query,
        filters.cursor,
        sort=Notification.created_at,
        sort_type=datetime,
        id_column=Notification.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="created_at", convert=_to_dead_letter)


async def retry(*, principal: Principal, notification_id: UUID) -> s.Retried:
    """Queue a dead message again with a fresh count of attempts (admins); 409 unless dead."""
    async with transaction():
        row = await locked(Notification.select().where(Notification.id == notification_id)).first()
        if row is None:
            raise NotFound("No such notification")
        if row["status"] != DeliveryStatus.dead.value:
            raise Conflict(f"Only a dead message can be retried; this one is {row['status']}")
        after = await retry_dead(notification_id=notification_id, moment=now())
        assert after is not None
        await audit.record(
            actor=actor_of(principal),
            action="notification.retry",
            entity="notification",
            entity_id=notification_id,
            before={"status": row["status"], "attempts": row["attempts"]},
            after={"status": after["status"], "attempts": after["attempts"]},
        )
    return s.Retried(
        id=notification_id, delivery=DeliveryStatus(after["status"]), next_attempt_at=after["next_attempt_at"]
    )
