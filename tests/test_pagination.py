"""Cursors: one encoding, decoded to the sort column's type, and 400 for anything else."""

import base64
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from coresearch.lib.pagination import decode_cursor, encode_cursor
from coresearch.lib.problems import BadRequest

ROW_ID = UUID("153c81ac-c2b8-43e2-84df-6f7745da88b1")  # fixed: parameter ids must match across xdist workers


@pytest.mark.parametrize(
    ("value", "sort_type"),
    [
        (date(2026, 3, 2), date),
        (datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=UTC), datetime),
        ("Bergen", str),
    ],
)
def test_a_cursor_decodes_to_the_value_and_id_it_was_made_from(value: object, sort_type: type) -> None:
    position = decode_cursor(encode_cursor(value, ROW_ID), sort_type)

    assert position == (value, ROW_ID)
    assert type(position.value) is sort_type


def test_a_null_sort_value_is_accepted_only_for_a_nullable_column() -> None:
    cursor = encode_cursor(None, ROW_ID)

    assert decode_cursor(cursor, date, nullable=True) == (None, ROW_ID)
    with pytest.raises(BadRequest):
        decode_cursor(cursor, date)


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("cursor", "sort_type"),
    [
        ("garbage", date),
        ("é", date),
        (_raw(f'["2026-13-40","{ROW_ID}"]'), date),
        (_raw(f'["i går","{ROW_ID}"]'), datetime),
        (_raw('["2026-03-02","not-an-id"]'), date),
        (_raw('["2026-03-02"]'), date),
        (_raw(f'[3,"{ROW_ID}"]'), str),
    ],
)
def test_anything_else_is_a_bad_request_naming_the_cursor(cursor: str, sort_type: type) -> None:
    with pytest.raises(BadRequest) as refused:
        decode_cursor(cursor, sort_type)

    assert refused.value.errors == [{"field": "cursor", "message": "not a cursor"}]
