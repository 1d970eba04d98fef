"""Small helpers every service uses: the clock, the fields a PATCH sets, row locks, known rows."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from piccolo.query import Select

from coresearch.lib.db import current_engine


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC."""
    return now().date()


def set_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body sets, with enums as their stored values."""
    return {
        name: value.value if hasattr(value, "value") else value
        for name, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }


def locked(query: Select[Any]) -> Select[Any]:
    """Lock the selected rows until the transaction ends.

    PostgreSQL takes a row lock; SQLite has no row locks and lets one writer in at a time.
    """
    return query.lock_rows() if current_engine().engine_type == "postgres" else query


class MissingRow(LookupError):
    """A row the caller had just written or locked was not there: a bug, not bad input."""


async def one(query: Awaitable[dict[str, Any] | None]) -> dict[str, Any]:
    """The row of a `.first()` query for a row known to exist (inserted or locked just before)."""
    row = await query
    if row is None:
        raise MissingRow("A row written or locked in this transaction was not found")
    return row
