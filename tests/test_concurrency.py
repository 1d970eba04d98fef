"""Concurrent requests on both backends: writes wait for each other, rules hold, races answer 409.

Every test fires its requests at once with `asyncio.gather`; on SQLite they interleave at each
await inside one event loop, which is enough to put two writers on the database at the same time.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.conftest import Person, World, add_member, make_person

API = "/api/v1"
PARALLEL = 8
TASK = {"title": "Les gjennom intervjuguiden", "phase": "data_collection"}
MEETING = {
    "title": "Arbeidsmøte",
    "phase": "design",
    "starts_at": "2026-03-02T10:00:00+01:00",
    "ends_at": "2026-03-02T12:00:00+01:00",
}
INTERNALS = ("unique", "constraint", "foreign", "violat", "sqlite", "asyncpg", "users", "integrity")


async def at_once(*requests: Any) -> list[httpx.Response]:
    """Send the requests concurrently; return the responses in the same order."""
    return list(await asyncio.gather(*requests))


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


async def created(client: httpx.AsyncClient, url: str, body: dict, person: Person) -> dict:
    response = await client.post(url, json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def audit_actions(client: httpx.AsyncClient, admin: Person, entity: str, entity_id: str) -> list[str]:
    response = await client.get(
        f"{API}/audit", params={"entity": entity, "entity_id": entity_id, "limit": 200}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    return [row["action"] for row in response.json()["items"]]


async def test_parallel_changes_to_different_tasks_all_succeed(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    tasks = [
        await created(client, f"{API}/projects/{world.project_id}/tasks", TASK, lead) for _ in range(PARALLEL)
    ]
    responses = await at_once(
        *[
            client.patch(f"{API}/tasks/{task['id']}", json={"title": f"Oppgave {n}"}, headers=lead.headers)
            for n, task in enumerate(tasks)
        ]
    )
    assert statuses(responses) == {200: PARALLEL}, [r.text for r in responses if r.status_code != 200]
    for n, task in enumerate(tasks):
        stored = await client.get(f"{API}/projects/{world.project_id}/tasks", headers=lead.headers)
        assert {"id": task["id"], "title": f"Oppgave {n}"}.items() <= next(
            item for item in stored.json()["items"] if item["id"] == task["id"]
        ).items()


async def test_parallel_changes_to_one_task_all_succeed_and_each_is_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, researcher = world.people["lead"], world.people["researcher"]
    task = await created(client, f"{API}/projects/{world.project_id}/tasks", TASK, lead)
    titles = [f"Versjon {n}" for n in range(PARALLEL)]
    responses = await at_once(
        *[
            client.patch(
                f"{API}/tasks/{task['id']}", json={"title": title}, headers=(lead, researcher)[n % 2].headers
            )
            for n, title in enumerate(titles)
        ]
    )
    assert statuses(responses) == {200: PARALLEL}, [r.text for r in responses if r.status_code != 200]
    listed = (await client.get(f"{API}/projects/{world.project_id}/tasks", headers=lead.headers)).json()
    assert listed["items"][0]["title"] in titles
    actions = await audit_actions(client, world.people["admin"], "task", task["id"])
    assert actions.count("task.update") == PARALLEL


async def test_parallel_member_changes_and_attendance_all_succeed(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    newcomers = [await make_person(client, "co_researcher", f"Ny {n}") for n in range(PARALLEL)]
    added = await at_once(
        *[
            client.put(
                f"{API}/projects/{world.project_id}/members/{person.id}",
                json={"role": "co_researcher"},
                headers=lead.headers,
            )
            for person in newcomers
        ]
    )
    assert statuses(added) == {200: PARALLEL}, [r.text for r in added if r.status_code != 200]
    meeting = await created(client, f"{API}/projects/{world.project_id}/meetings", MEETING, lead)
    attendance = await at_once(
        *[
            client.put(
                f"{API}/meetings/{meeting['id']}/attendance/{person.id}",
                json={"attended": True, "mode": "remote"},
                headers=lead.headers,
            )
            for person in newcomers
        ]
    )
    assert statuses(attendance) == {200: PARALLEL}, [r.text for r in attendance if r.status_code != 200]
    members = (await client.get(f"{API}/projects/{world.project_id}/members", headers=lead.headers)).json()
    assert len(members) == 3 + PARALLEL


async def test_adding_the_same_member_at_once_adds_them_once(client: httpx.AsyncClient, world: World) -> None:
    lead, newcomer = world.people["lead"], world.people["other_co_researcher"]
    url = f"{API}/projects/{world.project_id}/members/{newcomer.id}"
    responses = await at_once(
        *[client.put(url, json={"role": "co_researcher"}, headers=lead.headers) for _ in range(PARALLEL)]
    )
    assert statuses(responses) == {200: PARALLEL}, [r.text for r in responses if r.status_code != 200]
    members = (await client.get(f"{API}/projects/{world.project_id}/members", headers=lead.headers)).json()
    assert [m["user_id"] for m in members].count(newcomer.id) == 1
    actions = await audit_actions(client, world.people["admin"], "project", world.project_id)
    assert actions.count("project.member_put") == 3  # researcher and co-researcher of `world`, and this one


async def test_parallel_user_creation_with_distinct_emails_all_succeed(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    responses = await at_once(
        *[
            client.post(
                f"{API}/users",
                json={"email": f"ny{n}@example.no", "full_name": f"Ny {n}", "role": "co_researcher"},
                headers=admin.headers,
            )
            for n in range(PARALLEL)
        ]
    )
    assert statuses(responses) == {201: PARALLEL}, [r.text for r in responses if r.status_code != 201]


async def test_creating_one_email_at_once_gives_one_201_and_409s_without_internals(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    body = {"email": "kari@example.no", "full_name": "Kari", "role": "researcher"}
    responses = await at_once(
        *[client.post(f"{API}/users", json=body, headers=admin.headers) for _ in range(PARALLEL)]
    )
    assert statuses(responses) == {201: 1, 409: PARALLEL - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            problem = response.json()
            assert response.headers["content-type"].startswith("application/problem+json")
            assert problem["type"].endswith("/conflict")
            assert not any(word in problem["detail"].lower() for word in INTERNALS), problem
    listed = (await client.get(f"{API}/users", params={"limit": 200}, headers=admin.headers)).json()
    assert [user["email"] for user in listed["items"]].count("kari@example.no") == 1


async def test_an_invite_accepted_twice_at_once_is_used_once(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    invites = []
    for n in range(3):
        user = await created(
            client,
            f"{API}/users",
            {"email": f"inv{n}@example.no", "full_name": "Inv", "role": "researcher"},
            admin,
        )
        invites.append(user["invite_token"])
    accept = f"{API}/auth/invites/accept"
    same = await at_once(
        *[
            client.post(accept, json={"token": invites[0], "password": f"Sterkt-passord-{n}-æøå"})
            for n in range(4)
        ]
    )
    assert statuses(same) == {204: 1, 422: 3}, [r.text for r in same]
    distinct = await at_once(
        *[
            client.post(accept, json={"token": token, "password": "Sterkt-passord-æøå-9"})
            for token in invites[1:]
        ]
    )
    assert statuses(distinct) == {204: 2}, [r.text for r in distinct]


async def active_admins(client: httpx.AsyncClient, admin: Person) -> int:
    listed = await client.get(f"{API}/users", params={"role": "admin", "limit": 200}, headers=admin.headers)
    return sum(user["is_active"] for user in listed.json()["items"])


@pytest.mark.parametrize("second_change", [{"role": "researcher"}, {"is_active": False}])
async def test_two_admins_removing_each_other_at_once_leave_one(
    client: httpx.AsyncClient, second_change: dict
) -> None:
    first, second = await make_person(client, "admin"), await make_person(client, "admin")
    responses = await at_once(
        client.patch(f"{API}/users/{second.id}", json={"role": "researcher"}, headers=first.headers),
        client.patch(f"{API}/users/{first.id}", json=second_change, headers=second.headers),
    )
    # The loser gets 409 when both requests were authenticated before either committed; when the
    # first committed before the second was authenticated, its caller is no admin any more: 403.
    assert sorted(r.status_code for r in responses) in ([200, 409], [200, 403]), [r.text for r in responses]
    survivor = first if responses[0].status_code == 200 else second
    assert await active_admins(client, survivor) == 1


async def two_leads(client: httpx.AsyncClient, world: World) -> tuple[Person, Person]:
    lead, other = world.people["lead"], world.people["researcher"]
    await add_member(client, lead, world.project_id, other, "lead")
    return lead, other


def lead_change(client: httpx.AsyncClient, world: World, how: str, target: Person, actor: Person) -> Any:
    url = f"{API}/projects/{world.project_id}/members/{target.id}"
    if how == "remove":
        return client.delete(url, headers=actor.headers)
    return client.put(url, json={"role": "researcher"}, headers=actor.headers)


@pytest.mark.parametrize(
    ("first", "second"), [("demote", "demote"), ("remove", "remove"), ("demote", "remove")]
)
async def test_two_leads_removed_or_demoted_at_once_leave_one(
    client: httpx.AsyncClient, world: World, first: str, second: str
) -> None:
    a, b = await two_leads(client, world)
    responses = await at_once(
        lead_change(client, world, first, a, world.people["admin"]),
        lead_change(client, world, second, b, world.people["research_leader"]),
    )
    assert sorted(r.status_code for r in responses) in ([200, 409], [204, 409]), [r.text for r in responses]
    members = (
        await client.get(f"{API}/projects/{world.project_id}/members", headers=world.people["admin"].headers)
    ).json()
    assert [m["role"] for m in members].count("lead") == 1


async def test_leads_demoting_each_other_at_once_keep_a_lead(client: httpx.AsyncClient, world: World) -> None:
    a, b = await two_leads(client, world)
    responses = await at_once(
        lead_change(client, world, "demote", b, a), lead_change(client, world, "demote", a, b)
    )
    codes = sorted(r.status_code for r in responses)
    assert codes in ([200, 403], [200, 409]), [r.text for r in responses]
    members = (
        await client.get(f"{API}/projects/{world.project_id}/members", headers=world.people["admin"].headers)
    ).json()
    assert [m["role"] for m in members].count("lead") == 1
