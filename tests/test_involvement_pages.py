"""One person's pages of the involvement log (a co-researcher's list, `participant_id`, `/me/impact`):
read from the participant rows, newest first, across cursors without repeats or gaps."""

import importlib.util
from pathlib import Path

import httpx

from coresearch.domain.involvement.tables import ActivityParticipant
from coresearch.lib import db
from tests.conftest import Person, World, add_member, create_project
from tests.test_involvement import API, new_activity

_spec = importlib.util.spec_from_file_location(
    "participant_keyset", Path(__file__).parents[1] / "migrations" / "coresearch_0014_participant_keyset.py"
)
assert _spec is not None and _spec.loader is not None
backfill = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backfill)

DAYS = ["2026-03-05", "2026-03-04", "2026-03-04", "2026-03-04", "2026-03-02", "2026-03-01", "2026-02-27"]


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


def newest_first(activities: list[dict]) -> list[str]:
    return [a["id"] for a in sorted(activities, key=lambda a: (a["occurred_on"], a["id"]), reverse=True)]


async def test_a_co_researchers_pages_never_repeat_or_skip_and_follow_day_then_id(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    mine = [await new_activity(client, lead, world.project_id, [co], occurred_on=day) for day in DAYS]
    mine += [await new_activity(client, lead, world.project_id, [co, researcher], occurred_on="2026-03-04")]
    for day in DAYS[:3]:  # the co-researcher took no part: interleaved, never shown to them
        await new_activity(client, lead, world.project_id, [researcher], occurred_on=day)
    url = f"{API}/projects/{world.project_id}/activities"

    read = await read_all(client, co, url)

    assert [a["id"] for a in read] == newest_first(mine)
    # The lead filtering by the co-researcher reads the same pages.
    assert [a["id"] for a in await read_all(client, lead, url, participant_id=co.id)] == newest_first(mine)
    # Filters still narrow a person's page; `from` and `to` are both included.
    period = await read_all(client, co, url, **{"from": "2026-03-02", "to": "2026-03-04"})
    assert [a["id"] for a in period] == newest_first(
        [a for a in mine if "2026-03-02" <= a["occurred_on"] <= "2026-03-04"]
    )
    both = await read_all(client, co, url, participant_id=researcher.id)
    assert [a["id"] for a in both] == [mine[-1]["id"]]


async def test_a_co_researchers_cursor_is_stable_under_inserts(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    existed = [await new_activity(client, lead, world.project_id, [co], occurred_on=day) for day in DAYS]
    url = f"{API}/projects/{world.project_id}/activities"
    first = (await client.get(url, params={"limit": 3}, headers=co.headers)).json()
    newer = await new_activity(client, lead, world.project_id, [co], occurred_on="2026-06-01")
    same_day = [
        await new_activity(client, lead, world.project_id, [co], occurred_on="2026-03-04") for _ in range(2)
    ]

    rest = await read_all(client, co, url, cursor=first["next_cursor"])

    ids = [a["id"] for a in first["items"] + rest]
    assert len(ids) == len(set(ids))
    assert {a["id"] for a in existed} <= set(ids)
    assert newer["id"] not in ids
    seen = set(ids)
    # A same-day activity logged meanwhile is read exactly when its id falls after the cursor.
    last_of_first = (first["items"][-1]["occurred_on"], first["items"][-1]["id"])
    for activity in same_day:
        assert (activity["id"] in seen) == ((activity["occurred_on"], activity["id"]) < last_of_first)


async def test_a_changed_day_moves_the_activity_in_every_persons_list(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    late, early = [await new_activity(client, lead, world.project_id, [co], occurred_on=d) for d in DAYS[-2:]]
    middle = await new_activity(client, lead, world.project_id, [co], occurred_on="2026-03-03")

    response = await client.patch(
        f"{API}/activities/{early['id']}",
        json={"occurred_on": "2026-04-01", "participant_ids": [co.id, researcher.id]},
        headers=lead.headers,
    )
    assert response.status_code == 200, response.text

    url = f"{API}/projects/{world.project_id}/activities"
    assert [a["id"] for a in await read_all(client, co, url)] == [early["id"], middle["id"], late["id"]]
    assert [a["id"] for a in await read_all(client, lead, url, participant_id=researcher.id)] == [early["id"]]
    impact = await read_all(client, co, f"{API}/me/impact")
    assert [i["activity_id"] for i in impact] == [early["id"], middle["id"], late["id"]]


async def test_my_impact_pages_across_projects_never_repeat_or_skip(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, leader = (world.people[p] for p in ("lead", "co_researcher", "research_leader"))
    second = await create_project(client, leader, "Eldre og ensomhet")
    await add_member(client, leader, second, co, "co_researcher")
    logged = [await new_activity(client, lead, world.project_id, [co], occurred_on=day) for day in DAYS]
    logged += [await new_activity(client, leader, second, [co], occurred_on=day) for day in DAYS[1:5]]

    impact = await read_all(client, co, f"{API}/me/impact")

    assert [i["activity_id"] for i in impact] == newest_first(logged)
    assert {i["project_id"] for i in impact} == {world.project_id, second}


async def test_the_migration_backfills_participant_rows_written_before_it(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    logged = [await new_activity(client, lead, world.project_id, [co], occurred_on=day) for day in DAYS[:3]]
    # Rows as they were before migration 0013 added the copies.
    await ActivityParticipant.update(
        {ActivityParticipant.project: None, ActivityParticipant.occurred_on: None}, force=True
    )
    url = f"{API}/projects/{world.project_id}/activities"
    assert await read_all(client, co, url) == []

    for statement in backfill.STATEMENTS:
        await db.current_engine().run_ddl(statement)

    assert [a["id"] for a in await read_all(client, co, url)] == newest_first(logged)
