"""Stream plumbing for the stores: cutting an upload into parts, reading a download ahead."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import Self

from coresearch.lib.storage.base import Measure


class PartCutter:
    """The chunks of an upload as parts of exactly `size` bytes (the last one shorter).

    Each part is a fresh buffer that nothing here keeps once it has been handed out, so the
    caller decides how many are alive. Every chunk is counted and hashed by `measure` on arrival.
    """

    def __init__(self, chunks: AsyncIterable[bytes], size: int, measure: Measure) -> None:
        self._chunks = aiter(chunks)
        self._size = size
        self._measure = measure
        self._rest = memoryview(b"")  # what is left of a chunk that crossed a part boundary
        self._ended = False
        self._started = False
        self._first: bytearray | None = None

    async def first_is_last(self) -> bool:
        """Receive the first part; return whether the stream ended within it."""
        self._first = await self._cut()
        return self._ended

    def take_first(self) -> bytearray:
        """Hand out the part `first_is_last` received."""
        part, self._first = self._first, None
        if part is None:
            raise RuntimeError("no first part is held")
        return part

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> bytearray:
        part = self.take_first() if self._first is not None else await self._cut()
        if not part:
            raise StopAsyncIteration
        return part

    async def _cut(self) -> bytearray:
        # The first part grows as it fills, so a small upload stays small; once there is a second
        # part, every part but the last is full, so it is allocated once at its size (growing
        # would over-allocate by an eighth).
        allocated = self._started
        self._started = True
        part = bytearray(self._size) if allocated else bytearray()
        filled = 0
        while filled < self._size and not self._ended:
            if not self._rest:
                chunk = await anext(self._chunks, None)
                if chunk is None:
                    self._ended = True
                    break
                self._measure.add(chunk)
                self._rest = memoryview(chunk)
            take = min(self._size - filled, len(self._rest))
            if allocated:
                part[filled : filled + take] = self._rest[:take]
            else:
                part += self._rest[:take]
            filled += take
            self._rest = self._rest[take:]
        if allocated:
            del part[filled:]
        return part


class ReadAhead:
    """Reads the next chunk of a download while the caller is busy sending the current one.

    Reads stay strictly sequential (one response, one reader at a time). The read in flight is
    an asyncio task rather than an anyio task group: the reader is handed to the response and
    outlives any scope the store could open; `stop` cancels and awaits it.
    """

    def __init__(self, read: Callable[[], Awaitable[bytes]]) -> None:
        self._read = read
        self._pending: asyncio.Task[bytes] | None = None

    async def next(self) -> bytes:
        """The next chunk (empty at the end); the one after it starts loading at once."""
        pending, self._pending = self._pending, None
        chunk = await pending if pending is not None else await self._read()
        if chunk:
            self._pending = asyncio.ensure_future(self._read())
        return chunk

    async def stop(self) -> None:
        """Cancel the read in flight, if any, and wait for its thread to let go of the response."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.cancel()
            await asyncio.wait({pending})
            if not pending.cancelled():
                pending.exception()  # retrieved, so asyncio does not log it as lost


def first_error(group: BaseExceptionGroup) -> BaseException:
    """The first leaf of a task group's exceptions: the one error to report to the caller."""
    error = group.exceptions[0]
    return first_error(error) if isinstance(error, BaseExceptionGroup) else error
