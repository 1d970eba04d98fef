"""The document store behaves the same on S3 (a real SeaweedFS) and on local disk."""

from __future__ import annotations

import hashlib
import os
import socket
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import msgspec
import pytest

from coresearch.lib.storage import (
    PARALLEL_PARTS,
    PART_SIZE,
    DocumentStore,
    LocalDocumentStore,
    ObjectNotFound,
    ObjectReader,
    ObjectTooLarge,
    S3DocumentStore,
    StorageUnavailable,
)
from coresearch.settings import S3Settings
from tests.seaweed import remove_bucket

MiB = 1024 * 1024
MEMORY_BOUND = 24 * MiB
# S3 sends up to PARALLEL_PARTS parts while the next one arrives.
S3_UPLOAD_BOUND = (PARALLEL_PARTS + 1) * PART_SIZE + 4 * MiB
HOSTILE_KEYS = [
    "",
    "/etc/passwd",
    "../outside",
    "documents/../../outside",
    "documents/./file",
    "documents//file",
    "documents\\..\\outside",
    "documents/\x00file",
    "documents/line\nbreak",
    ".hidden",
    "documents/file.meta.json",
    "x" * 1025,
]


@pytest.fixture(params=["local", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    """A ready store of each kind: a fresh folder, or the session's bucket."""
    if request.param == "local":
        document_store: DocumentStore = LocalDocumentStore(tmp_path / "documents")
    else:
        document_store = S3DocumentStore(request.getfixturevalue("s3_settings"))
    await document_store.ensure_ready()
    yield document_store
    await document_store.close()


@pytest.fixture(params=["local", "s3"])
async def broken_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    """A store whose backend is gone: a folder that is a file, or S3 on a closed port."""
    if request.param == "local":
        not_a_folder = tmp_path / "documents"
        not_a_folder.write_bytes(b"")
        document_store: DocumentStore = LocalDocumentStore(not_a_folder)
    else:
        settings = S3Settings(
            endpoint=f"127.0.0.1:{_closed_port()}",
            access_key="nobody",
            secret_key="nothing",
            bucket="documents",
            region="us-east-1",
            secure=False,
        )
        document_store = S3DocumentStore(settings)
    yield document_store
    await document_store.close()


@pytest.fixture
def prefix() -> str:
    """A key prefix no other test uses (the S3 bucket is shared by the session)."""
    return f"tests/{uuid.uuid4().hex}/"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def chunks_of(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """Yield `data` in pieces of `size` bytes."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def read_all(reader: ObjectReader) -> bytes:
    """Return every chunk of `reader` joined."""
    async with reader:
        return b"".join([chunk async for chunk in reader])


async def test_put_get_stat_delete_round_trip(store: DocumentStore, prefix: str) -> None:
    data = os.urandom(300_000)
    key = prefix + "agreement.pdf"

    stored = await store.put(key, chunks_of(data), content_type="application/pdf")
    reader = await store.get(key)
    info = await store.stat(key)

    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert await read_all(reader) == data
    assert reader.info.size == len(data) and reader.info.content_type == "application/pdf"
    assert (info.size, info.sha256, info.content_type) == (
        len(data),
        stored.sha256,
        "application/pdf",
    )
    assert await store.exists(key)
    await store.delete(key)
    assert not await store.exists(key)


async def test_empty_object_round_trips(store: DocumentStore, prefix: str) -> None:
    stored = await store.put(prefix + "empty", chunks_of(b""), content_type="text/plain")

    assert stored.size == 0 and stored.sha256 == hashlib.sha256(b"").hexdigest()
    assert await read_all(await store.get(prefix + "empty")) == b""
    assert (await store.stat(prefix + "empty")).size == 0


async def test_put_replaces_an_existing_object(store: DocumentStore, prefix: str) -> None:
    first, second = os.urandom(1000), os.urandom(2000)
    await store.put(prefix + "doc", chunks_of(first), content_type="text/plain")

    await store.put(prefix + "doc", chunks_of(second), content_type="text/csv")

    assert await read_all(await store.get(prefix + "doc")) == second
    assert (await store.stat(prefix + "doc")).content_type == "text/csv"


async def test_missing_key_is_reported_before_streaming(store: DocumentStore, prefix: str) -> None:
    with pytest.raises(ObjectNotFound):
        await store.get(prefix + "missing")
    with pytest.raises(ObjectNotFound):
        await store.stat(prefix + "missing")
    assert not await store.exists(prefix + "missing")


async def test_delete_is_idempotent(store: DocumentStore, prefix: str) -> None:
    await store.put(prefix + "doc", chunks_of(os.urandom(10)), content_type="text/plain")

    await store.delete(prefix + "doc")
    await store.delete(prefix + "doc")
    await store.delete(prefix + "never/stored")

    assert await store.list_keys(prefix) == []


async def test_list_keys_matches_a_string_prefix(store: DocumentStore, prefix: str) -> None:
    keys = [prefix + name for name in ("a/1", "a/2", "ab", "b/1")]
    for key in keys:
        await store.put(key, chunks_of(os.urandom(10)), content_type="text/plain")

    assert await store.list_keys(prefix + "a/") == [prefix + "a/1", prefix + "a/2"]
    assert await store.list_keys(prefix + "a") == [prefix + "a/1", prefix + "a/2", prefix + "ab"]
    assert await store.list_keys(prefix) == keys
    assert set(keys) <= set(await store.list_keys())


async def test_upload_of_exactly_max_bytes_is_accepted(store: DocumentStore, prefix: str) -> None:
    data = os.urandom(1000)

    stored = await store.put(prefix + "doc", chunks_of(data), content_type="x/y", max_bytes=1000)

    assert stored.size == 1000


@pytest.mark.parametrize("size", [1500, 13 * MiB], ids=["one-part", "multipart"])
async def test_too_large_upload_leaves_no_object(store: DocumentStore, prefix: str, size: int) -> None:
    limit = size - 500
    data = os.urandom(size)

    with pytest.raises(ObjectTooLarge):
        await store.put(prefix + "doc", chunks_of(data, MiB), content_type="x/y", max_bytes=limit)

    assert await store.list_keys(prefix) == []
    if isinstance(store, S3DocumentStore):
        pending = store._client._list_multipart_uploads(store._bucket, prefix=prefix)
        assert pending.uploads == []


@pytest.mark.parametrize("size", [100_000, 12 * MiB], ids=["one-part", "multipart"])
async def test_failing_source_leaves_no_object(
    store: DocumentStore, prefix: str, size: int, tmp_path: Path
) -> None:
    async def broken_upload() -> AsyncIterator[bytes]:
        async for chunk in chunks_of(os.urandom(size), MiB):
            yield chunk
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store.put(prefix + "doc", broken_upload(), content_type="x/y")

    assert await store.list_keys(prefix) == []
    if isinstance(store, S3DocumentStore):
        pending = store._client._list_multipart_uploads(store._bucket, prefix=prefix)
        assert pending.uploads == []
    else:
        assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


async def test_too_large_upload_keeps_the_previous_object(store: DocumentStore, prefix: str) -> None:
    old = os.urandom(100)
    await store.put(prefix + "doc", chunks_of(old), content_type="x/y")

    with pytest.raises(ObjectTooLarge):
        await store.put(prefix + "doc", chunks_of(os.urandom(300)), content_type="x/y", max_bytes=200)

    assert await read_all(await store.get(prefix + "doc")) == old


async def test_presigned_url_downloads_the_object_on_s3_only(store: DocumentStore, prefix: str) -> None:
    data = os.urandom(5000)
    await store.put(prefix + "doc", chunks_of(data), content_type="application/octet-stream")

    url = await store.presigned_get_url(
        prefix + "doc",
        expires=timedelta(minutes=5),
        filename="Samtykke ø.pdf",
        content_type="application/pdf",
    )

    if isinstance(store, LocalDocumentStore):
        assert url is None
        return
    assert url is not None
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''Samtykke%20%C3%B8.pdf" in response.headers["content-disposition"]


async def test_large_object_streams_with_bounded_memory(store: DocumentStore, prefix: str) -> None:
    expected = hashlib.sha256()

    async def fifty_mebibytes() -> AsyncIterator[bytes]:
        for _ in range(50):
            chunk = os.urandom(MiB)
            expected.update(chunk)
            yield chunk

    received = hashlib.sha256()
    tracemalloc.start()
    try:
        stored = await store.put(prefix + "big", fifty_mebibytes(), content_type="x/y")
        put_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        async with await store.get(prefix + "big") as reader:
            async for chunk in reader:
                received.update(chunk)
        get_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert stored.size == 50 * MiB
    assert stored.sha256 == expected.hexdigest() == received.hexdigest()
    put_bound = S3_UPLOAD_BOUND if isinstance(store, S3DocumentStore) else MEMORY_BOUND
    assert put_peak < put_bound, f"put peaked at {put_peak / MiB:.1f} MiB"
    assert get_peak < MEMORY_BOUND, f"get peaked at {get_peak / MiB:.1f} MiB"
    multipart_on_s3 = isinstance(store, S3DocumentStore)
    assert (await store.stat(prefix + "big")).sha256 == (None if multipart_on_s3 else stored.sha256)


async def test_reader_closed_early_releases_the_object(store: DocumentStore, prefix: str) -> None:
    await store.put(prefix + "doc", chunks_of(os.urandom(3 * MiB)), content_type="x/y")

    reader = await store.get(prefix + "doc")
    first = await anext(reader)
    await reader.aclose()

    assert len(first) > 0
    assert [chunk async for chunk in reader] == []
    await store.delete(prefix + "doc")
    assert not await store.exists(prefix + "doc")


async def test_unusable_storage_is_reported_quickly(broken_store: DocumentStore) -> None:
    started = time.monotonic()

    with pytest.raises(StorageUnavailable):
        await broken_store.check()
    with pytest.raises(StorageUnavailable):
        await broken_store.put("doc", chunks_of(b"data"), content_type="x/y")
    with pytest.raises(StorageUnavailable):
        await broken_store.get("doc")
    with pytest.raises(StorageUnavailable):
        await broken_store.list_keys()

    assert time.monotonic() - started < 5


async def test_wrong_s3_secret_is_unavailable(s3_settings: S3Settings) -> None:
    wrong = msgspec.structs.replace(s3_settings, secret_key="wrong-" + s3_settings.secret_key)
    store = S3DocumentStore(wrong)

    with pytest.raises(StorageUnavailable, match="SignatureDoesNotMatch|AccessDenied"):
        await store.check()
    await store.close()


async def test_ensure_ready_creates_a_missing_bucket(s3_settings: S3Settings) -> None:
    settings = msgspec.structs.replace(s3_settings, bucket=f"ready-{uuid.uuid4().hex[:12]}")
    store = S3DocumentStore(settings)

    with pytest.raises(StorageUnavailable, match="does not exist"):
        await store.check()
    await store.ensure_ready()
    await store.ensure_ready()
    await store.check()
    await store.close()
    remove_bucket(settings)


async def test_ensure_ready_creates_a_missing_folder(tmp_path: Path) -> None:
    store = LocalDocumentStore(tmp_path / "data" / "documents")

    with pytest.raises(StorageUnavailable):
        await store.check()
    await store.ensure_ready()
    await store.check()


@pytest.mark.parametrize("key", HOSTILE_KEYS)
async def test_hostile_keys_are_rejected(store: DocumentStore, key: str) -> None:
    with pytest.raises(ValueError):
        await store.put(key, chunks_of(b"data"), content_type="x/y")
    with pytest.raises(ValueError):
        await store.get(key)
    with pytest.raises(ValueError):
        await store.delete(key)


async def test_local_store_writes_only_inside_its_folder(tmp_path: Path) -> None:
    store = LocalDocumentStore(tmp_path / "documents")
    await store.ensure_ready()

    for key in HOSTILE_KEYS:
        with pytest.raises(ValueError):
            await store.put(key, chunks_of(b"data"), content_type="x/y")
    await store.put("projects/1/doc", chunks_of(b"data"), content_type="x/y")

    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["documents/projects/1/doc", "documents/projects/1/doc.meta.json"]
    assert await store.list_keys() == ["projects/1/doc"]
