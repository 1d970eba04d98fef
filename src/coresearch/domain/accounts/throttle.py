"""Password-check throttling per account and per client address, kept in the database.

A check is reserved *before* the password is verified, with one atomic upsert-and-increment per
key that returns the new count: parallel guesses cannot all pass a read-then-write check, and at
most the limit of verifications run per key in a window, however many arrive at once. The
`failures` column counts reserved checks; a successful check gives its reservation back.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from coresearch.domain.accounts.tables import LoginThrottle
from coresearch.lib.problems import RateLimited

WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 30

# A row starts a new window when its window is over and it is not locked. Both engines read the
# old row in SET and RETURNING the new one; {} are the cutoff (now - WINDOW) and now.
_STALE = (
    "(login_throttle.window_started_at <= {} AND "
    "(login_throttle.locked_until IS NULL OR login_throttle.locked_until <= {}))"
)
RESERVE_SQL = f"""
INSERT INTO login_throttle (key, failures, window_started_at, locked_until)
VALUES ({{}}, 1, {{}}, NULL)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN {_STALE} THEN 1 ELSE login_throttle.failures + 1 END,
    window_started_at = CASE WHEN {_STALE}
        THEN excluded.window_started_at ELSE login_throttle.window_started_at END,
    locked_until = CASE WHEN {_STALE} THEN NULL ELSE login_throttle.locked_until END
RETURNING failures
"""


def account_key(email: str) -> str:
    """Throttle key of an e-mail (hashed: the table holds no addresses)."""
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def address_key(address: str) -> str:
    """Throttle key of a client address."""
    return "address:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def keys_for(*, email: str, client_address: str) -> list[str]:
    """The account key and the address key of one password check, in that order."""
    return [account_key(email), address_key(client_address)]


def _limit(key: str) -> int:
    return ACCOUNT_LIMIT if key.startswith("account:") else ADDRESS_LIMIT


async def reserve(keys: list[str]) -> None:
    """Count one password check against every key; answer 429 with Retry-After if any is over.

    A refused attempt still counts, so hammering a locked key keeps it refused.
    """
    now = datetime.now(UTC)
    cutoff = now - WINDOW
    over = []
    for key in keys:
        [row] = await LoginThrottle.raw(RESERVE_SQL, key, now, cutoff, now, cutoff, now, cutoff, now)
        if row["failures"] > _limit(key):
            over.append(key)
    if over:
        raise RateLimited("Too many sign-in attempts; try again later", retry_after=await _wait(over, now))


async def _wait(keys: list[str], now: datetime) -> int:
    rows = await LoginThrottle.select().where(LoginThrottle.key.is_in(keys))
    ends = [row["locked_until"] or row["window_started_at"] + WINDOW for row in rows]
    return int((max(ends, default=now) - now).total_seconds()) + 1


async def record_failure(keys: list[str]) -> None:
    """After a wrong password: lock each key whose reserved checks reached its limit."""
    now = datetime.now(UTC)
    for key in keys:
        await LoginThrottle.update({LoginThrottle.locked_until: now + LOCKOUT}).where(
            (LoginThrottle.key == key)
            & (LoginThrottle.failures >= _limit(key))
            & (LoginThrottle.locked_until.is_null() | (LoginThrottle.locked_until <= now))
        )


async def record_success(keys: list[str]) -> None:
    """After a right password: forget the account's checks and give the address its one back
    (an office behind one address signs in many times a day); a locked key stays locked."""
    account, address = keys
    now = datetime.now(UTC)
    await LoginThrottle.delete().where(LoginThrottle.key == account)
    await LoginThrottle.update({LoginThrottle.failures: LoginThrottle.failures - 1}).where(
        (LoginThrottle.key == address)
        & (LoginThrottle.failures > 0)
        & (LoginThrottle.locked_until.is_null() | (LoginThrottle.locked_until <= now))
    )
