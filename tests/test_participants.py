"""Participants a co-researcher names are pending until project staff confirm them: until then the
activity is not in the named person's records, lists or counts."""

import importlib.util
from pathlib import Path

import httpx

from coresearch.domain.involvement.tables import ActivityParticipant
from coresearch.lib import db
from tests.conftest import Person, World, add_member, make_person

API = "/api/v1"
ACTIVITY = {
    "phase": "design",
    "kind": "workshop",
    "occurred_on": "2026-03-02",
    "level": "collaborate",
    "minutes": 90,
}
MIGRATION = (
    Path(__file__).resolve().parents[1] / "migrations/coresearch_0011_evaluation_and_participant_integrity.py"
)


async def log_activity(client: httpx.AsyncClient, person: Person, project_id: str, *named: Person) -> dict:
    response = await client.post(
        f"{API}/projects/{project_id}/activities",
        json={**ACTIVITY, "participant_ids": [p.id for p in named]},
        headers=person.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def impact_of(client: httpx.AsyncClient, person: Person) -> list[str]:
    response = await client.get(f"{API}/me/impact", headers=person.headers)
    assert response.status_code == 200, response.text
    return [entry["activity_id"] for entry in response.json()["items"]]


async def listed(client: httpx.AsyncClient, person: Person, project_id: str, **params: str) -> list[dict]:
    response = await client.get(
        f"{API}/projects/{project_id}/activities", params=params, headers=person.headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def confirm(
    client: httpx.AsyncClient, person: Person, activity_id: str, user: Person
) -> httpx.Response:
    return await client.post(
        f"{API}/activities/{activity_id}/participants/{user.id}/confirm", headers=person.headers
    )


async def second_co_researcher(client: httpx.AsyncClient, world: World) -> Person:
    person = await make_person(client, "co_researcher", "Andre medforsker")
    await add_member(client, world.people["lead"], world.project_id, person, "co_researcher")
    return person


async def test_a_co_researcher_cannot_write_into_another_co_researchers_record(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    other = await second_co_researcher(client, world)
    activity = await log_activity(client, co, world.project_id, co, other)

    assert (activity["participant_ids"], activity["pending_participant_ids"]) == ([co.id], [other.id])
    assert await impact_of(client, other) == []
    assert await listed(client, other, world.project_id) == []
    assert (await client.get(f"{API}/activities/{activity['id']}", headers=other.headers)).status_code == 404
    assert await listed(client, lead, world.project_id, participant_id=other.id) == []
    for person in (lead, world.people["researcher"], co):
        seen = (await client.get(f"{API}/activities/{activity['id']}", headers=person.headers)).json()
        assert (seen["participant_ids"], seen["pending_participant_ids"]) == ([co.id], [other.id])
        [item] = await listed(client, person, world.project_id)
        assert (item["participant_ids"], item["pending_participant_ids"]) == ([co.id], [other.id])


async def test_once_staff_confirm_the_activity_counts_for_the_person_named(
    client: httpx.AsyncClient, world: World
) -> None:
    co, researcher, admin = (world.people[p] for p in ("co_researcher", "researcher", "admin"))
    other = await second_co_researcher(client, world)
    activity = await log_activity(client, co, world.project_id, co, other)

    confirmed = await confirm(client, researcher, activity["id"], other)
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert (body["participant_ids"], body["pending_participant_ids"]) == (sorted([co.id, other.id]), [])
    assert body["updated_at"] > activity["updated_at"]
    assert await impact_of(client, other) == [activity["id"]]
    [item] = await listed(client, other, world.project_id)
    assert item["pending_participant_ids"] == []  # other people's pending names are not theirs to see
    assert (await confirm(client, researcher, activity["id"], other)).status_code == 200

    audit = await client.get(f"{API}/audit", params={"entity_id": activity["id"]}, headers=admin.headers)
    rows = audit.json()["items"]
    assert [row["action"] for row in rows] == ["activity.participant_confirm", "activity.create"]
    assert rows[0]["actor_id"] == researcher.id
    assert rows[0]["changes"] == {
        "participant_ids": {"before": [co.id], "after": sorted([co.id, other.id])},
        "pending_participant_ids": {"before": [other.id], "after": []},
    }


async def test_co_researchers_cannot_confirm_and_strangers_are_not_participants(
    client: httpx.AsyncClient, world: World
) -> None:
    co, lead = world.people["co_researcher"], world.people["lead"]
    other = await second_co_researcher(client, world)
    activity = await log_activity(client, co, world.project_id, co, other)

    assert (await confirm(client, co, activity["id"], other)).status_code == 403
    assert (await confirm(client, other, activity["id"], other)).status_code == 404
    assert (await confirm(client, lead, activity["id"], world.people["researcher"])).status_code == 404
    assert await impact_of(client, other) == []


async def test_staff_naming_people_confirms_them_and_leaving_a_pending_name_out_declines_it(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    other = await second_co_researcher(client, world)
    by_lead = await log_activity(client, lead, world.project_id, co, other)
    assert (by_lead["participant_ids"], by_lead["pending_participant_ids"]) == (sorted([co.id, other.id]), [])

    declined = await log_activity(client, co, world.project_id, co, other)
    accepted = await log_activity(client, co, world.project_id, co, other, researcher)

    async def set_participants(activity: dict, *people: Person) -> dict:
        response = await client.patch(
            f"{API}/activities/{activity['id']}",
            json={"participant_ids": [p.id for p in people]},
            headers=lead.headers,
        )
        assert response.status_code == 200, response.text
        return response.json()

    after_decline = await set_participants(declined, co)
    assert (after_decline["participant_ids"], after_decline["pending_participant_ids"]) == ([co.id], [])
    after_accept = await set_participants(accepted, co, other)
    assert after_accept["participant_ids"] == sorted([co.id, other.id])
    assert after_accept["pending_participant_ids"] == []
    assert sorted(await impact_of(client, other)) == sorted([by_lead["id"], accepted["id"]])


async def test_the_migration_confirms_only_participants_staff_or_the_person_named(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    other = await second_co_researcher(client, world)
    by_lead = await log_activity(client, lead, world.project_id, co, other)
    by_co = await log_activity(client, co, world.project_id, co, other)
    # As before the migration: the column exists, nothing is confirmed yet.
    await ActivityParticipant.update({ActivityParticipant.confirmed: False}, force=True)
    spec = importlib.util.spec_from_file_location("integrity_0011", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for statement in migration.STATEMENTS:
        await db.current_engine().run_ddl(statement)

    rows = await ActivityParticipant.select(
        ActivityParticipant.activity, ActivityParticipant.user, ActivityParticipant.confirmed
    )
    confirmed = {(str(r["activity"]), str(r["user"])): r["confirmed"] for r in rows}
    assert confirmed == {
        (by_lead["id"], co.id): True,
        (by_lead["id"], other.id): True,
        (by_co["id"], co.id): True,
        (by_co["id"], other.id): False,
    }
