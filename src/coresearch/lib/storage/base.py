"""The document store's interface, its errors and what both implementations share."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol, Self
from urllib.parse import quote

import anyio
import msgspec

CHUNK_SIZE = 1024 * 1024
MAX_KEY_BYTES = 1024
SIDECAR_SUFFIX = ".meta.json"


class StorageError(Exception):
    """Base of the document store's errors."""


class StorageUnavailable(StorageError):
    """The storage backend cannot be reached or failed; the original error is the cause."""


class ObjectNotFound(StorageError):
    """No object is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object {key!r}")
        self.key = key


class ObjectTooLarge(StorageError):
    """The streamed object exceeded `max_bytes`; nothing was stored."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"object exceeds the limit of {max_bytes} bytes")
        self.max_bytes = max_bytes


class StoredObject(msgspec.Struct, frozen=True):
    """What the store knows about one object (`last_modified` is set by `stat` and `get`)."""

    key: str
    size: int
    sha256: str | None
    content_type: str | None
    etag: str | None
    last_modified: datetime | None = None


def validate_key(key: str) -> str:
    """Return `key` if it is a safe relative object key, else raise ValueError.

    Keys are `/`-separated segments; a segment may not be empty or start with a dot (which rules
    out `.` and `..` and keeps the local store's temporary files out of the key space).
    """
    if not key or len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValueError(f"object key must be 1 to {MAX_KEY_BYTES} bytes of UTF-8")
    if key.startswith("/") or "\\" in key or any(ord(c) < 32 or ord(c) == 127 for c in key):
        raise ValueError(f"object key is not a relative path of printable characters: {key!r}")
    if any(part == "" or part.startswith(".") for part in key.split("/")):
        raise ValueError(f"object key has an empty or dot segment: {key!r}")
    if key.endswith(SIDECAR_SUFFIX):
        raise ValueError(f"object key may not end with {SIDECAR_SUFFIX}: {key!r}")
    return key


def attachment_disposition(filename: str) -> str:
    """Return a Content-Disposition value that downloads as `filename` (RFC 6266)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class Measure:
    """Counts and hashes the bytes of one upload, enforcing its size limit."""

    def __init__(self, max_bytes: int | None) -> None:
        self.size = 0
        self._max_bytes = max_bytes
        self._sha256 = hashlib.sha256()

    def add(self, chunk: bytes) -> None:
        """Count and hash `chunk`; raise ObjectTooLarge once the limit is passed."""
        self.size += len(chunk)
        if self._max_bytes is not None and self.size > self._max_bytes:
            raise ObjectTooLarge(self._max_bytes)
        self._sha256.update(chunk)

    def hexdigest(self) -> str:
        """The sha256 of the bytes added so far."""
        return self._sha256.hexdigest()


class ObjectReader:
    """The chunks of one stored object, opened only after the object was found.

    Iterate it to the end, or close it (`aclose()` or `async with`) to release its connection or
    file early.
    """

    def __init__(
        self,
        info: StoredObject,
        read_chunk: Callable[[], Awaitable[bytes]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        self.info = info
        self._read_chunk = read_chunk
        self._close = close
        self._closed = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> bytes:
        if self._closed:
            raise StopAsyncIteration
        try:
            chunk = await self._read_chunk()
        except BaseException:
            await self.aclose()
            raise
        if not chunk:
            await self.aclose()
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        """Release the underlying connection or file; safe to call twice."""
        if not self._closed:
            self._closed = True
            with anyio.CancelScope(shield=True):
                await self._close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def released_chunks(reader: ObjectReader) -> AsyncIterator[bytes]:
    """The reader's chunks for a streamed response: the object is released however the response
    ends (read to the end, failed, or the client gone)."""
    async with reader:
        async for chunk in reader:
            yield chunk


class DocumentStore(Protocol):
    """Where document bytes live; metadata that matters is kept by the caller's database."""

    async def put(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Store the streamed `chunks` under `key`, replacing any object there.

        The object is committed only after `chunks` is exhausted: an exception raised from the
        stream (or a failure of the backend) leaves nothing new stored.

        Raises:
            ObjectTooLarge: more than `max_bytes` arrived; nothing new is stored.
            StorageUnavailable: the backend failed.
        """
        ...

    async def get(self, key: str) -> ObjectReader:
        """Open `key` for streaming; raises ObjectNotFound before any chunk is read."""
        ...

    async def stat(self, key: str) -> StoredObject:
        """Return what is known about `key`, with its last-modified time; raises ObjectNotFound."""
        ...

    async def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error."""
        ...

    async def exists(self, key: str) -> bool:
        """Return whether an object is stored under `key`."""
        ...

    async def list_keys(self, prefix: str = "") -> list[str]:
        """Return the sorted keys starting with `prefix`."""
        ...

    async def presigned_get_url(
        self,
        key: str,
        *,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str | None:
        """Return a time-limited download URL, or None when the caller must stream itself."""
        ...

    async def check(self) -> None:
        """Raise StorageUnavailable unless the store can be used now."""
        ...

    async def ensure_ready(self) -> None:
        """Create the bucket or folder if missing, then check the store."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
