"""One person's task pages (a co-researcher's list, `assignee_id`, `/me/tasks`): read from the
assignee rows in due order, undated last, across cursors without repeats or gaps."""

import importlib.util
from pathlib import Path

import httpx

from coresearch.domain.work.tables import TaskAssignee
from coresearch.lib import db
from tests.conftest import Person, World, add_member
from tests.test_work import API, new_task

_spec = importlib.util.spec_from_file_location(
    "assignee_keyset", Path(__file__).parents[1] / "migrations" / "coresearch_0016_assignee_keyset.py"
)
assert _spec is not None and _spec.loader is not None
backfill = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backfill)

DUE = ["2026-05-03", "2026-04-01", "2026-04-01", None, "2026-04-01", None, "2026-01-15"]


async def read_all(client: httpx.AsyncClient, person: Person, url: str, **params: object) -> list[dict]:
    """Every item of a list, two per page, following the cursors."""
    items: list[dict] = []
    cursor = None
    while True:
        query = {"limit": 2, **params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(url, params=query, headers=person.headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


def in_due_order(tasks: list[dict]) -> list[str]:
    return [t["id"] for t in sorted(tasks, key=lambda t: (t["due_on"] is None, t["due_on"] or "", t["id"]))]


async def test_a_co_researchers_task_pages_never_repeat_or_skip_undated_last(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, other = (world.people[p] for p in ("lead", "co_researcher", "other_co_researcher"))
    await add_member(client, lead, world.project_id, other, "co_researcher")
    mine = [await new_task(client, lead, world.project_id, assignee_ids=[co.id], due_on=d) for d in DUE]
    shared = await new_task(
        client, lead, world.project_id, assignee_ids=[co.id, other.id], due_on="2026-04-01"
    )
    mine.append(shared)
    for due in DUE[:3]:  # not theirs: interleaved, never shown to them
        await new_task(client, lead, world.project_id, assignee_ids=[other.id], due_on=due)
    url = f"{API}/projects/{world.project_id}/tasks"

    assert [t["id"] for t in await read_all(client, co, url)] == in_due_order(mine)
    assert [t["id"] for t in await read_all(client, lead, url, assignee_id=co.id)] == in_due_order(mine)
    assert [t["id"] for t in await read_all(client, co, url, assignee_id=other.id)] == [shared["id"]]
    dated = await read_all(client, co, url, due_after="2026-01-15", due_before="2026-05-03")
    assert [t["id"] for t in dated] == in_due_order([t for t in mine if t["due_on"] == "2026-04-01"])


async def test_a_changed_due_date_moves_the_task_in_its_assignees_lists(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    first, second, undated = [
        await new_task(client, lead, world.project_id, assignee_ids=[co.id], due_on=d)
        for d in ("2026-02-01", "2026-03-01", None)
    ]

    response = await client.patch(
        f"{API}/tasks/{first['id']}", json={"due_on": None, "assignee_ids": [co.id, researcher.id]},
        headers=lead.headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    response = await client.patch(
        f"{API}/tasks/{undated['id']}", json={"due_on": "2026-01-01"}, headers=lead.headers
    )
    assert response.status_code == 200, response.text

    url = f"{API}/projects/{world.project_id}/tasks"
    expected = [undated["id"], second["id"], first["id"]]
    assert [t["id"] for t in await read_all(client, co, url)] == expected
    assert [t["id"] for t in await read_all(client, co, f"{API}/me/tasks")] == expected
    assert [t["id"] for t in await read_all(client, lead, url, assignee_id=researcher.id)] == [first["id"]]


async def test_my_tasks_page_across_projects_never_repeat_or_skip(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, outsider, co = world.people["lead"], world.people["outsider"], world.people["co_researcher"]
    await add_member(client, outsider, world.other_project_id, co, "co_researcher")
    mine = [await new_task(client, lead, world.project_id, assignee_ids=[co.id], due_on=d) for d in DUE]
    mine += [
        await new_task(client, outsider, world.other_project_id, assignee_ids=[co.id], due_on=d)
        for d in DUE[2:]
    ]

    assert [t["id"] for t in await read_all(client, co, f"{API}/me/tasks")] == in_due_order(mine)


async def test_the_migration_backfills_assignee_rows_written_before_it(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    mine = [await new_task(client, lead, world.project_id, assignee_ids=[co.id], due_on=d) for d in DUE[2:5]]
    # Rows as they were before migration 0015 added the copies.
    await TaskAssignee.update({TaskAssignee.project: None, TaskAssignee.due_sort: None}, force=True)
    assert await read_all(client, co, f"{API}/me/tasks") == []

    for statement in backfill.STATEMENTS:
        await db.current_engine().run_ddl(statement)

    assert [t["id"] for t in await read_all(client, co, f"{API}/me/tasks")] == in_due_order(mine)
