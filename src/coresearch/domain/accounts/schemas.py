"""Request and response bodies of the accounts area."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.params import FromQuery

from coresearch.domain.accounts.tables import Role
from coresearch.lib.pagination import Paging
from coresearch.lib.text import EmailAddress, SingleLine

Email = Annotated[EmailAddress, msgspec.Meta(min_length=3, max_length=320)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
FullName = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]


class Principal(msgspec.Struct, frozen=True):
    """The authenticated caller of a request."""

    id: UUID
    email: str
    full_name: str
    role: Role
    token_id: UUID


# The request of a signed-in caller: the token middleware sets `request.user`.
AuthedRequest = Request[Principal, Any, State]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Sign-in credentials."""

    email: Annotated[SingleLine, msgspec.Meta(max_length=320)]
    password: Password


class TokenResponse(msgspec.Struct):
    """An access token for `Authorization: Bearer`."""

    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    """Change one's own password."""

    current_password: Password
    new_password: Password


class InviteAcceptance(msgspec.Struct, forbid_unknown_fields=True):
    """Set a first password with an invite token."""

    token: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]
    password: Password


class User(msgspec.Struct):
    """A user as the API shows it."""

    id: UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    has_password: bool
    created_at: datetime
    updated_at: datetime


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Create a user; without a password the answer carries a one-time invite token."""

    email: Email
    full_name: FullName
    role: Role
    password: Password | None = None


class UserCreated(User):
    """A new user, with the invite token when no password was given (shown only once)."""

    invite_token: str | None = None
    invite_expires_at: datetime | None = None


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Change a user; omitted fields stay as they are."""

    email: Email | msgspec.UnsetType = msgspec.UNSET
    full_name: FullName | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET


class UserFilters(Paging, frozen=True, kw_only=True):
    """`GET /users`: by global role."""

    role: FromQuery[Role | None] = None
