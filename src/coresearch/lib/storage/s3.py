"""The document store on an S3-compatible service (SeaweedFS, MinIO, AWS S3), through the minio SDK."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar, cast

import anyio
import anyio.to_thread
import certifi
import urllib3
from anyio.streams.memory import MemoryObjectReceiveStream
from minio import Minio
from minio.datatypes import Part
from minio.error import MinioException, S3Error
from urllib3 import HTTPHeaderDict

from coresearch.lib.storage.base import (
    Measure,
    ObjectNotFound,
    ObjectReader,
    StorageError,
    StorageUnavailable,
    StoredObject,
    attachment_disposition,
    validate_key,
)
from coresearch.lib.storage.streams import PartCutter, ReadAhead, first_error
from coresearch.settings import S3Settings

logger = logging.getLogger(__name__)

PART_SIZE = 8 * 1024 * 1024
PARALLEL_PARTS = 3  # what the minio SDK's own put_object sends at once
READ_SIZE = 4 * 1024 * 1024  # a download chunk: a third less server CPU than 1 MiB reads
SHA256_META = "x-amz-meta-sha256"
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchObject"})

T = TypeVar("T")


class S3DocumentStore:
    """Documents in one bucket of an S3-compatible service, through the synchronous minio SDK.

    Every SDK call runs on a worker thread under the store's own capacity limiter. An object that
    fits in one part is written with a single PUT carrying its sha256 as `x-amz-meta-sha256`; a
    larger one goes up in parts, up to `parallel_parts` of them at once while the next is being
    received, so an upload holds at most `parallel_parts + 1` parts in memory. S3 takes metadata
    when a multipart upload starts, before the digest is known, so such an object has no sha256
    metadata: `stat` then returns `sha256=None` and the caller's database row is the authority.
    A failed or too-large upload is aborted, so no object is left behind.
    """

    def __init__(
        self,
        settings: S3Settings,
        *,
        part_size: int = PART_SIZE,
        parallel_parts: int = PARALLEL_PARTS,
        max_threads: int = 16,
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
    ) -> None:
        if part_size < 5 * 1024 * 1024:
            raise ValueError("S3 parts must be at least 5 MiB")
        if parallel_parts < 1:
            raise ValueError("at least one part must be allowed in flight")
        self._bucket = settings.bucket
        self._part_size = part_size
        self._parallel_parts = parallel_parts
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
        measure = Measure(max_bytes)
        parts = PartCutter(chunks, self._part_size, measure)
        if await parts.first_is_last():
            headers = {"Content-Type": content_type, SHA256_META: measure.hexdigest()}
            result = await self._call(
                self._client._put_object, self._bucket, key, parts.take_first(), headers
            )
            etag = result.etag or None
        else:
            etag = await self._put_multipart(key, parts, content_type)
        return StoredObject(key, measure.size, measure.hexdigest(), content_type, etag)

    async def _put_multipart(self, key: str, parts: PartCutter, content_type: str) -> str | None:
        """Send the parts while the next ones arrive; complete once the stream has ended cleanly."""
        upload_id: str = await self._call(
            self._client._create_multipart_upload, self._bucket, key, {"Content-Type": content_type}
        )
        etags: dict[int, str] = {}
        try:
            try:
                await self._send_all(key, upload_id, parts, etags)
            except BaseExceptionGroup as group:
                error = first_error(group)
                error.__suppress_context__ = True  # the group only repeats it
                raise error  # noqa: B904 (its own cause, if any, is kept)
            result = await self._call(
                self._client._complete_multipart_upload,
                self._bucket,
                key,
                upload_id,
                [Part(number, etags[number]) for number in sorted(etags)],
            )
        except BaseException:
            await self._abort(key, upload_id)
            raise
        return (result.etag or "").strip('"') or None

    async def _send_all(self, key: str, upload_id: str, parts: PartCutter, etags: dict[int, str]) -> None:
        # An unbuffered channel: a received part waits until a sender is free, so at most
        # `parallel_parts` are being sent and one is being received. Any failure cancels the rest.
        send, receive = anyio.create_memory_object_stream[tuple[int, bytearray]]()
        async with anyio.create_task_group() as senders:
            with receive:
                for _ in range(self._parallel_parts):
                    senders.start_soon(self._send_parts, key, upload_id, receive.clone(), etags)
            async with send:
                number = 0
                async for part in parts:
                    number += 1
                    await send.send((number, part))
                    del part  # a sender holds it now; don't keep it alive while the next arrives

    async def _send_parts(
        self,
        key: str,
        upload_id: str,
        queue: MemoryObjectReceiveStream[tuple[int, bytearray]],
        etags: dict[int, str],
    ) -> None:
        with queue:
            async for number, data in queue:
                holder = [data]
                del data
                etags[number] = await self._call(self._upload_part, key, upload_id, number, holder)

    def _upload_part(self, key: str, upload_id: str, number: int, holder: list[bytearray]) -> str:
        # On a worker thread. The part is taken out of `holder` so that nothing refers to it once
        # the call returns: anyio's worker drops its own references to the arguments only after
        # reporting the result, when the next part may already be allocated. The buffer goes out
        # as is (urllib3 sends any bytes-like body, whatever minio's annotation says), never copied.
        part = cast("bytes", holder.pop())
        return self._client._upload_part(self._bucket, key, part, None, upload_id, number)

    async def _abort(self, key: str, upload_id: str) -> None:
        with anyio.CancelScope(shield=True):
            try:
                await self._call(self._client._abort_multipart_upload, self._bucket, key, upload_id)
            except StorageError:
                logger.warning("Could not abort the multipart upload of %s", key, exc_info=True)

    async def get(self, key: str) -> ObjectReader:
        """Open `key` for streaming; raises ObjectNotFound before any chunk is read.

        Each chunk (`READ_SIZE`) is fetched while the caller is still sending the one before it.
        """
        validate_key(key)
        response = await self._call(self._client.get_object, self._bucket, key)
        ahead = ReadAhead(partial(self._call, response.read, READ_SIZE))

        async def close() -> None:
            await ahead.stop()
            response.close()
            response.release_conn()

        return ObjectReader(_info_from_headers(key, response.headers), ahead.next, close)

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
