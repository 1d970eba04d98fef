"""An experiment, not a proposal for the code: the activities list in two raw queries.

`GET /bench/lean/projects/{id}/activities` answers what the real route answers (same auth
middleware, same `Page[Activity]` body, same cursor) for the project's lead, researchers and
overseers, but checks access in one statement (project exists + caller's role) and fetches the
page with its participants in one statement (a sorted ARRAY subquery), on its own asyncpg pool
of the service's size. Co-researchers, whose lists are filtered, are handed to the real service.
It shows, in the same run, how much of the gap to hello-world the query layer accounts for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated
from uuid import UUID

import asyncpg
from litestar import Litestar, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter

from bench.databases import raw_pool
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.involvement import activities
from coresearch.domain.involvement import schemas as s
from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.access import has_oversight
from coresearch.domain.projects.tables import Level, MemberRole, Phase
from coresearch.lib.pagination import DEFAULT_LIMIT, Page, decode_cursor, encode_cursor
from coresearch.lib.problems import NotFound

LEAN_PATH = "/bench/lean/projects/{project_id:uuid}/activities"
ACCESS = """
SELECT m.role FROM projects p
LEFT JOIN project_members m ON m.project = p.id AND m."user" = $2
WHERE p.id = $1
"""
COLUMNS = """
a.id, a.project, a.phase, a.kind, a.occurred_on, a.level, a.minutes, a.summary,
a.hoped_to_influence, a.what_changed, a.why_it_matters, a.created_by, a.created_at, a.updated_at,
ARRAY(SELECT ap."user" FROM activity_participants ap WHERE ap.activity = a.id AND ap.confirmed
      ORDER BY ap."user")
    AS participant_ids
"""
ORDER = "ORDER BY a.occurred_on DESC, a.id DESC LIMIT $2"
FIRST_PAGE = f"SELECT {COLUMNS} FROM activities a WHERE a.project = $1 {ORDER}"
NEXT_PAGE = (
    f"SELECT {COLUMNS} FROM activities a WHERE a.project = $1 AND (a.occurred_on, a.id) < ($3, $4) {ORDER}"
)

_pool: asyncpg.Pool | None = None


@asynccontextmanager
async def lean_pool(app: Litestar) -> AsyncIterator[None]:
    """An asyncpg pool of the service's size, for the lean route."""
    global _pool
    url = app.state.settings.database_url
    _pool = await raw_pool(url)
    try:
        yield
    finally:
        await _pool.close()
        _pool = None


def _activity(row: asyncpg.Record) -> s.Activity:
    return s.Activity(
        id=row["id"],
        project_id=row["project"],
        phase=Phase(row["phase"]),
        kind=ActivityKind(row["kind"]),
        occurred_on=row["occurred_on"],
        level=Level(row["level"]),
        participant_ids=list(row["participant_ids"]),
        minutes=row["minutes"],
        summary=row["summary"],
        hoped_to_influence=row["hoped_to_influence"],
        what_changed=row["what_changed"],
        why_it_matters=row["why_it_matters"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


@get(LEAN_PATH, include_in_schema=False, operation_id="bench_lean_activities")
async def lean_activities(
    project_id: FromPath[UUID],
    request: Request[Principal, object, object],
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = DEFAULT_LIMIT,
    cursor: FromQuery[str | None] = None,
) -> Page[s.Activity]:
    """The project's activities, newest first, in two statements."""
    assert _pool is not None
    principal = request.user
    async with _pool.acquire() as connection:
        access = await connection.fetch(ACCESS, project_id, principal.id)
        if not access or (access[0]["role"] is None and not has_oversight(principal)):
            raise NotFound("No such project")
        if access[0]["role"] == MemberRole.co_researcher.value and not has_oversight(principal):
            return await activities.list_activities(
                principal=principal,
                project_id=project_id,
                filters=s.ActivityFilters(limit=limit, cursor=cursor),
            )
        if cursor:
            day, last_id = decode_cursor(cursor, date)
            rows = await connection.fetch(NEXT_PAGE, project_id, limit + 1, day, last_id)
        else:
            rows = await connection.fetch(FIRST_PAGE, project_id, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1]["occurred_on"], rows[-1]["id"]) if more and rows else None
    return Page(items=[_activity(row) for row in rows], next_cursor=next_cursor)
