"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Verified against when the account is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-a-timing-equaliser")

COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "password1234",
        "passwordpassword",
        "qwertyuiopas",
        "qwerty123456",
        "111111111111",
        "000000000000",
        "iloveyou1234",
        "adminadmin12",
        "administrator",
        "welcome12345",
        "letmein12345",
        "changeme1234",
        "passord12345",
        "passordpassord",
        "sommer2024!!",
        "sommer202525",
        "vinter2024!!",
        "hemmelig1234",
        "abcdefghijkl",
        "abc123abc123",
        "password123!",
        "Password1234",
        "trustno1trustno1",
        "coresearch123",
        "medforsker123",
        "football1234",
        "monkeymonkey",
        "dragondragon",
    }
)


def password_problems(password: str) -> list[str]:
    """Return what is wrong with a new password (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in {p.lower() for p in COMMON_PASSWORDS} or len(set(password)) < 4:
        problems.append("is too common or too simple")
    return problems


async def hash_password(password: str) -> str:
    """Hash with argon2id off the event loop."""
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and answer False."""

    def _verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(_verify)
