"""Request and response bodies of the notifications area."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar.params import FromQuery

from coresearch.domain.notifications.kinds import Kind
from coresearch.domain.notifications.tables import Channel, DeliveryStatus, Language
from coresearch.lib.pagination import Paging


class Notification(msgspec.Struct):
    """A message to the caller, as the portal shows it; `delivery` says whether it was mailed."""

    id: UUID
    kind: Kind
    subject: str
    body_text: str
    language: Language
    channel: Channel
    delivery: DeliveryStatus
    project_id: UUID | None
    entity: str
    entity_id: UUID | None
    has_calendar: bool
    read: bool
    read_at: datetime | None
    sent_at: datetime | None
    created_at: datetime


class NotificationFilters(Paging, frozen=True, kw_only=True):
    """`GET /me/notifications`: unread first, then newest first; `unread=true` for unread only."""

    unread: FromQuery[bool | None] = None


class ReadAll(msgspec.Struct):
    """How many notifications were marked as read."""

    marked: int


class Channels(msgspec.Struct, forbid_unknown_fields=True):
    """The channel per topic. `agreements` and `payments` cannot be `off` (422)."""

    tasks: Channel = Channel.email
    meetings: Channel = Channel.email
    meeting_papers: Channel = Channel.email
    reminders: Channel = Channel.email
    agreements: Channel = Channel.email
    payments: Channel = Channel.email
    benefits: Channel = Channel.email


class Preferences(msgspec.Struct):
    """The caller's language for messages and channel per topic."""

    language: Language
    channels: Channels


class ChannelsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Channels to change; omitted topics stay as they are."""

    tasks: Channel | msgspec.UnsetType = msgspec.UNSET
    meetings: Channel | msgspec.UnsetType = msgspec.UNSET
    meeting_papers: Channel | msgspec.UnsetType = msgspec.UNSET
    reminders: Channel | msgspec.UnsetType = msgspec.UNSET
    agreements: Channel | msgspec.UnsetType = msgspec.UNSET
    payments: Channel | msgspec.UnsetType = msgspec.UNSET
    benefits: Channel | msgspec.UnsetType = msgspec.UNSET


class PreferencesUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change the language and/or some channels."""

    language: Language | msgspec.UnsetType = msgspec.UNSET
    channels: ChannelsUpdate | msgspec.UnsetType = msgspec.UNSET


class DeadLetter(msgspec.Struct):
    """A message that could not be mailed after its last attempt (for admins: no body)."""

    id: UUID
    recipient_id: UUID
    kind: Kind
    subject: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime


class DeadLetterFilters(Paging, frozen=True, kw_only=True):
    """`GET /notifications/dead-letters`: newest first."""


class Retried(msgspec.Struct):
    """A dead message queued again."""

    id: UUID
    delivery: DeliveryStatus
    next_attempt_at: datetime
