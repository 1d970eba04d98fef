"""The list endpoint's two queries through Piccolo and, as the same SQL, through raw asyncpg.

The Piccolo side mirrors `coresearch.domain.involvement.activities.list_activities`: it builds the
page query and the participants query the way the service does and awaits them. The raw side
sends the SQL text Piccolo generated, with the same arguments, through an asyncpg pool of the
size the service's pool has. Before timing, the SQL of the mirror is compared with the SQL the
real service sends (captured from its engine), so the benchmark notices when the service changes.
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
from piccolo.query import Select

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.involvement import activities as service
from coresearch.domain.involvement.tables import Activity, ActivityParticipant
from coresearch.lib import db
from coresearch.lib.pagination import decode_cursor

LIMIT = 50
BLOCK = 50


def page_query(project_id: UUID, cursor: str | None) -> Select:
    """The page query as the service builds it: newest first, one more row than the page."""
    query = Activity.select().where(Activity.project == project_id)
    query = query.order_by(Activity.occurred_on, Activity.id, ascending=False)
    if cursor:
        position = decode_cursor(cursor)
        day, last_id = date.fromisoformat(position.sort_value), position.id
        query = query.where(
            (Activity.occurred_on <= day) & ((Activity.occurred_on < day) | (Activity.id < last_id))
        )
    return query.limit(LIMIT + 1)


def participants_query(activity_ids: list[UUID]) -> Select:
    """The participants of a page's activities, as the service asks for them."""
    return ActivityParticipant.select(ActivityParticipant.activity, ActivityParticipant.user).where(
        ActivityParticipant.activity.is_in(activity_ids)
    )


def compiled(query: Select) -> tuple[str, list[Any]]:
    """The SQL text and arguments Piccolo sends for `query`."""
    return query.querystrings[0].compile_string(engine_type="postgres")


@dataclass
class Case:
    """One page to fetch, with the SQL Piccolo generates for it."""

    project_id: UUID
    cursor: str | None
    page_sql: str = ""
    page_args: list[Any] = field(default_factory=list)
    participants_sql: str = ""


async def timed_piccolo(case: Case) -> tuple[float, float]:
    """Seconds for the page query, and for both queries, through Piccolo (built as the service does)."""
    started = time.perf_counter()
    rows = await page_query(case.project_id, case.cursor)
    between = time.perf_counter()
    await participants_query([row["id"] for row in rows[:LIMIT]])
    return between - started, time.perf_counter() - started


async def timed_raw(pool: asyncpg.Pool, case: Case) -> tuple[float, float]:
    """The same, as the same SQL text and arguments through asyncpg (records, not dicts)."""
    started = time.perf_counter()
    rows = await pool.fetch(case.page_sql, *case.page_args)
    between = time.perf_counter()
    await pool.fetch(case.participants_sql, *[row["id"] for row in rows[:LIMIT]])
    return between - started, time.perf_counter() - started


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
            principal=lead, project_id=case.project_id, limit=LIMIT, cursor=case.cursor
        )
    problems = []
    for label, mine in (("page", case.page_sql), ("participants", case.participants_sql)):
        if mine not in sent:
            problems.append(f"the service's {label} query differs from the benchmark's:\n  benchmark: {mine}")
    if problems:
        problems.append("  service sent:\n    " + "\n    ".join(sent))
    return problems


async def _prepare(cases: list[Case]) -> None:
    for case in cases:
        case.page_sql, case.page_args = compiled(page_query(case.project_id, case.cursor))
        rows = await page_query(case.project_id, case.cursor)
        case.participants_sql, _ = compiled(participants_query([row["id"] for row in rows[:LIMIT]]))


@dataclass
class Comparison:
    """Median seconds per page (both queries) and for the page query alone, per side."""

    piccolo: float
    raw: float
    piccolo_page_only: float
    raw_page_only: float
    iterations: int
    mirror_problems: list[str]

    @property
    def ratio(self) -> float:
        """Piccolo time over raw asyncpg time (both queries)."""
        return self.piccolo / self.raw


async def compare(
    database_url: str, *, cases: list[Case], lead: tuple[UUID, UUID], iterations: int
) -> Comparison:
    """Time both sides in alternating blocks over the same cases; `lead` = (user id, project id)."""
    engine = await db.open_database(database_url)
    pool = await asyncpg.create_pool(database_url, min_size=db.POOL_MIN_SIZE, max_size=db.POOL_MAX_SIZE)
    try:
        await _prepare(cases)
        principal = Principal(
            id=lead[0], email="lead@example.no", full_name="Lead", role=Role.researcher, token_id=lead[0]
        )
        own = [case for case in cases if case.project_id == lead[1]]
        problems = [problem for case in own for problem in await check_mirror(principal, case)]
        if not own:
            problems.append("no case for the lead's project: the SQL was not checked against the service")
        times: dict[str, list[float]] = {"piccolo": [], "raw": [], "piccolo_page": [], "raw_page": []}
        for _ in range(20):  # warm both pools and the statement caches
            await timed_piccolo(cases[0])
            await timed_raw(pool, cases[0])
        for index in range(iterations):
            # Each case runs on both sides back to back; who goes first swaps every BLOCK cases,
            # so neither side always finds the other's pages in the buffer cache.
            for side in ("piccolo", "raw") if index % (2 * BLOCK) < BLOCK else ("raw", "piccolo"):
                case = cases[index % len(cases)]
                page, total = await timed_piccolo(case) if side == "piccolo" else await timed_raw(pool, case)
                times[side].append(total)
                times[f"{side}_page"].append(page)
    finally:
        await pool.close()
        await db.close_database(engine)
    return Comparison(
        piccolo=statistics.median(times["piccolo"]),
        raw=statistics.median(times["raw"]),
        piccolo_page_only=statistics.median(times["piccolo_page"]),
        raw_page_only=statistics.median(times["raw_page"]),
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
    """EXPLAIN (ANALYZE, BUFFERS) of the page query and the participants query of each
    (title, project id, cursor), as (title, plan) pairs."""
    connection = await asyncpg.connect(database_url)
    try:
        plans = []
        for title, project_id, cursor in pages:
            sql, args = compiled(page_query(project_id, cursor))
            plan = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
            plans.append((f"page query, {title}", _plan_text(plan)))
            ids = [row["id"] for row in (await connection.fetch(sql, *args))[:LIMIT]]
            sql, args = compiled(participants_query(ids))
            plan = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
            plans.append((f"participants query, {title}", _plan_text(plan)))
        return plans
    finally:
        await connection.close()
