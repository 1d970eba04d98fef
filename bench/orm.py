"""The list endpoint's page query through Piccolo and, as the same SQL, through raw asyncpg.

The Piccolo side mirrors `coresearch.domain.involvement.activities.list_activities`: it builds the
page statement (the activities with their participants) the way the service does and awaits it.
The raw side sends the SQL text Piccolo compiled, with the same arguments, through an asyncpg pool
of the size the service's pool has. Before timing, the SQL of the mirror is compared with the SQL
the real service sends (captured from its engine), so the benchmark notices when the service
changes.
"""

from __future__ import annotations

import re
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
from piccolo.query import Query, Select
from piccolo.querystring import QueryString

from bench.databases import raw_pool
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.involvement import activities as service
from coresearch.domain.involvement.schemas import ActivityFilters
from coresearch.domain.involvement.tables import Activity, ActivityParticipant
from coresearch.lib import db
from coresearch.lib.pagination import decode_cursor

LIMIT = 50
BLOCK = 50


def page_query(project_id: UUID, cursor: str | None) -> Query:
    """The page statement as the service sends it to a project's lead: newest first, one more
    row than the page, each activity with its sorted participants."""
    conditions = [QueryString("a.project = {}", project_id)]
    if cursor:
        day, last_id = decode_cursor(cursor, date)
        conditions.append(
            QueryString("a.occurred_on <= {} AND (a.occurred_on < {} OR a.id < {})", day, day, last_id)
        )
    where = QueryString(" AND ".join(["{}"] * len(conditions)), *conditions)
    return Activity.raw(service.PAGE_SQL["postgres"], where, LIMIT + 1)


def builder_page_query(project_id: UUID) -> Select:
    """For comparison: the first page as the query builder made it before (without participants)."""
    query = Activity.select().where(Activity.project == project_id)
    return query.order_by(Activity.occurred_on, Activity.id, ascending=False).limit(LIMIT + 1)


def builder_participants_query(activity_ids: list[UUID]) -> Select:
    """For comparison: the participants of a page as the query builder asked for them before."""
    return ActivityParticipant.select(ActivityParticipant.activity, ActivityParticipant.user).where(
        ActivityParticipant.activity.is_in(activity_ids)
    )


def compiled(query: Query) -> tuple[str, list[Any]]:
    """The SQL text and arguments Piccolo sends for `query`."""
    return query.querystrings[0].compile_string(engine_type="postgres")


@dataclass
class Case:
    """One page to fetch, with the SQL Piccolo generates for it."""

    project_id: UUID
    cursor: str | None
    page_sql: str = ""
    page_args: list[Any] = field(default_factory=list)


async def timed_piccolo(case: Case) -> float:
    """Seconds for the page statement through Piccolo (built as the service builds it)."""
    started = time.perf_counter()
    await page_query(case.project_id, case.cursor)
    return time.perf_counter() - started


async def timed_raw(pool: asyncpg.Pool, case: Case) -> float:
    """The same, as the same SQL text and arguments through asyncpg (records, not dicts)."""
    started = time.perf_counter()
    await pool.fetch(case.page_sql, *case.page_args)
    return time.perf_counter() - started


@contextmanager
def _capturing(engine: Any) -> Any:
    """Record the SQL every query on `engine`'s pool sends, while the block runs."""
    sent: list[str] = []
    engine_class = type(engine)
    original = engine_class._run_in_pool  # the engine has __slots__: patch its class, briefly

    async def spy(self: Any, query: str, args: Any = None) -> Any:
        sent.append(query)
        return await original(self, query, args)

    engine_class._run_in_pool = spy
    try:
        yield sent
    finally:
        engine_class._run_in_pool = original


async def check_mirror(lead: Principal, case: Case) -> list[str]:
    """Compare the mirror's SQL with what `list_activities` sends; return the differences."""
    with _capturing(db.current_engine()) as sent:
        await service.list_activities(
            principal=lead,
            project_id=case.project_id,
            filters=ActivityFilters(limit=LIMIT, cursor=case.cursor),
        )
    if case.page_sql in sent:
        return []
    return [
        f"the service's page query differs from the benchmark's:\n  benchmark: {case.page_sql}",
        "  service sent:\n    " + "\n    ".join(sent),
    ]


def _prepare(cases: list[Case]) -> None:
    for case in cases:
        case.page_sql, case.page_args = compiled(page_query(case.project_id, case.cursor))


@dataclass
class Comparison:
    """Median seconds per page statement, per side."""

    piccolo: float
    raw: float
    iterations: int
    mirror_problems: list[str]

    @property
    def ratio(self) -> float:
        """Piccolo time over raw asyncpg time."""
        return self.piccolo / self.raw


async def compare(
    database_url: str, *, cases: list[Case], lead: tuple[UUID, UUID], iterations: int
) -> Comparison:
    """Time both sides in alternating blocks over the same cases; `lead` = (user id, project id)."""
    engine = await db.open_database(database_url)
    pool = await raw_pool(database_url)
    try:
        _prepare(cases)
        principal = Principal(
            id=lead[0], email="lead@example.no", full_name="Lead", role=Role.researcher, token_id=lead[0]
        )
        own = [case for case in cases if case.project_id == lead[1]]
        problems = [problem for case in own for problem in await check_mirror(principal, case)]
        if not own:
            problems.append("no case for the lead's project: the SQL was not checked against the service")
        times: dict[str, list[float]] = {"piccolo": [], "raw": []}
        for _ in range(20):  # warm both pools and the statement caches
            await timed_piccolo(cases[0])
            await timed_raw(pool, cases[0])
        for index in range(iterations):
            # Each case runs on both sides back to back; who goes first swaps every BLOCK cases,
            # so neither side always finds the other's pages in the buffer cache.
            for side in ("piccolo", "raw") if index % (2 * BLOCK) < BLOCK else ("raw", "piccolo"):
                case = cases[index % len(cases)]
                seconds = await timed_piccolo(case) if side == "piccolo" else await timed_raw(pool, case)
                times[side].append(seconds)
    finally:
        await pool.close()
        await db.close_database(engine)
    return Comparison(
        piccolo=statistics.median(times["piccolo"]),
        raw=statistics.median(times["raw"]),
        iterations=iterations,
        mirror_problems=problems,
    )


_UUID_LIST = re.compile(r"\{([0-9a-f-]{36})(?:,[0-9a-f-]{36})+\}")


def _plan_text(rows: list[asyncpg.Record]) -> str:
    """The plan, with long literal id lists shortened to their first id and a count."""

    def shorten(match: re.Match[str]) -> str:
        return "{" + match.group(1) + f", ... {match.group(0).count(',') + 1} ids" + "}"

    return "\n".join(_UUID_LIST.sub(shorten, row[0]) for row in rows)


async def explain(database_url: str, pages: list[tuple[str, UUID, str | None]]) -> list[tuple[str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the page statement of each (title, project id, cursor), as
    (title, plan) pairs."""
    connection = await asyncpg.connect(database_url)
    try:
        plans = []
        for title, project_id, cursor in pages:
            sql, args = compiled(page_query(project_id, cursor))
            plan = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
            plans.append((f"page statement, {title}", _plan_text(plan)))
        return plans
    finally:
        await connection.close()
