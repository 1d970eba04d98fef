"""Tables of the accounts area: users, issued tokens, invites and login throttling."""

from enum import Enum

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Role(str, Enum):
    """Global role of a user."""

    admin = "admin"
    research_leader = "research_leader"
    researcher = "researcher"
    co_researcher = "co_researcher"


class User(Table, tablename="users"):
    """A person who can sign in; co-researchers are users too."""

    id = UUID(primary_key=True)
    email = Varchar(length=320, unique=True, index=True)
    full_name = Varchar(length=200)
    role = Varchar(length=32, choices=Role)
    password_hash = Text(null=True, default=None)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    password_changed_at = Timestamptz(null=True, default=None)


class AuthToken(Table, tablename="auth_tokens"):
    """An issued access token, by its JWT id; revoking it ends it at once."""

    id = UUID(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    issued_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class Invite(Table, tablename="invites"):
    """A single-use, expiring invitation to set a first password (only its hash is kept)."""

    id = UUID(primary_key=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class LoginThrottle(Table, tablename="login_throttle"):
    """Failed sign-in attempts per account or per client address, in a sliding window."""

    key = Varchar(length=100, primary_key=True)
    failures = Integer(default=0)
    window_started_at = Timestamptz(default=TimestamptzNow())
    locked_until = Timestamptz(null=True, default=None)
