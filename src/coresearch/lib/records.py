"""Small helpers every service uses: the clock, the fields a PATCH sets, row locks."""

from __future__ import annotations

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


def locked(query: Select) -> Select:
    """Lock the selected rows until the transaction ends.

    PostgreSQL takes a row lock; SQLite has no row locks and lets one writer in at a time.
    """
    return query.lock_rows() if current_engine().engine_type == "postgres" else query
