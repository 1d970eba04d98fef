"""Keyset pagination: `?limit=&cursor=` in, `{items, next_cursor}` out, stable under inserts."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec

from coresearch.lib.problems import BadRequest

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(msgspec.Struct, Generic[T]):
    """One page of a list."""

    items: list[T]
    next_cursor: str | None


class Cursor(msgspec.Struct, frozen=True, array_like=True):
    """The position after the last item of a page: its sort value and its id."""

    sort_value: str
    id: UUID


def check_limit(limit: int) -> int:
    """Return `limit` if within 1..MAX_LIMIT, else answer 400."""
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(
            f"limit must be between 1 and {MAX_LIMIT}",
            errors=[{"field": "limit", "message": f"must be between 1 and {MAX_LIMIT}"}],
        )
    return limit


def encode_cursor(sort_value: Any, row_id: UUID) -> str:
    """Encode the position of a row as an opaque cursor."""
    value = sort_value.isoformat() if isinstance(sort_value, datetime) else str(sort_value)
    raw = msgspec.json.encode(Cursor(sort_value=value, id=row_id))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Cursor:
    """Decode a cursor from `encode_cursor`, answering 400 for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=Cursor)
    except (ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise BadRequest(
            "The cursor is not valid", errors=[{"field": "cursor", "message": "not a cursor"}]
        ) from None


def decode_datetime_cursor(cursor: str) -> tuple[datetime, UUID]:
    """Decode a cursor whose sort value is a timestamp."""
    position = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(position.sort_value), position.id
    except ValueError:
        raise BadRequest(
            "The cursor is not valid", errors=[{"field": "cursor", "message": "not a cursor"}]
        ) from None


def page_of(rows: list[Any], limit: int, *, sort_key: str, convert: Any) -> Page[Any]:
    """Build a page from up to `limit + 1` rows fetched in keyset order."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1][sort_key], rows[-1]["id"]) if more and rows else None
    return Page(items=[convert(row) for row in rows], next_cursor=next_cursor)
