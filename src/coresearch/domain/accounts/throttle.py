"""Sign-in throttling per account and per client address, kept in the database (all workers)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from coresearch.domain.accounts.tables import LoginThrottle
from coresearch.lib.problems import RateLimited

WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 30


def account_key(email: str) -> str:
    """Throttle key of an e-mail (hashed: the table holds no addresses)."""
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def address_key(address: str) -> str:
    """Throttle key of a client address."""
    return "address:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def _limit(key: str) -> int:
    return ACCOUNT_LIMIT if key.startswith("account:") else ADDRESS_LIMIT


async def check(keys: list[str]) -> None:
    """Answer 429 with Retry-After when any key is locked out."""
    now = datetime.now(UTC)
    rows = await LoginThrottle.select().where(
        LoginThrottle.key.is_in(keys) & (LoginThrottle.locked_until > now)
    )
    if rows:
        wait = max(row["locked_until"] for row in rows) - now
        raise RateLimited(
            "Too many sign-in attempts; try again later", retry_after=int(wait.total_seconds()) + 1
        )


async def record_failure(keys: list[str]) -> None:
    """Count a failed attempt against each key, locking a key that reaches its limit."""
    now = datetime.now(UTC)
    for key in keys:
        row = await LoginThrottle.objects().where(LoginThrottle.key == key).first()
        if row is None:
            await LoginThrottle.insert(LoginThrottle(key=key, failures=1, window_started_at=now))
            continue
        if now - row.window_started_at > WINDOW:
            row.failures, row.window_started_at, row.locked_until = 1, now, None
        else:
            row.failures += 1
            if row.failures >= _limit(key):
                row.locked_until = now + LOCKOUT
        await row.save()


async def clear(key: str) -> None:
    """Forget the failures of a key (after a successful sign-in)."""
    await LoginThrottle.delete().where(LoginThrottle.key == key)
