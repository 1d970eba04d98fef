"""The document store on local disk: one file per object, with a JSON sidecar for its metadata."""

from __future__ import annotations

import logging
import os
import secrets
import stat as stat_mode
from collections.abc import AsyncIterable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypeVar

import anyio
import anyio.to_thread
import msgspec

from coresearch.lib.private import make_private_dir, open_private, write_private
from coresearch.lib.storage.base import (
    CHUNK_SIZE,
    SIDECAR_SUFFIX,
    Measure,
    ObjectNotFound,
    ObjectReader,
    StorageUnavailable,
    StoredObject,
    validate_key,
)

logger = logging.getLogger(__name__)

_MISSING_ERRORS = (FileNotFoundError, NotADirectoryError, IsADirectoryError)

T = TypeVar("T")


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
        measure = Measure(max_bytes)
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
