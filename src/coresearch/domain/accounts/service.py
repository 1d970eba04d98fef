"""Accounts: users, sign-in, passwords and invites. Every change is audited in its transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts import schemas as s
from coresearch.domain.accounts import throttle
from coresearch.domain.accounts.tables import Invite, Role, User
from coresearch.domain.accounts.tokens import issue_token, revoke_tokens
from coresearch.domain.audit import service as audit
from coresearch.domain.audit.service import SYSTEM, Actor
from coresearch.lib.db import transaction
from coresearch.lib.emails import email_problem
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.passwords import hash_password, password_problems, verify_password
from coresearch.lib.problems import Conflict, Invalid, NotFound, Unauthorized, Unprocessable
from coresearch.lib.records import locked, now, one, set_fields
from coresearch.settings import Settings

INVITE_LIFETIME = timedelta(days=7)
FIRST_ADMIN_EMAIL = "admin@coresearch.local"
AUDITED_FIELDS = ("email", "full_name", "role", "is_active", "password_hash")


def normalise_email(email: str) -> str:
    """Lower-case and trim an e-mail address."""
    return email.strip().lower()


def valid_email(email: str) -> str:
    """The normalised address, or 400 naming `email` when it is not one a mail server takes."""
    problem = email_problem(email.strip())
    if problem is not None:
        raise Invalid("The request is not valid", errors=[{"field": "email", "message": problem}])
    return normalise_email(email)


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    return {field: row.get(field) for field in AUDITED_FIELDS}


def to_schema(row: dict[str, Any]) -> s.User:
    """Convert a user row to its API shape."""
    return msgspec.convert({**row, "has_password": row["password_hash"] is not None}, s.User)


def _check_password(password: str, field: str = "password") -> None:
    problems = password_problems(password)
    if problems:
        raise Unprocessable(
            "The password is not acceptable",
            errors=[{"field": field, "message": message} for message in problems],
        )


def _hash_invite(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def find_user_by_email(*, email: str) -> dict[str, Any] | None:
    """Return the user row with this e-mail, or None."""
    return await User.select().where(User.email == normalise_email(email)).first()


async def get_user(*, user_id: UUID) -> s.User:
    """Return one user, or answer 404."""
    row = await User.select().where(User.id == user_id).first()
    if row is None:
        raise NotFound("No such user")
    return to_schema(row)


async def create_user(*, actor: Actor, data: s.UserCreate) -> s.UserCreated:
    """Create a user; without a password, also an invite whose token is returned once."""
    email = valid_email(data.email)
    if data.password is not None:
        _check_password(data.password)
    password_hash = await hash_password(data.password) if data.password else None
    async with transaction():
        return await add_user(
            actor=actor, email=email, full_name=data.full_name, role=data.role, password_hash=password_hash
        )


async def add_user(
    *, actor: Actor, email: str, full_name: str, role: Role, password_hash: str | None = None
) -> s.UserCreated:
    """Insert a user (and, without a password hash, an invite) in the caller's transaction.

    `email` must already be valid and normalised (`valid_email`). 409 when it is taken.
    """
    invite_token = secrets.token_urlsafe(32) if password_hash is None else None
    if await User.exists().where(User.email == email):
        raise Conflict("A user with this e-mail already exists")
    moment = now()
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role.value,
        password_hash=password_hash,
        password_changed_at=moment if password_hash else None,
        created_at=moment,
        updated_at=moment,
    )
    await user.save()
    row = user.to_dict()
    await audit.record(
        actor=actor, action="user.create", entity="user", entity_id=user.id, after=_snapshot(row)
    )
    expires_at = None
    if invite_token is not None:
        expires_at = moment + INVITE_LIFETIME
        await Invite.insert(
            Invite(user=user.id, token_hash=_hash_invite(invite_token), expires_at=expires_at)
        )
        await audit.record(actor=actor, action="invite.create", entity="user", entity_id=user.id)
    created = to_schema(row)
    return s.UserCreated(
        **msgspec.structs.asdict(created), invite_token=invite_token, invite_expires_at=expires_at
    )


async def list_users(*, filters: s.UserFilters) -> Page[s.User]:
    """Return users in creation order."""
    check_limit(filters.limit)
    query = User.select()
    if filters.role is not None:
        query = query.where(User.role == filters.role.value)
    query = keyset(query, filters.cursor, sort=User.created_at, sort_type=datetime, id_column=User.id)
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="created_at", convert=to_schema)


async def _lock_active_admins() -> set[UUID]:
    """Lock every active admin's row, in id order, and return their ids.

    Whoever may take away an admin locks this whole set first, so two admins demoting or
    deactivating each other at once run one after the other and the second sees the first's
    change: at least one active admin remains (SQLite: the IMMEDIATE transaction is the lock).
    """
    rows = await locked(
        User.select(User.id)
        .where((User.role == Role.admin.value) & (User.is_active == True))  # noqa: E712
        .order_by(User.id)
    )
    return {row["id"] for row in rows}


async def update_user(*, actor: Actor, user_id: UUID, data: s.UserUpdate) -> s.User:
    """Apply a partial update; deactivating a user revokes their tokens."""
    changes = set_fields(data)
    if "email" in changes:
        changes["email"] = valid_email(changes["email"])
    if "full_name" in changes:
        changes["full_name"] = changes["full_name"].strip()
    async with transaction():
        may_remove_admin = "role" in changes or "is_active" in changes
        admins = await _lock_active_admins() if may_remove_admin else set()
        row = await locked(User.select().where(User.id == user_id)).first()
        if row is None:
            raise NotFound("No such user")
        email = changes.get("email", row["email"])
        if email != row["email"] and await User.exists().where(User.email == email):
            raise Conflict("A user with this e-mail already exists")
        loses_admin = row["id"] in admins and (
            changes.get("role", Role.admin.value) != Role.admin.value or changes.get("is_active") is False
        )
        if loses_admin and not admins - {user_id}:
            raise Conflict("This is the last active admin; make another admin first")
        after = await audit.update_audited(
            User,
            before=row,
            changes=changes,
            actor=actor,
            action="user.update",
            entity="user",
            fields=AUDITED_FIELDS,
        )
        if row["is_active"] and not after["is_active"]:
            await revoke_tokens(user_id=user_id)
    return to_schema(after)


async def login(*, email: str, password: str, client_address: str, settings: Settings) -> s.TokenResponse:
    """Exchange credentials for a token; unknown e-mail and wrong password answer alike."""
    keys = throttle.keys_for(email=email, client_address=client_address)
    await throttle.reserve(keys)
    row = await find_user_by_email(email=email)
    valid = await verify_password(row["password_hash"] if row else None, password)
    if row is None or not valid or not row["is_active"]:
        await throttle.record_failure(keys)
        raise Unauthorized("Invalid e-mail or password")
    await throttle.record_success(keys)
    async with transaction():
        token, ttl = await issue_token(user_id=row["id"], settings=settings)
        await audit.record(
            actor=Actor(id=row["id"], role=row["role"]),
            action="auth.login",
            entity="user",
            entity_id=row["id"],
        )
    return s.TokenResponse(access_token=token, expires_in=ttl)


async def logout(*, principal: s.Principal) -> None:
    """Revoke the token of this request."""
    from coresearch.domain.accounts.tables import AuthToken

    async with transaction():
        await AuthToken.update({AuthToken.revoked_at: now()}).where(AuthToken.id == principal.token_id)
        await audit.record(
            actor=actor_of(principal), action="auth.logout", entity="user", entity_id=principal.id
        )


async def change_password(*, principal: s.Principal, data: s.PasswordChange, client_address: str) -> None:
    """Change one's password and revoke every other token of the user.

    Checking `current_password` is a password check like a sign-in, throttled on the same keys:
    a stolen token must not become an unlimited password oracle.
    """
    keys = throttle.keys_for(email=principal.email, client_address=client_address)
    await throttle.reserve(keys)
    row = await User.select().where(User.id == principal.id).first()
    if row is None or not await verify_password(row["password_hash"], data.current_password):
        await throttle.record_failure(keys)
        raise Unprocessable(
            "The current password is not correct",
            errors=[{"field": "current_password", "message": "not correct"}],
        )
    await throttle.record_success(keys)
    _check_password(data.new_password, "new_password")
    new_hash = await hash_password(data.new_password)
    async with transaction():
        moment = now()
        await User.update(
            {User.password_hash: new_hash, User.password_changed_at: moment, User.updated_at: moment}
        ).where(User.id == principal.id)
        await revoke_tokens(user_id=principal.id, keep=principal.token_id)
        await audit.record(
            actor=actor_of(principal),
            action="user.password_change",
            entity="user",
            entity_id=principal.id,
            before={"password_hash": row["password_hash"]},
            after={"password_hash": new_hash},
        )


async def accept_invite(*, data: s.InviteAcceptance) -> None:
    """Set a first password with a valid, unused, unexpired invite token (single use)."""
    _check_password(data.password)
    new_hash = await hash_password(data.password)
    async with transaction():
        # Locked, then re-checked: of two acceptances at once the second finds it used.
        invite = (
            await locked(Invite.select())
            .where(
                (Invite.token_hash == _hash_invite(data.token))
                & Invite.used_at.is_null()
                & (Invite.expires_at > now())
            )
            .first()
        )
        if invite is None:
            raise Unprocessable(
                "The invite is not valid: unknown, already used or expired",
                errors=[{"field": "token", "message": "not valid"}],
            )
        moment = now()
        await Invite.update({Invite.used_at: moment}).where(Invite.id == invite["id"])
        await User.update(
            {User.password_hash: new_hash, User.password_changed_at: moment, User.updated_at: moment}
        ).where(User.id == invite["user"])
        user_row = await one(User.select(User.role).where(User.id == invite["user"]).first())
        await audit.record(
            actor=Actor(id=invite["user"], role=user_row["role"]),
            action="invite.accept",
            entity="user",
            entity_id=invite["user"],
            after={"password_hash": new_hash},
        )


def actor_of(principal: s.Principal) -> Actor:
    """The audit actor for an authenticated caller."""
    return Actor(id=principal.id, role=principal.role.value)


async def admin_exists() -> bool:
    """Return True when at least one active admin exists."""
    return await User.exists().where((User.role == Role.admin.value) & (User.is_active == True))  # noqa: E712


async def create_user_from_cli(
    *, email: str, full_name: str, role: Role, password: str | None
) -> s.UserCreated:
    """Create a user on behalf of the operator (audited as the system)."""
    raw = {"email": email, "full_name": full_name.strip() or email, "role": role.value, "password": password}
    try:
        data = msgspec.convert(raw, s.UserCreate)
    except msgspec.ValidationError as exc:
        raise Unprocessable(f"Invalid user: {exc}") from None
    return await create_user(actor=SYSTEM, data=data)


async def ensure_first_admin(*, email: str | None, password: str | None) -> tuple[str, str | None] | None:
    """Create the first admin when none exists.

    Returns:
        `(email, generated_password)` when an admin was created (the password only when generated
        here, to be shown once), else None.
    """
    if await admin_exists():
        return None
    generated = None
    if email is None or password is None:
        email, generated = FIRST_ADMIN_EMAIL, secrets.token_urlsafe(15)
        password = generated
    existing = await find_user_by_email(email=email)
    if existing is not None:
        await update_user(
            actor=SYSTEM, user_id=existing["id"], data=s.UserUpdate(role=Role.admin, is_active=True)
        )
        return existing["email"], None
    created = await create_user_from_cli(
        email=email, full_name="Administrator", role=Role.admin, password=password
    )
    return created.email, generated
