"""Tables of the notifications area: the outbox (one row per message and recipient, which is also
the person's portal inbox) and each person's preferences."""

from enum import Enum

from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from coresearch.domain.accounts.tables import User


class Channel(str, Enum):
    """How a person wants one kind of notification: by e-mail (and in the portal), in the portal
    only, or not at all."""

    email = "email"
    portal = "portal"
    off = "off"


class Language(str, Enum):
    """The languages messages are written in."""

    nb = "nb"
    en = "en"


class DeliveryStatus(str, Enum):
    """Where a message is on its way.

    pending (waits for `next_attempt_at`) → sending (claimed by one worker) → sent, or back to
    pending with a later `next_attempt_at`, or dead after the last attempt. `portal` messages are
    never mailed; `kept` ones were due while no SMTP server was configured.
    """

    pending = "pending"
    sending = "sending"
    sent = "sent"
    dead = "dead"
    portal = "portal"
    kept = "kept"


class Notification(Table, tablename="notifications"):
    """One message to one person, written in the transaction of the change it tells about.

    Subject and bodies are rendered at that moment in the person's language, so what is sent is
    what the change was; `dedupe_key` (unique where set, 0023 integrity) makes a reminder or a
    warning happen once however many workers look. `inbox_key` orders the portal inbox: unread
    first, newest first (`"1:"` or `"0:"` and the creation time).
    """

    id = UUID(primary_key=True)
    recipient = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    kind = Varchar(length=40)
    channel = Varchar(length=10, choices=Channel)
    language = Varchar(length=5, choices=Language)
    project = UUID(null=True, default=None)
    entity = Varchar(length=40, default="")
    entity_id = UUID(null=True, default=None)
    subject = Varchar(length=300)
    body_text = Text()
    body_html = Text()
    calendar = Text(null=True, default=None)
    dedupe_key = Varchar(length=200, null=True, default=None)
    status = Varchar(length=10, choices=DeliveryStatus)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    claimed_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    read_at = Timestamptz(null=True, default=None)
    inbox_key = Varchar(length=40)
    created_at = Timestamptz(default=TimestamptzNow())


class NotificationPreference(Table, tablename="notification_preferences"):
    """A person's language and chosen channel per kind (unique per person, 0023 integrity);
    kinds not in `channels` (a JSON object) go by e-mail."""

    id = UUID(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False)
    language = Varchar(length=5, choices=Language, default=Language.nb.value)
    channels = Text(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())
