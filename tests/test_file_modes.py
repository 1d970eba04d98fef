"""Everything the service writes under the data dir is owner-only (it holds health-related data)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from coresearch.lib import db
from coresearch.lib.storage import LocalDocumentStore
from coresearch.settings import SECRETS_FILE, load_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The common default umask, under which plain creation gives world-readable files."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_the_sqlite_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "coresearch.db"
    db._prepare_sqlite_file(path)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.execute("INSERT INTO notes VALUES ('hemmelig')")
        companions = [path.with_name(path.name + suffix) for suffix in db.SQLITE_COMPANIONS]
        assert all(companion.exists() for companion in companions)
        assert [mode(p) for p in (path, *companions)] == [0o600, 0o600, 0o600]
    assert mode(path.parent) == 0o700


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    db._prepare_sqlite_file(path)
    assert mode(path) == 0o600


def test_generated_secrets_and_the_data_dir_are_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"
    load_settings({"COSEARCH_DATA_DIR": str(data_dir)})
    assert mode(data_dir) == 0o700
    assert mode(data_dir / SECRETS_FILE) == 0o600


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_local_documents_their_sidecars_and_folders_are_owner_only(tmp_path: Path) -> None:
    root = tmp_path / "documents"
    store = LocalDocumentStore(root)
    await store.ensure_ready()
    await store.put("projects/p1/d1/v1", chunks(os.urandom(2048)), content_type="application/pdf")
    files = [p for p in root.rglob("*") if p.is_file()]
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    assert len(files) == 2  # the object and its sidecar
    assert {mode(p) for p in files} == {0o600}
    assert {mode(p) for p in folders} == {0o700}
