"""Where a list request's time goes: each step of the endpoint timed on its own, in-process.

Sequential calls: the median wall time (database round trips included) and the mean CPU time this
process spends per call (what limits one worker's throughput), next to the floor of one asyncpg
round trip, the same SQL through raw asyncpg, and the query-builder versions used before.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar.security.jwt import Token
from piccolo.query import Select
from piccolo.querystring import QueryString

from bench import orm
from bench.databases import raw_pool
from coresearch.domain.accounts import tokens
from coresearch.domain.accounts.tables import AuthToken
from coresearch.domain.involvement import activities as service
from coresearch.domain.involvement.schemas import ActivityFilters
from coresearch.domain.involvement.tables import Activity
from coresearch.domain.projects import access
from coresearch.lib import db
from coresearch.settings import Settings

# For comparison: whether the project exists and the caller's role in it, in one statement.
ACCESS_IN_ONE = """
SELECT p.id, m.role FROM projects p
LEFT JOIN project_members m ON m.project = p.id AND m."user" = $2 WHERE p.id = $1
"""


def builder_principal(token_id: UUID, user_id: UUID) -> Select:
    """For comparison: the token check as the query builder made it before (a join, one query)."""
    return AuthToken.select(
        AuthToken.user.email.as_alias("email"),
        AuthToken.user.full_name.as_alias("full_name"),
        AuthToken.user.role.as_alias("role"),
    ).where(
        (AuthToken.id == token_id)
        & (AuthToken.user == user_id)
        & AuthToken.revoked_at.is_null()
        & (AuthToken.expires_at > datetime.now(UTC))
        & (AuthToken.user.is_active == True)  # noqa: E712
    )


def builder_page_with_participants(project_id: UUID) -> Select:
    """For comparison: the service's page statement built by the query builder, the participants
    as a `QueryString` column."""
    participants = QueryString(
        'ARRAY(SELECT ap."user" FROM activity_participants ap WHERE ap.activity = "activities"."id" '
        'AND ap.confirmed ORDER BY ap."user")'
    ).as_alias("participant_ids")
    query = Activity.select(*Activity.all_columns(), participants).where(Activity.project == project_id)
    return query.order_by(Activity.occurred_on, Activity.id, ascending=False).limit(orm.LIMIT + 1)


def _raw_sql(template: str) -> str:
    """A `{}` template as asyncpg SQL with $1, $2, ..."""
    parts = template.split("{}")
    return "".join(part + (f"${index}" if index < len(parts) else "") for index, part in enumerate(parts, 1))


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
    pool = await raw_pool(database_url)
    try:
        encoded, _ = await tokens.issue_token(user_id=user_id, settings=settings)
        options = {"secret": settings.secret_key, "algorithm": tokens.ALGORITHM, "audience": tokens.AUDIENCE}
        token = Token.decode(encoded, **options, issuer=tokens.ISSUER)
        lead = await tokens.principal_for_token(token, None)  # type: ignore[arg-type]
        if lead is None:
            raise RuntimeError("the freshly issued token was not accepted")
        page_sql, page_args = orm.compiled(orm.page_query(project_id, None))
        ids = [row["id"] for row in (await pool.fetch(page_sql, *page_args))[: orm.LIMIT]]
        principal_sql, member_sql = _raw_sql(tokens.PRINCIPAL_SQL), _raw_sql(access.MEMBER_ROLE_SQL)
        page = await service.list_activities(
            principal=lead, project_id=project_id, filters=ActivityFilters(limit=orm.LIMIT)
        )

        async def decode_jwt() -> None:
            Token.decode(encoded, **options, issuer=tokens.ISSUER)

        async def encode_page() -> None:
            msgspec.json.encode(page)

        now = datetime.now(UTC)
        steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("floor: SELECT 1 round trip, asyncpg", lambda: pool.fetch("SELECT 1")),
            ("JWT decode and checks (Litestar Token.decode)", decode_jwt),
            (
                "auth: principal_for_token (1 statement, Piccolo raw)",
                lambda: tokens.principal_for_token(token, None),
            ),
            (
                "auth: the same SQL, raw asyncpg",
                lambda: pool.fetch(principal_sql, lead.token_id, lead.id, now, True),
            ),
            (
                "auth, before: the same check via the query builder",
                lambda: builder_principal(lead.token_id, lead.id).run(),
            ),
            (
                "access: project_access, member (1 statement)",
                lambda: access.project_access(principal=lead, project_id=project_id),
            ),
            ("access: the same SQL, raw asyncpg", lambda: pool.fetch(member_sql, project_id, lead.id)),
            (
                "access, alternative: exists + role in 1 raw query",
                lambda: pool.fetch(ACCESS_IN_ONE, project_id, lead.id),
            ),
            (
                "page with participants (service SQL, Piccolo raw)",
                lambda: orm.page_query(project_id, None).run(),
            ),
            ("page with participants, same SQL, raw asyncpg", lambda: pool.fetch(page_sql, *page_args)),
            (
                "page with participants, via the query builder",
                lambda: builder_page_with_participants(project_id).run(),
            ),
            (
                "page, before: query builder (no participants)",
                lambda: orm.builder_page_query(project_id).run(),
            ),
            (
                "participants, before: IN (50 ids), query builder",
                lambda: orm.builder_participants_query(ids).run(),
            ),
            ("JSON-encode the 50-item page (msgspec)", encode_page),
            (
                "list_activities service call (2 statements + conversion)",
                lambda: service.list_activities(
                    principal=lead, project_id=project_id, filters=ActivityFilters(limit=orm.LIMIT)
                ),
            ),
        ]
        return [(label, *await _measure(call, repeat)) for label, call in steps]
    finally:
        await pool.close()
        await db.close_database(engine)
