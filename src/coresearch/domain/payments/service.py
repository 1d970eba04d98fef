"""Rate tables: dated versions of what co-researchers are paid, never edited in place.

Admins write them; admins, research leaders and anyone who leads a project read them (a lead
chooses one for an agreement). A new rate is a new version: same `name`, later `valid_from`.
`rate_for` gives the version in force on a day, for what the claims will compute.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.payments import schemas as s
from coresearch.domain.payments.tables import RateTable
from coresearch.domain.projects.access import has_oversight, leads_a_project
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, keyset, page_of
from coresearch.lib.problems import Conflict, Forbidden, NotFound, Unprocessable
from coresearch.lib.records import one

# The embedded default's example (Helse Bergen's 2025 terms, docs/decisions.md), named as one.
EXAMPLE = s.RateTableCreate(
    name="Eksempel: Helse Bergen 2025",
    hourly_rate_ore=35_500,
    rounding_minutes=30,
    minimum_in_person_minutes=60,
    valid_from=date(2025, 1, 1),
)


DIVISORS = ", ".join(str(step) for step in range(1, 61) if 60 % step == 0)


def to_rate_table(row: dict[str, Any]) -> s.RateTable:
    """A rate table row as the API shows it."""
    return msgspec.convert(row, s.RateTable)


def _check_rounding(rounding_minutes: int) -> None:
    # A step that does not divide the hour would make a whole hour round to something else.
    if 60 % rounding_minutes:
        raise Unprocessable(
            "Rounding must divide the hour",
            errors=[
                {
                    "field": "rounding_minutes",
                    "message": "must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)",
                }
            ],
        )


async def _insert(*, actor: audit.Actor, data: s.RateTableCreate) -> s.RateTable:
    """Insert one version with its audit row; 409 when the name already has one from that day."""
    _check_rounding(data.rounding_minutes)
    async with transaction():
        same_day = RateTable.exists().where(
            (RateTable.name == data.name) & (RateTable.valid_from == data.valid_from)
        )
        if await same_day:
            raise Conflict(
                f"{data.name!r} already has a version valid from {data.valid_from.isoformat()}; "
                "a new version needs a later valid_from"
            )
        table = RateTable(**msgspec.structs.asdict(data))
        await RateTable.insert(table)
        row = await one(RateTable.select().where(RateTable.id == table.id).first())
        await audit.record(
            actor=actor,
            action="rate_table.create",
            entity="rate_table",
            entity_id=table.id,
            after=msgspec.structs.asdict(data),
        )
        return to_rate_table(row)


async def create_rate_table(*, principal: Principal, data: s.RateTableCreate) -> s.RateTable:
    """Write a rate table, or a new version of one (admins; the route's guard checks)."""
    return await _insert(actor=actor_of(principal), data=data)


async def list_rate_tables(*, principal: Principal, filters: s.RateTableFilters) -> Page[s.RateTable]:
    """Every version, latest `valid_from` first (admins, research leaders, project leads)."""
    if not has_oversight(principal) and not await leads_a_project(user_id=principal.id):
        raise Forbidden("Rate tables are read by admins, research leaders and project leads")
    query = RateTable.select()
    if filters.name is not None:
        query = query.where(RateTable.name == filters.name)
    query = keyset(
        query,
        filters.cursor,
        sort=RateTable.valid_from,
        sort_type=date,
        id_column=RateTable.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="valid_from", convert=to_rate_table)


async def check_rate_table_id(rate_table_id: UUID | None) -> None:
    """422 naming `rate_table_id` unless it is None or the id of a rate table version."""
    if rate_table_id is not None and not await RateTable.exists().where(RateTable.id == rate_table_id):
        raise Unprocessable(
            "No such rate table",
            errors=[{"field": "rate_table_id", "message": "not the id of a rate table"}],
        )


async def rate_for(*, name_or_id: str | UUID, on: date) -> s.RateTable:
    """The version of a rate table in force on a day: the latest `valid_from` on or before it.

    An id names the table its version belongs to (an agreement keeps the id of the version
    chosen; later versions of the same name apply from their own day).

    Raises:
        NotFound: no rate table has that id or name.
        Unprocessable: the table has no version valid yet on that day.
    """
    name = name_or_id
    if isinstance(name_or_id, UUID):
        row = await RateTable.select(RateTable.name).where(RateTable.id == name_or_id).first()
        if row is None:
            raise NotFound("No such rate table")
        name = row["name"]
    in_force = await (
        RateTable.select()
        .where((RateTable.name == name) & (RateTable.valid_from <= on))
        .order_by(RateTable.valid_from, ascending=False)
        .first()
    )
    if in_force is not None:
        return to_rate_table(in_force)
    if not await RateTable.exists().where(RateTable.name == name):
        raise NotFound("No such rate table")
    raise Unprocessable(f"The rate table {name!r} has no version valid on {on.isoformat()}")


async def ensure_example_rate_table() -> bool:
    """Seed the example on the embedded default unless a table of its name exists; True when
    it was written (by the system: `serve` and `demo` call it at start)."""
    if await RateTable.exists().where(RateTable.name == EXAMPLE.name):
        return False
    await _insert(actor=audit.SYSTEM, data=EXAMPLE)
    return True
