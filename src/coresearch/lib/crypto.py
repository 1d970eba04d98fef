"""Field encryption: AES-256-GCM under the keys of `COSEARCH_DATA_KEYS`, newest first.

A stored value is `<key id>:<base64url(nonce | ciphertext+tag)>`. The key id is the first 8 hex
digits of sha256(key), so it names the key without revealing it and survives reordering of the
list. Each value is bound to where it lives by the associated data (table, row id, column): a
value copied to another row or column fails to decrypt instead of reading as someone else's.
Decrypting never falls back to returning the stored text.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class KeyMissing(Exception):
    """A value is encrypted under a key that is not configured; `key_id` names it."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no configured data key has id {key_id}")
        self.key_id = key_id


class UndecryptableValue(Exception):
    """A value failed authentication: damaged, or moved from another row or column."""


def key_id(key: bytes) -> str:
    """The public id of a key: the first 8 hex digits of its sha256."""
    return hashlib.sha256(key).hexdigest()[:8]


def context(table: str, row_id: Any, column: str) -> bytes:
    """The associated data binding a value to its table, row and column."""
    return f"{table}:{row_id}:{column}".encode()


class Keyring:
    """The configured data keys; encrypts under the newest, decrypts under any."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one data key is needed")
        self._ciphers: dict[str, AESGCM] = {}
        for key in keys:
            kid = key_id(key)
            if kid in self._ciphers:
                # The same key listed twice is harmless; two keys sharing an id would be ambiguous.
                continue
            self._ciphers[kid] = AESGCM(key)
        self.current_key_id = key_id(keys[0])

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Ids of the configured keys, newest first."""
        return tuple(self._ciphers)

    def encrypt(self, plaintext: str, *, aad: bytes) -> str:
        """Encrypt under the newest key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current_key_id].encrypt(nonce, plaintext.encode(), aad)
        return f"{self.current_key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def decrypt(self, stored: str, *, aad: bytes) -> str:
        """Decrypt a stored value.

        Raises:
            KeyMissing: its key is not configured (any more).
            UndecryptableValue: it is malformed, damaged or bound to another place.
        """
        kid, _, body = stored.partition(":")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise KeyMissing(kid)
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
        except (InvalidTag, ValueError) as exc:
            raise UndecryptableValue("the value failed authentication") from exc

    def is_current(self, stored: str) -> bool:
        """True when the value is encrypted under the newest key."""
        return stored.partition(":")[0] == self.current_key_id


@lru_cache(maxsize=4)
def keyring_for(keys: tuple[bytes, ...]) -> Keyring:
    """The keyring of a settings' `data_keys` (built once per key list)."""
    return Keyring(keys)
