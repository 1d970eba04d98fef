"""The document store: one async interface over an S3 bucket or a local folder.

Both implementations stream with bounded memory, compute size and sha256 while writing, and
translate every backend failure into `StorageUnavailable`, a missing key into `ObjectNotFound`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import stat as stat_mode
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol, Self, TypeVar
from urllib.parse import quote

import anyio
import anyio.to_thread
import certifi
import msgspec
import urllib3
from minio import Minio
from minio.datatypes import Part
from minio.error import MinioException, S3Error
from urllib3 import HTTPHeaderDict

from coresearch.lib.private import make_private_dir, open_private, write_private
from coresearch.settings import S3Settings, Settings

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
PART_SIZE = 8 * 1024 * 1024
MAX_KEY_BYTES = 1024
SIDECAR_SUFFIX = ".meta.json"
SHA256_META = "x-amz-meta-sha256"
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchObject"})
_MISSING_ERRORS = (FileNotFoundError, NotADirectoryError, IsADirectoryError)

T = TypeVar("T")


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


class _Measure:
    """Counts and hashes the bytes of one upload, enforcing its size limit."""

    def __init__(self, max_bytes: int | None) -> None:
        self.size = 0
        self._max_bytes = max_bytes
        self._sha256 = hashlib.sha256()

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._max_bytes is not None and self.size > self._max_bytes:
            raise ObjectTooLarge(self._max_bytes)
        self._sha256.update(chunk)

    def hexdigest(self) -> str:
        return self._sha256.hexdigest()


def _info_from_headers(key: str, headers: HTTPHeaderDict) -> StoredObject:
    return StoredObject(
        key=key,
        size=int(headers.get("content-length", "0")),
        sha256=headers.get(SHA256_META),
        content_type=headers.get("content-type"),
        etag=(headers.get("etag") or "").strip('"') or None,
        last_modified=_http_date(headers.get("last-modified")),
    )


def _http_date(value: str | None) -> datetime | None:
    """Parse an HTTP date header; None when absent or malformed."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None


@dataclass
class _Multipart:
    """One S3 multipart upload in progress."""

    store: S3DocumentStore
    key: str
    upload_id: str
    parts: list[Part] = field(default_factory=list)

    async def send(self, data: bytearray) -> None:
        # The buffer goes out as is: urllib3 sends any bytes-like body, so a part is never copied.
        number = len(self.parts) + 1
        etag = await self.store._call(
            self.store._client._upload_part,
            self.store._bucket,
            self.key,
            data,
            None,
            self.upload_id,
            number,
        )
        self.parts.append(Part(number, etag))

    async def complete(self) -> str | None:
        result = await self.store._call(
            self.store._client._complete_multipart_upload,
            self.store._bucket,
            self.key,
            self.upload_id,
            self.parts,
        )
        return (result.etag or "").strip('"') or None

    async def abort(self) -> None:
        with anyio.CancelScope(shield=True):
            try:
                await self.store._call(
                    self.store._client._abort_multipart_upload,
                    self.store._bucket,
                    self.key,
                    self.upload_id,
                )
            except StorageError:
                logger.warning("Could not abort the multipart upload of %s", self.key, exc_info=True)


class S3DocumentStore:
    """Documents in one bucket of an S3-compatible service, through the synchronous minio SDK.

    Every SDK call runs on a worker thread under the store's own capacity limiter. `put` holds at
    most one part in memory: an object that fits in one part is written with a single PUT carrying
    its sha256 as `x-amz-meta-sha256`; a larger one goes up in parts (minio's multipart calls),
    and since S3 takes metadata when a multipart upload starts, before the digest is known, it has
    no sha256 metadata: `stat` then returns `sha256=None` and the caller's database row is the
    authority. A failed or too-large upload is aborted, so no object is left behind.
    """

    def __init__(
        self,
        settings: S3Settings,
        *,
        part_size: int = PART_SIZE,
        max_threads: int = 16,
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
    ) -> None:
        if part_size < 5 * 1024 * 1024:
            raise ValueError("S3 parts must be at least 5 MiB")
        self._bucket = settings.bucket
        self._part_size = part_size
        self._limiter = anyio.CapacityLimiter(max_threads)
        self._http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            maxsize=max_threads,
            cert_reqs="CERT_REQUIRED",
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
            retries=urllib3.Retry(total=1, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)),
        )
        self._client = Minio(
            settings.endpoint,
            access_key=settings.access_key,
            secret_key=settings.secret_key,
            secure=settings.secure,
            region=settings.region,
            http_client=self._http,
        )

    async def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await anyio.to_thread.run_sync(partial(function, *args, **kwargs), limiter=self._limiter)
        except S3Error as error:
            if error.code in _NOT_FOUND_CODES:
                raise ObjectNotFound(error.object_name or "") from error
            raise StorageUnavailable(f"S3 {error.code}: {error.message}") from error
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as error:
            raise StorageUnavailable(f"S3 request failed: {error}") from error

    async def put(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Stream `chunks` to `key`: one PUT if they fit in one part, else a multipart upload."""
        validate_key(key)
        measure = _Measure(max_bytes)
        buffer = bytearray()
        upload: _Multipart | None = None
        try:
            async for chunk in chunks:
                measure.add(chunk)
                buffer += chunk
                if len(buffer) >= self._part_size:
                    upload = upload or await self._start_multipart(key, content_type)
                    await upload.send(buffer)
                    buffer = bytearray()
            if upload is None:
                etag = await self._put_single(key, buffer, content_type, measure.hexdigest())
            else:
                if buffer:
                    await upload.send(buffer)
                etag = await upload.complete()
        except BaseException:
            if upload is not None:
                await upload.abort()
            raise
        return StoredObject(key, measure.size, measure.hexdigest(), content_type, etag)

    async def _start_multipart(self, key: str, content_type: str) -> _Multipart:
        upload_id = await self._call(
            self._client._create_multipart_upload,
            self._bucket,
            key,
            {"Content-Type": content_type},
        )
        return _Multipart(self, key, upload_id)

    async def _put_single(self, key: str, data: bytearray, content_type: str, sha256: str) -> str | None:
        headers = {"Content-Type": content_type, SHA256_META: sha256}
        result = await self._call(self._client._put_object, self._bucket, key, data, headers)
        return result.etag or None

    async def get(self, key: str) -> ObjectReader:
        """Open `key` for streaming; raises ObjectNotFound before any chunk is read."""
        validate_key(key)
        response = await self._call(self._client.get_object, self._bucket, key)

        async def read_chunk() -> bytes:
            return await self._call(response.read, CHUNK_SIZE)

        async def close() -> None:
            response.close()
            response.release_conn()

        return ObjectReader(_info_from_headers(key, response.headers), read_chunk, close)

    async def stat(self, key: str) -> StoredObject:
        """Return size, sha256 (when stored as metadata), content type and etag of `key`."""
        validate_key(key)
        result = await self._call(self._client.stat_object, self._bucket, key)
        return _info_from_headers(key, HTTPHeaderDict(result.metadata or {}))

    async def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error."""
        validate_key(key)
        await self._call(self._client.remove_object, self._bucket, key)

    async def exists(self, key: str) -> bool:
        """Return whether an object is stored under `key`."""
        try:
            await self.stat(key)
        except ObjectNotFound:
            return False
        return True

    async def list_keys(self, prefix: str = "") -> list[str]:
        """Return the sorted keys starting with `prefix`."""

        def list_all() -> list[str]:
            found = self._client.list_objects(self._bucket, prefix=prefix or None, recursive=True)
            return sorted(item.object_name for item in found if item.object_name)

        return await self._call(list_all)

    async def presigned_get_url(
        self,
        key: str,
        *,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str | None:
        """Return a signed GET URL, optionally forcing the download name and content type."""
        validate_key(key)
        overrides: dict[str, str | list[str] | tuple[str]] = {}
        if filename is not None:
            overrides["response-content-disposition"] = attachment_disposition(filename)
        if content_type is not None:
            overrides["response-content-type"] = content_type
        return await self._call(
            self._client.presigned_get_object,
            self._bucket,
            key,
            expires=expires,
            response_headers=overrides or None,
        )

    async def check(self) -> None:
        """Raise StorageUnavailable unless the bucket answers to these credentials."""
        if not await self._call(self._client.bucket_exists, self._bucket):
            raise StorageUnavailable(f"S3 bucket {self._bucket!r} does not exist")

    async def ensure_ready(self) -> None:
        """Create the bucket if it is missing."""

        def create_bucket() -> None:
            if self._client.bucket_exists(self._bucket):
                return
            try:
                self._client.make_bucket(self._bucket)
            except S3Error as error:
                if error.code != "BucketAlreadyOwnedByYou":
                    raise

        await self._call(create_bucket)

    async def close(self) -> None:
        """Close the pooled connections."""
        self._http.clear()


class _Sidecar(msgspec.Struct, frozen=True):
    sha256: str
    content_type: str | None


class LocalDocumentStore:
    """Documents as files under one folder, each with a `<file>.meta.json` sidecar.

    A write streams into a hidden temporary file beside its target and is renamed into place, so
    a reader sees the old object or the new one, never part of one. A key cannot both be an
    object and a folder of other keys here (S3 allows `a` next to `a/b`; a disk does not).
    """

    def __init__(self, root: Path) -> None:
        self._root = Path(root)

    def _path(self, key: str) -> Path:
        return self._root.joinpath(*validate_key(key).split("/"))

    async def _disk(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking file work on a thread; any OSError means the store is unusable."""
        try:
            return await anyio.to_thread.run_sync(partial(function, *args))
        except OSError as error:
            raise StorageUnavailable(f"local document store: {error}") from error

    async def _lookup(self, key: str, function: Callable[..., T], *args: Any) -> T:
        """Like `_disk`, but a missing file (in an existing root) means ObjectNotFound."""
        try:
            return await anyio.to_thread.run_sync(partial(function, *args))
        except _MISSING_ERRORS as error:
            if not await anyio.to_thread.run_sync(self._root.is_dir):
                raise StorageUnavailable(f"document folder {self._root} is missing") from error
            raise ObjectNotFound(key) from error
        except OSError as error:
            raise StorageUnavailable(f"local document store: {error}") from error

    async def put(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Stream `chunks` into a temporary file, then rename it to `key` with its sidecar."""
        path = self._path(key)
        temp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
        measure = _Measure(max_bytes)
        await self._disk(make_private_dir, path.parent)
        handle = await self._disk(_open, temp, "wb")
        try:
            async for chunk in chunks:
                measure.add(chunk)
                await self._disk(handle.write, chunk)
            await self._disk(_flush_and_close, handle)
            sidecar = _Sidecar(sha256=measure.hexdigest(), content_type=content_type)
            await self._disk(_commit, temp, path, sidecar)
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_discard, handle, temp)
        return StoredObject(key, measure.size, measure.hexdigest(), content_type, None)

    async def get(self, key: str) -> ObjectReader:
        """Open `key` for streaming; raises ObjectNotFound before any chunk is read."""
        path = self._path(key)
        handle = await self._lookup(key, _open, path, "rb")
        try:
            info = await self._lookup(key, _describe, key, path, handle.fileno())
        except BaseException:
            handle.close()
            raise

        async def read_chunk() -> bytes:
            return await self._disk(handle.read, CHUNK_SIZE)

        async def close() -> None:
            handle.close()

        return ObjectReader(info, read_chunk, close)

    async def stat(self, key: str) -> StoredObject:
        """Return size, sha256 and content type of `key`."""
        path = self._path(key)
        return await self._lookup(key, _describe, key, path, None)

    async def delete(self, key: str) -> None:
        """Remove `key` and its sidecar; removing a missing key is not an error."""
        await self._disk(_unlink_object, self._path(key))

    async def exists(self, key: str) -> bool:
        """Return whether an object is stored under `key`."""
        return await self._disk(self._path(key).is_file)

    async def list_keys(self, prefix: str = "") -> list[str]:
        """Return the sorted keys starting with `prefix`."""
        folder = prefix.rpartition("/")[0]
        start = self._path(folder) if folder else self._root
        keys = await self._disk(_walk_keys, self._root, start)
        return [key for key in keys if key.startswith(prefix)]

    async def presigned_get_url(
        self,
        key: str,
        *,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str | None:
        """Return None: local documents are streamed by the caller."""
        self._path(key)
        return None

    async def check(self) -> None:
        """Raise StorageUnavailable unless a file can be written in the folder."""
        await self._disk(_probe_writable, self._root)

    async def ensure_ready(self) -> None:
        """Create the folder if it is missing, then check it."""
        await self._disk(make_private_dir, self._root)
        await self.check()

    async def close(self) -> None:
        """Nothing to release."""


def _sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _commit(temp: Path, path: Path, sidecar: _Sidecar) -> None:
    """Write the sidecar, then rename data and sidecar into place and persist the folder."""
    sidecar_temp = temp.with_name(temp.name + SIDECAR_SUFFIX)
    try:
        write_private(sidecar_temp, msgspec.json.encode(sidecar))
        os.replace(temp, path)
        os.replace(sidecar_temp, _sidecar_path(path))
    finally:
        _remove_quietly(sidecar_temp)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _describe(key: str, path: Path, fileno: int | None) -> StoredObject:
    status = os.stat(fileno if fileno is not None else path)
    if not stat_mode.S_ISREG(status.st_mode):
        raise FileNotFoundError(path)
    try:
        sidecar = msgspec.json.decode(_sidecar_path(path).read_bytes(), type=_Sidecar)
    except (FileNotFoundError, msgspec.DecodeError):
        sidecar = None
    return StoredObject(
        key=key,
        size=status.st_size,
        sha256=sidecar.sha256 if sidecar else None,
        content_type=sidecar.content_type if sidecar else None,
        etag=None,
        last_modified=datetime.fromtimestamp(status.st_mtime, UTC),
    )


def _unlink_object(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except IsADirectoryError:
        return
    _sidecar_path(path).unlink(missing_ok=True)


def _open(path: Path, mode: Literal["rb", "wb"]) -> BinaryIO:
    return open_private(path) if mode == "wb" else path.open(mode)


def _flush_and_close(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


def _discard(handle: BinaryIO, temp: Path) -> None:
    """Close `handle` if still open and remove the temporary file if it was not renamed."""
    try:
        handle.close()
    except OSError:
        logger.warning("Could not close the temporary file %s", temp, exc_info=True)
    _remove_quietly(temp)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except _MISSING_ERRORS:
        pass
    except OSError:
        logger.warning("Could not remove the temporary file %s", path, exc_info=True)


def _walk_keys(root: Path, start: Path) -> list[str]:
    if not root.is_dir():
        raise FileNotFoundError(f"document folder {root} is missing")
    keys = []
    for folder, folders, files in os.walk(start):
        folders[:] = [name for name in folders if not name.startswith(".")]
        relative = Path(folder).relative_to(root)
        for name in files:
            if not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX):
                keys.append((relative / name).as_posix())
    return sorted(keys)


def _probe_writable(root: Path) -> None:
    probe = root / f".probe-{secrets.token_hex(8)}"
    probe.write_bytes(b"")
    probe.unlink()


def build_document_store(settings: Settings) -> DocumentStore:
    """Return the S3 store when S3 is configured, else the local-disk store."""
    if settings.s3 is not None:
        return S3DocumentStore(settings.s3)
    return LocalDocumentStore(settings.documents_dir)
