"""Request and response bodies of the payments area."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from coresearch.lib.pagination import Paging
from coresearch.lib.text import SingleLine, TextFilter

Name = Annotated[SingleLine, msgspec.Meta(min_length=1, max_length=200)]
# Up to NOK 100,000 an hour: far above any real fee, low enough that no sum can overflow.
HourlyRateOre = Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
RoundingMinutes = Annotated[int, msgspec.Meta(ge=1, le=60)]
MinimumMinutes = Annotated[int, msgspec.Meta(ge=0, le=480)]


class RateTable(msgspec.Struct):
    """One version of a rate table: money in øre, durations in minutes."""

    id: UUID
    name: str
    hourly_rate_ore: int
    rounding_minutes: int
    minimum_in_person_minutes: int
    valid_from: date
    created_at: datetime


class RateTableCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A rate table, or a new version of one (same `name`, later `valid_from`).

    `rounding_minutes` must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60).
    """

    name: Name
    hourly_rate_ore: HourlyRateOre
    rounding_minutes: RoundingMinutes
    minimum_in_person_minutes: MinimumMinutes
    valid_from: date


class RateTableFilters(Paging, frozen=True, kw_only=True):
    """`GET /rate-tables`: every version, latest `valid_from` first, optionally of one name."""

    name: TextFilter = None
