"""Keyset pagination: `?limit=&cursor=` in, `{items, next_cursor}` out, stable under inserts.

A cursor holds the sort value and the id of a page's last row; the next page starts strictly
after that position in (sort value, id) order, so a page never repeats or skips a row that
existed when the first page was read, whatever is added in between. `keyset` orders a query and
adds that condition; a list written as fixed SQL decodes the cursor with `decode_cursor` and
writes the same condition itself.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Annotated, Any, Generic, NamedTuple, TypeVar
from uuid import UUID

import msgspec
from litestar.di import Provide
from litestar.params import FromQuery, QueryParameter
from piccolo.columns import Column
from piccolo.query import Select
from piccolo.querystring import QueryString

from coresearch.lib.problems import BadRequest

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Paging(msgspec.Struct, frozen=True, kw_only=True):
    """The page a list request asks for; each list's filter struct extends it.

    Filter structs are Litestar dependencies (`Provide(TheFilters)`): each field is a query
    parameter, declared once here or in the area's `schemas.py`.
    """

    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    cursor: FromQuery[str | None] = None


class Page(msgspec.Struct, Generic[T]):
    """One page of a list."""

    items: list[T]
    next_cursor: str | None


class Cursor(msgspec.Struct, frozen=True, array_like=True):
    """The position after the last item of a page, as encoded: sort value (null when the row has
    none) and id."""

    sort_value: str | None
    id: UUID


class Position(NamedTuple):
    """A decoded cursor: the sort value, typed, and the id."""

    value: Any
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
    if sort_value is None or isinstance(sort_value, str):
        value = sort_value
    else:
        value = sort_value.isoformat() if isinstance(sort_value, date) else str(sort_value)
    raw = msgspec.json.encode(Cursor(sort_value=value, id=row_id))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort_type: type[date | datetime | str], *, nullable: bool = False) -> Position:
    """Decode a cursor from `encode_cursor` whose sort value is a `sort_type`; 400 for anything
    else. The value is None only for a `nullable` sort column's null."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = msgspec.json.decode(raw, type=Cursor)
        if position.sort_value is None:
            if not nullable:
                raise ValueError("no sort value")
            return Position(None, position.id)
        return Position(msgspec.convert(position.sort_value, sort_type), position.id)
    except (ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise BadRequest(
            "The cursor is not valid", errors=[{"field": "cursor", "message": "not a cursor"}]
        ) from None


def keyset(
    query: Select[Any],
    cursor: str | None,
    *,
    sort: Column,
    sort_type: type[date | datetime | str],
    id_column: Column,
    descending: bool = False,
    nulls_last: bool = False,
) -> Select[Any]:
    """Order `query` by (sort, id) and, given a cursor, keep only the rows after its position.

    Ascending that is `(sort > v) OR (sort = v AND id > last)`, descending its mirror image,
    written `sort >= v AND (sort > v OR id > last)`: the redundant first term bounds the index
    range. With `nulls_last` (ascending lists of a nullable column) rows without a sort value
    come after all others, ordered by id.
    """
    if nulls_last and descending:
        raise ValueError("nulls_last is for ascending lists")
    order = (QueryString(f"{sort._meta.get_full_name(with_alias=False)} IS NULL"),) if nulls_last else ()
    query = query.order_by(*order, sort, id_column, ascending=not descending)
    if not cursor:
        return query
    value, last_id = decode_cursor(cursor, sort_type, nullable=nulls_last)
    if value is None:
        return query.where(sort.is_null() & (id_column > last_id))
    if descending:
        after = (sort <= value) & ((sort < value) | (id_column < last_id))
    else:
        after = (sort >= value) & ((sort > value) | (id_column > last_id))
    return query.where((after | sort.is_null()) if nulls_last else after)


def page_of(rows: list[Any], limit: int, *, sort_key: str, convert: Any) -> Page[Any]:
    """Build a page from up to `limit + 1` rows fetched in keyset order."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1][sort_key], rows[-1]["id"]) if more and rows else None
    return Page(items=[convert(row) for row in rows], next_cursor=next_cursor)


def provide_filters(filters: type[Paging]) -> dict[str, Provide]:
    """The `dependencies=` of a list route: its filter struct, built from the query, as `filters`."""
    return {"filters": Provide(filters, sync_to_thread=False)}
