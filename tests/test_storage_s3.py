"""The S3 store's pipelining: parts sent while the next arrive, downloads read one chunk ahead."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import urllib3

from coresearch.lib.storage import S3DocumentStore, StorageUnavailable
from coresearch.lib.storage.streams import ReadAhead
from coresearch.settings import S3Settings

MiB = 1024 * 1024
PART = 5 * MiB  # the smallest part S3 allows, to keep the uploads short


@pytest.fixture
async def store(s3_settings: S3Settings) -> AsyncIterator[S3DocumentStore]:
    """An S3 store on the session's bucket with 5 MiB parts, two of them sent at once."""
    document_store = S3DocumentStore(s3_settings, part_size=PART, parallel_parts=2)
    await document_store.ensure_ready()
    yield document_store
    await document_store.close()


@pytest.fixture
def prefix() -> str:
    """A key prefix no other test uses (the S3 bucket is shared by the session)."""
    return f"tests/{uuid.uuid4().hex}/"


async def chunks_of(data: bytes, size: int) -> AsyncIterator[bytes]:
    """Yield `data` in pieces of `size` bytes."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def wrap_part_upload(
    store: S3DocumentStore, monkeypatch: pytest.MonkeyPatch, before: Callable[[int], None]
) -> None:
    """Run `before(part_number)` on the worker thread ahead of every part the store sends."""
    real = store._client._upload_part

    def upload_part(*args: Any) -> str:
        before(args[5])
        return real(*args)

    monkeypatch.setattr(store._client, "_upload_part", upload_part)


def pending_uploads(store: S3DocumentStore, prefix: str) -> list[Any]:
    """The multipart uploads S3 still holds under `prefix`."""
    return store._client._list_multipart_uploads(store._bucket, prefix=prefix).uploads


@pytest.mark.parametrize(
    ("size", "chunk"),
    [(PART, MiB), (2 * PART, MiB), (3 * PART + 3, 3 * MiB + 1), (2 * PART + 1, 7 * MiB)],
    ids=["one-full-part", "two-full-parts", "chunks-across-parts", "chunks-larger-than-parts"],
)
async def test_multipart_upload_round_trips(
    store: S3DocumentStore, prefix: str, size: int, chunk: int
) -> None:
    data = os.urandom(size)

    stored = await store.put(prefix + "doc", chunks_of(data, chunk), content_type="application/pdf")

    async with await store.get(prefix + "doc") as reader:
        received = b"".join([piece async for piece in reader])
    assert received == data
    assert stored.size == size and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (await store.stat(prefix + "doc")).size == size
    assert pending_uploads(store, prefix) == []


async def test_parts_are_sent_while_the_next_part_arrives(
    store: S3DocumentStore, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    second_part_received = threading.Event()

    def hold_first_part(number: int) -> None:
        # Part 1 cannot finish until part 2 has been received: a store that waited for each
        # part before reading on would never get there.
        if number == 1 and not second_part_received.wait(timeout=10):
            raise AssertionError("part 2 was not received while part 1 was being sent")

    wrap_part_upload(store, monkeypatch, hold_first_part)
    data = os.urandom(3 * PART)

    async def source() -> AsyncIterator[bytes]:
        for index, start in enumerate(range(0, len(data), MiB)):
            if index == 2 * PART // MiB:
                second_part_received.set()
            yield data[start : start + MiB]

    stored = await store.put(prefix + "doc", source(), content_type="x/y")

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    async with await store.get(prefix + "doc") as reader:
        assert b"".join([piece async for piece in reader]) == data


async def test_no_more_parts_in_flight_than_allowed(
    store: S3DocumentStore, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_flight, most = 0, 0
    lock = threading.Lock()

    def count(number: int) -> None:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.2)  # slow storage: the source could run far ahead if nothing held it back
        with lock:
            in_flight -= 1

    wrap_part_upload(store, monkeypatch, count)

    await store.put(prefix + "doc", chunks_of(os.urandom(6 * PART), MiB), content_type="x/y")

    assert most == 2


async def test_failed_part_aborts_the_upload_and_stops_reading(
    store: S3DocumentStore, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail_third_part(number: int) -> None:
        if number == 3:
            raise urllib3.exceptions.ProtocolError("connection dropped")

    wrap_part_upload(store, monkeypatch, fail_third_part)
    old = os.urandom(1000)
    await store.put(prefix + "doc", chunks_of(old, 1000), content_type="x/y")
    pulled = 0

    async def source() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(20 * PART // MiB):
            pulled += 1
            yield os.urandom(MiB)

    with pytest.raises(StorageUnavailable, match="connection dropped"):
        await store.put(prefix + "doc", source(), content_type="x/y")

    assert pulled < 10 * PART // MiB, "the rest of the upload was read after a part failed"
    async with await store.get(prefix + "doc") as reader:
        assert b"".join([piece async for piece in reader]) == old
    assert pending_uploads(store, prefix) == []


async def test_source_failing_with_parts_in_flight_stores_nothing(
    store: S3DocumentStore, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrap_part_upload(store, monkeypatch, lambda number: time.sleep(0.1))

    async def refused_after_four_parts() -> AsyncIterator[bytes]:
        async for chunk in chunks_of(os.urandom(4 * PART), MiB):
            yield chunk
        raise ValueError("the form's last field was refused")

    with pytest.raises(ValueError, match="refused"):
        await store.put(prefix + "doc", refused_after_four_parts(), content_type="x/y")

    assert await store.list_keys(prefix) == []
    assert pending_uploads(store, prefix) == []


async def test_read_ahead_fetches_the_next_chunk_before_it_is_asked_for() -> None:
    chunks = [b"one", b"two", b""]
    reads = 0

    async def read() -> bytes:
        nonlocal reads
        reads += 1
        return chunks[reads - 1]

    ahead = ReadAhead(read)

    assert await ahead.next() == b"one"
    await asyncio.sleep(0)
    assert reads == 2
    assert await ahead.next() == b"two"
    assert await ahead.next() == b""
    await asyncio.sleep(0)
    assert reads == 3


async def test_read_ahead_stop_cancels_the_read_in_flight() -> None:
    started, never = asyncio.Event(), asyncio.Event()
    calls = 0

    async def read() -> bytes:
        nonlocal calls
        calls += 1
        if calls == 2:
            started.set()
            await never.wait()
        return b"chunk"

    ahead = ReadAhead(read)
    assert await ahead.next() == b"chunk"
    await started.wait()

    await asyncio.wait_for(ahead.stop(), timeout=5)

    assert calls == 2


async def test_read_ahead_reports_a_failed_read_ahead_on_the_next_chunk() -> None:
    calls = 0

    async def read() -> bytes:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise StorageUnavailable("S3 went away")
        return b"chunk"

    ahead = ReadAhead(read)
    assert await ahead.next() == b"chunk"

    with pytest.raises(StorageUnavailable, match="went away"):
        await ahead.next()
