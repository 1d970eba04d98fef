"""Every PATCH goes through one audited update: a change that changes nothing writes nothing."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import NamedTuple

import httpx
import pytest

from tests.conftest import World

API = "/api/v1"


async def _created(client: httpx.AsyncClient, world: World, path: str, body: dict) -> str:
    response = await client.post(f"{API}{path}", json=body, headers=world.people["lead"].headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


class Case(NamedTuple):
    """A record to change: where it is, how to read it, and two PATCH bodies."""

    path: str
    read: str
    entity_id: str
    same: dict  # repeats the current values (the meeting's in another offset)
    change: dict  # changes one field
    field: str


async def a_user(client: httpx.AsyncClient, world: World) -> Case:
    user = world.people["researcher"]
    path = f"/users/{user.id}"
    return Case(
        path,
        path,
        user.id,
        {"full_name": "researcher", "role": "researcher"},
        {"full_name": "Ny"},
        "full_name",
    )


async def a_project(client: httpx.AsyncClient, world: World) -> Case:
    path = f"/projects/{world.project_id}"
    same = {"funder": "Helse Vest", "status": "planning"}
    return Case(path, path, world.project_id, same, {"funder": "Forskningsrådet"}, "funder")


async def a_phase(client: httpx.AsyncClient, world: World) -> Case:
    path, same = f"/projects/{world.project_id}/phases/design", {"notes": "", "status": "not_started"}
    return Case(
        path, f"/projects/{world.project_id}/phases", world.project_id, same, {"notes": "Plan"}, "notes"
    )


async def a_task(client: httpx.AsyncClient, world: World) -> Case:
    body = {
        "title": "Les intervjuguiden",
        "phase": "design",
        "assignee_ids": [world.people["co_researcher"].id],
    }
    task_id = await _created(client, world, f"/projects/{world.project_id}/tasks", body)
    same = {"title": body["title"], "status": "todo", "assignee_ids": body["assignee_ids"]}
    return Case(f"/tasks/{task_id}", f"/tasks/{task_id}", task_id, same, {"status": "done"}, "status")


async def a_meeting(client: httpx.AsyncClient, world: World) -> Case:
    body = {
        "title": "Arbeidsmøte",
        "phase": "design",
        "starts_at": "2026-03-02T10:00:00+01:00",
        "ends_at": "2026-03-02T12:00:00+01:00",
    }
    meeting_id = await _created(client, world, f"/projects/{world.project_id}/meetings", body)
    same = {"starts_at": "2026-03-02T09:00:00Z", "ends_at": body["ends_at"]}
    path = f"/meetings/{meeting_id}"
    return Case(path, path, meeting_id, same, {"location": "Bergen"}, "location")


async def an_activity(client: httpx.AsyncClient, world: World) -> Case:
    body = {
        "phase": "design",
        "kind": "workshop",
        "occurred_on": "2026-03-02",
        "level": "collaborate",
        "minutes": 90,
        "summary": "Verksted om intervjuguiden",
        "participant_ids": [world.people["co_researcher"].id],
    }
    activity_id = await _created(client, world, f"/projects/{world.project_id}/activities", body)
    same = {"summary": body["summary"], "participant_ids": body["participant_ids"]}
    path = f"/activities/{activity_id}"
    return Case(path, path, activity_id, same, {"minutes": 120}, "minutes")


async def audit_rows(client: httpx.AsyncClient, world: World, entity_id: str) -> list[dict]:
    response = await client.get(
        f"{API}/audit", params={"entity_id": entity_id, "limit": 200}, headers=world.people["admin"].headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def updated_at(client: httpx.AsyncClient, case: Case, headers: dict[str, str]) -> str:
    body = (await client.get(f"{API}{case.read}", headers=headers)).json()
    if isinstance(body, list):  # the phases: find the one changed
        body = next(item for item in body if case.path.endswith("/" + item["phase"]))
    return body["updated_at"]


@pytest.mark.parametrize("setup", [a_user, a_project, a_phase, a_task, a_meeting, an_activity])
async def test_a_patch_that_changes_nothing_writes_nothing(
    client: httpx.AsyncClient, world: World, setup: Callable[[httpx.AsyncClient, World], Awaitable[Case]]
) -> None:
    case = await setup(client, world)
    headers = world.people["admin" if setup is a_user else "lead"].headers
    stamp, audited = await updated_at(client, case, headers), await audit_rows(client, world, case.entity_id)

    unchanged = await client.patch(f"{API}{case.path}", json=case.same, headers=headers)

    assert unchanged.status_code == 200, unchanged.text
    assert unchanged.json()["updated_at"] == stamp == await updated_at(client, case, headers)
    assert await audit_rows(client, world, case.entity_id) == audited

    changed = await client.patch(f"{API}{case.path}", json={**case.same, **case.change}, headers=headers)

    assert changed.status_code == 200, changed.text
    assert datetime.fromisoformat(changed.json()["updated_at"]) > datetime.fromisoformat(stamp)
    rows = await audit_rows(client, world, case.entity_id)
    assert len(rows) == len(audited) + 1
    # A phase's rows also name the phase (`about`), which is context, not a change.
    assert [name for name in rows[0]["changes"] if not (setup is a_phase and name == "phase")] == [case.field]
