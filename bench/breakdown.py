"""Where a list request's time goes: each step of the endpoint timed on its own, in-process.

Sequential calls: the median wall time (database round trips included) and the mean CPU time this
process spends per call (what limits one worker's throughput), next to the floor of one asyncpg
round trip and to raw-SQL alternatives that do the same work in fewer queries.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar.security.jwt import Token
from piccolo.query import Select
from piccolo.querystring import QueryString

from bench import orm
from coresearch.domain.accounts import tokens
from coresearch.domain.involvement import activities as service
from coresearch.domain.involvement.tables import Activity
from coresearch.domain.projects.access import project_access
from coresearch.lib import db
from coresearch.settings import Settings

# The page and its participants in one statement: participants as a sorted array per row.
PAGE_WITH_PARTICIPANTS = """
SELECT a.*, ARRAY(SELECT ap."user" FROM activity_participants ap
                  WHERE ap.activity = a.id ORDER BY ap."user") AS participant_ids
FROM activities a WHERE a.project = $1 ORDER BY a.occurred_on DESC, a.id DESC LIMIT 51
"""
# Whether the project exists and the caller's role in it, in one statement.
ACCESS_IN_ONE = """
SELECT p.id, m.role FROM projects p
LEFT JOIN project_members m ON m.project = p.id AND m."user" = $2 WHERE p.id = $1
"""
# The token check of `principal_for_token`, by hand.
PRINCIPAL_RAW = """
SELECT u.email, u.full_name, u.role FROM auth_tokens t JOIN users u ON u.id = t."user"
WHERE t.id = $1 AND t."user" = $2 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active
"""


def page_with_participants(project_id: UUID) -> Select:
    """The page with a sorted participant array per row, as one Piccolo query."""
    participants = QueryString(
        'ARRAY(SELECT ap."user" FROM activity_participants ap WHERE ap.activity = "activities"."id" '
        'ORDER BY ap."user")'
    ).as_alias("participant_ids")
    query = Activity.select(*Activity.all_columns(), participants).where(Activity.project == project_id)
    return query.order_by(Activity.occurred_on, Activity.id, ascending=False).limit(orm.LIMIT + 1)


async def _measure(call: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float]:
    """Median wall-clock microseconds per call, and this process's mean CPU microseconds per call."""
    for _ in range(min(50, repeat)):
        await call()
    samples = []
    cpu_started = time.process_time()
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    cpu = (time.process_time() - cpu_started) / repeat
    return statistics.median(samples) * 1e6, cpu * 1e6


async def breakdown(
    database_url: str, settings: Settings, *, user_id: UUID, project_id: UUID, repeat: int = 400
) -> list[tuple[str, float, float]]:
    """(step, median wall µs, mean CPU µs of this process) for the list endpoint's steps and
    their alternatives. Wall time includes the database; CPU time is what a single worker pays."""
    engine = await db.open_database(database_url)
    pool = await asyncpg.create_pool(database_url, min_size=db.POOL_MIN_SIZE, max_size=db.POOL_MAX_SIZE)
    try:
        encoded, _ = await tokens.issue_token(user_id=user_id, settings=settings)
        options = {"secret": settings.secret_key, "algorithm": tokens.ALGORITHM, "audience": tokens.AUDIENCE}
        token = Token.decode(encoded, **options, issuer=tokens.ISSUER)
        lead = await tokens.principal_for_token(token, None)  # type: ignore[arg-type]
        if lead is None:
            raise RuntimeError("the freshly issued token was not accepted")
        page_sql, page_args = orm.compiled(orm.page_query(project_id, None))
        ids = [row["id"] for row in (await pool.fetch(page_sql, *page_args))[: orm.LIMIT]]
        participants_sql, _ = orm.compiled(orm.participants_query(ids))
        raw_template = PAGE_WITH_PARTICIPANTS.replace("$1", "{}")
        page = await service.list_activities(
            principal=lead, project_id=project_id, limit=orm.LIMIT, cursor=None
        )

        async def decode_jwt() -> None:
            Token.decode(encoded, **options, issuer=tokens.ISSUER)

        async def encode_page() -> None:
            msgspec.json.encode(page)

        steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("floor: SELECT 1 round trip, asyncpg", lambda: pool.fetch("SELECT 1")),
            ("JWT decode and checks (Litestar Token.decode)", decode_jwt),
            ("auth: principal_for_token, Piccolo (1 query)", lambda: tokens.principal_for_token(token, None)),
            ("auth: the same query, raw asyncpg", lambda: pool.fetch(PRINCIPAL_RAW, lead.token_id, lead.id)),
            (
                "access: project_access, Piccolo (2 queries)",
                lambda: project_access(principal=lead, project_id=project_id),
            ),
            ("access: exists + role in 1 raw query", lambda: pool.fetch(ACCESS_IN_ONE, project_id, lead.id)),
            ("page query, Piccolo", lambda: orm.page_query(project_id, None).run()),
            ("page query, same SQL via raw asyncpg", lambda: pool.fetch(page_sql, *page_args)),
            ("participants IN (50 ids), Piccolo", lambda: orm.participants_query(ids).run()),
            ("participants, same SQL via raw asyncpg", lambda: pool.fetch(participants_sql, *ids)),
            (
                "page + participants in 1 raw query (ARRAY)",
                lambda: pool.fetch(PAGE_WITH_PARTICIPANTS, project_id),
            ),
            (
                "the same 1 query, Piccolo select + QueryString column",
                lambda: page_with_participants(project_id).run(),
            ),
            (
                "the same 1 query, Piccolo Activity.raw()",
                lambda: Activity.raw(raw_template, project_id).run(),
            ),
            ("JSON-encode the 50-item page (msgspec)", encode_page),
            (
                "list_activities service call (4 queries + conversion)",
                lambda: service.list_activities(
                    principal=lead, project_id=project_id, limit=orm.LIMIT, cursor=None
                ),
            ),
        ]
        return [(label, *await _measure(call, repeat)) for label, call in steps]
    finally:
        await pool.close()
        await db.close_database(engine)
