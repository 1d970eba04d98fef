"""The involvement log and the caller's impact: the contract, who sees what, filters, pagination
and the audit trail (evaluation rounds: test_evaluations.py; confirmation: test_participants.py)."""

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from coresearch.lib import db
from tests.conftest import Person, World, add_member, create_project, make_person

API = "/api/v1"
ACTIVITY = {
    "phase": "design",
    "kind": "workshop",
    "occurred_on": "2026-03-02",
    "level": "collaborate",
    "minutes": 120,
}


async def new_activity(
    client: httpx.AsyncClient, person: Person, project_id: str, participants: list[Person], **fields: object
) -> dict:
    body = {**ACTIVITY, "participant_ids": [p.id for p in participants], **fields}
    response = await client.post(f"{API}/projects/{project_id}/activities", json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def listed(client: httpx.AsyncClient, person: Person, project_id: str, **params: object) -> list[str]:
    response = await client.get(
        f"{API}/projects/{project_id}/activities", params={"limit": 200, **params}, headers=person.headers
    )
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def audit_rows(client: httpx.AsyncClient, world: World, **params: str) -> list[dict]:
    response = await client.get(
        f"{API}/audit", params={"limit": 200, **params}, headers=world.people["admin"].headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def today() -> date:
    return datetime.now(UTC).date()


# --- activities: the contract -------------------------------------------------------------------


async def test_lead_logs_an_activity_with_deduplicated_sorted_participants(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    activity = await new_activity(
        client,
        lead,
        world.project_id,
        [co, researcher, co],
        summary="Verksted om intervjuguiden",
        hoped_to_influence="Spørsmålene om tvang",
        what_changed="To spørsmål ble skrevet om",
        why_it_matters="Informantene forstår spørsmålene",
    )
    assert activity["participant_ids"] == sorted([co.id, researcher.id])
    assert activity["project_id"] == world.project_id and activity["created_by"] == lead.id
    assert {k: activity[k] for k in ACTIVITY} == ACTIVITY
    assert activity["what_changed"] == "To spørsmål ble skrevet om"
    read = await client.get(f"{API}/activities/{activity['id']}", headers=researcher.headers)
    assert read.status_code == 200 and read.json() == activity
    assert await listed(client, researcher, world.project_id) == [activity["id"]]


async def test_norwegian_text_survives_the_round_trip(client: httpx.AsyncClient, world: World) -> None:
    text = "Å forstå pårørendes erfaringer – «bruker spør bruker» på sjukehus i Førde"
    co = world.people["co_researcher"]
    created = await new_activity(client, co, world.project_id, [co], summary=text)
    await client.patch(
        f"{API}/activities/{created['id']}", json={"what_changed": text}, headers=world.people["lead"].headers
    )
    read = (await client.get(f"{API}/activities/{created['id']}", headers=co.headers)).json()
    impact = (await client.get(f"{API}/me/impact", headers=co.headers)).json()["items"]
    assert read["summary"] == read["what_changed"] == text
    assert impact[0]["what_changed"] == text


async def test_a_co_researcher_logs_an_activity_they_took_part_in(
    client: httpx.AsyncClient, world: World
) -> None:
    co, researcher = world.people["co_researcher"], world.people["researcher"]
    activity = await new_activity(client, co, world.project_id, [co, researcher], kind="interview")
    assert activity["created_by"] == co.id
    # Others a co-researcher names wait for staff to confirm them (test_participants.py).
    assert activity["participant_ids"] == [co.id]
    assert activity["pending_participant_ids"] == [researcher.id]


async def test_a_co_researcher_cannot_log_an_activity_without_themselves(
    client: httpx.AsyncClient, world: World
) -> None:
    co, researcher = world.people["co_researcher"], world.people["researcher"]
    response = await client.post(
        f"{API}/projects/{world.project_id}/activities",
        json={**ACTIVITY, "participant_ids": [researcher.id]},
        headers=co.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "participant_ids", "message": "must include your own user id"}
    ]
    assert await listed(client, world.people["lead"], world.project_id) == []


async def test_co_researchers_see_only_the_activities_they_took_part_in(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    with_co = await new_activity(client, lead, world.project_id, [co, researcher])
    without_co = await new_activity(client, lead, world.project_id, [researcher], occurred_on="2026-03-03")

    assert await listed(client, co, world.project_id) == [with_co["id"]]
    assert await listed(client, co, world.project_id, participant_id=researcher.id) == [with_co["id"]]
    assert (await client.get(f"{API}/activities/{with_co['id']}", headers=co.headers)).status_code == 200
    hidden = await client.get(f"{API}/activities/{without_co['id']}", headers=co.headers)
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith("application/problem+json")
    for staff in (lead, researcher, world.people["research_leader"], world.people["admin"]):
        assert await listed(client, staff, world.project_id) == [without_co["id"], with_co["id"]]


async def test_only_the_lead_edits_an_activity(client: httpx.AsyncClient, world: World) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    seen = await new_activity(client, lead, world.project_id, [co])
    unseen = await new_activity(client, lead, world.project_id, [researcher])
    change = {"what_changed": "Rekrutteringen går nå via brukerorganisasjonen"}

    async def patch(person: Person, activity: dict) -> httpx.Response:
        return await client.patch(f"{API}/activities/{activity['id']}", json=change, headers=person.headers)

    assert (await patch(researcher, seen)).status_code == 403
    assert (await patch(co, seen)).status_code == 403
    assert (await patch(co, unseen)).status_code == 404
    edited = await patch(lead, seen)
    assert edited.status_code == 200 and edited.json()["what_changed"] == change["what_changed"]
    assert edited.json()["updated_at"] >= seen["updated_at"]
    assert (await patch(world.people["research_leader"], unseen)).status_code == 200


async def test_outsiders_get_404_for_everything_in_the_project(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    activity = await new_activity(client, lead, world.project_id, [co])
    for persona in ("outsider", "other_co_researcher"):
        person = world.people[persona]
        answers = [
            await client.post(
                f"{API}/projects/{world.project_id}/activities",
                json={**ACTIVITY, "participant_ids": [person.id]},
                headers=person.headers,
            ),
            await client.get(f"{API}/projects/{world.project_id}/activities", headers=person.headers),
            await client.get(f"{API}/activities/{activity['id']}", headers=person.headers),
            await client.patch(
                f"{API}/activities/{activity['id']}", json={"minutes": 5}, headers=person.headers
            ),
            await client.post(
                f"{API}/projects/{world.project_id}/evaluation-rounds",
                json={"title": "Runde"},
                headers=person.headers,
            ),
            await client.get(f"{API}/projects/{world.project_id}/evaluation-rounds", headers=person.headers),
        ]
        assert [r.status_code for r in answers] == [404] * len(answers), persona
    missing = await client.get(f"{API}/activities/{uuid.uuid4()}", headers=lead.headers)
    assert missing.status_code == 404


# --- activities: validation ---------------------------------------------------------------------


async def test_participants_must_be_current_members(client: httpx.AsyncClient, world: World) -> None:
    lead, co, outsider = world.people["lead"], world.people["co_researcher"], world.people["outsider"]
    stranger = str(uuid.uuid4())
    response = await client.post(
        f"{API}/projects/{world.project_id}/activities",
        json={**ACTIVITY, "participant_ids": [co.id, outsider.id, stranger]},
        headers=lead.headers,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "participant_ids"
    assert outsider.id in error["message"] and stranger in error["message"] and co.id not in error["message"]


async def test_former_members_stay_on_old_activities_but_cannot_be_added(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    leaver = await make_person(client, "co_researcher", "Medforsker som slutter")
    await add_member(client, lead, world.project_id, leaver, "co_researcher")
    activity = await new_activity(client, lead, world.project_id, [leaver])
    url = f"{API}/projects/{world.project_id}/members/{leaver.id}"
    assert (await client.delete(url, headers=lead.headers)).status_code == 204

    kept = await client.patch(
        f"{API}/activities/{activity['id']}",
        json={"participant_ids": [leaver.id, co.id]},
        headers=lead.headers,
    )
    assert kept.status_code == 200 and kept.json()["participant_ids"] == sorted([leaver.id, co.id])
    refused = await client.post(
        f"{API}/projects/{world.project_id}/activities",
        json={**ACTIVITY, "participant_ids": [leaver.id]},
        headers=lead.headers,
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "participant_ids"


IN_THREE_DAYS = (today() + timedelta(days=3)).isoformat()
INVALID_ACTIVITIES = [
    ({"minutes": 0}, 400, "minutes"),
    ({"minutes": 1441}, 400, "minutes"),
    ({"minutes": 12.5}, 400, "minutes"),
    ({"phase": "planning"}, 400, "phase"),
    ({"kind": "lunch"}, 400, "kind"),
    ({"level": "tokenism"}, 400, "level"),
    ({"occurred_on": "02.03.2026"}, 400, "occurred_on"),
    ({"occurred_on": IN_THREE_DAYS}, 422, "occurred_on"),
    ({"occurred_on": "1999-12-31"}, 422, "occurred_on"),
    ({"summary": "x" * 20_001}, 400, "summary"),
    ({"why_it_matters": "x" * 20_001}, 400, "why_it_matters"),
    ({"participant_ids": []}, 400, "participant_ids"),
    ({"participant_ids": [str(uuid.uuid4()) for _ in range(101)]}, 400, "participant_ids"),
    ({"participant_ids": ["not-a-uuid"]}, 400, "participant_ids"),
    ({"created_by": str(uuid.uuid4())}, 400, "created_by"),
]
INVALID_CHANGES = [
    ({"occurred_on": IN_THREE_DAYS}, 422, "occurred_on"),
    ({"participant_ids": [str(uuid.uuid4())]}, 422, "participant_ids"),
    ({"minutes": 0}, 400, "minutes"),
    ({"level": None}, 400, "level"),
    ({"project_id": str(uuid.uuid4())}, 400, "project_id"),
]


def names_field(response: httpx.Response, field: str) -> bool:
    return any(field in error["field"] or field in error["message"] for error in response.json()["errors"])


async def test_invalid_activities_are_refused_with_field_errors(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    for fields, status, field in INVALID_ACTIVITIES:
        body = {**ACTIVITY, "participant_ids": [world.people["co_researcher"].id], **fields}
        response = await client.post(
            f"{API}/projects/{world.project_id}/activities", json=body, headers=lead.headers
        )
        assert response.status_code == status, (fields, response.text)
        assert names_field(response, field), (fields, response.text)
    assert await listed(client, lead, world.project_id) == []


async def test_invalid_changes_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    activity = await new_activity(client, lead, world.project_id, [world.people["co_researcher"]])
    url = f"{API}/activities/{activity['id']}"
    for fields, status, field in INVALID_CHANGES:
        response = await client.patch(url, json=fields, headers=lead.headers)
        assert response.status_code == status, (fields, response.text)
        assert names_field(response, field), (fields, response.text)
    assert (await client.get(url, headers=lead.headers)).json() == activity


# --- activities: filters and pagination ---------------------------------------------------------


async def test_every_filter_narrows_the_list(client: httpx.AsyncClient, world: World) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    early = await new_activity(
        client,
        lead,
        world.project_id,
        [co],
        phase="topic",
        kind="meeting",
        level="consult",
        occurred_on="2026-01-15",
    )
    middle = await new_activity(
        client,
        lead,
        world.project_id,
        [researcher],
        phase="design",
        kind="workshop",
        level="collaborate",
        occurred_on="2026-02-10",
    )
    late = await new_activity(
        client,
        lead,
        world.project_id,
        [co, researcher],
        phase="analysis",
        kind="analysis_session",
        level="lead",
        occurred_on="2026-04-01",
    )
    pid = world.project_id
    assert await listed(client, lead, pid) == [late["id"], middle["id"], early["id"]]
    assert await listed(client, lead, pid, phase="design") == [middle["id"]]
    assert await listed(client, lead, pid, level="lead") == [late["id"]]
    assert await listed(client, lead, pid, kind="meeting") == [early["id"]]
    assert await listed(client, lead, pid, **{"from": "2026-02-10"}) == [late["id"], middle["id"]]
    assert await listed(client, lead, pid, to="2026-02-10") == [middle["id"], early["id"]]
    assert await listed(client, lead, pid, **{"from": "2026-02-10", "to": "2026-02-10"}) == [middle["id"]]
    assert await listed(client, lead, pid, participant_id=co.id) == [late["id"], early["id"]]
    assert await listed(client, lead, pid, participant_id=co.id, phase="analysis") == [late["id"]]
    assert await listed(client, lead, pid, participant_id=str(uuid.uuid4())) == []

    for params, field in (
        ({"from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ({"phase": "planning"}, "phase"),
        ({"level": "tokenism"}, "level"),
        ({"from": "yesterday"}, "from"),
        ({"participant_id": "someone"}, "participant_id"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": 0}, "limit"),
    ):
        response = await client.get(f"{API}/projects/{pid}/activities", params=params, headers=lead.headers)
        assert response.status_code == 400, (params, response.text)
        assert any(field in e["field"] or field in e["message"] for e in response.json()["errors"]), params


async def test_activity_pages_are_newest_first_and_stable_under_inserts(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    days = ["2026-03-05", "2026-03-04", "2026-03-04", "2026-03-04", "2026-03-02", "2026-03-01"]
    for day in days:
        await new_activity(client, lead, world.project_id, [co], occurred_on=day)
    url, headers = f"{API}/projects/{world.project_id}/activities", lead.headers

    existed = set(await listed(client, lead, world.project_id))
    first = (await client.get(url, params={"limit": 2}, headers=headers)).json()
    assert [a["occurred_on"] for a in first["items"]] == ["2026-03-05", "2026-03-04"]
    # Newer, older and same-day activities are logged while the list is being read.
    newest = await new_activity(client, lead, world.project_id, [co], occurred_on="2026-06-01")
    for day in ["2026-03-04", "2026-03-04", "2026-02-01"]:
        await new_activity(client, lead, world.project_id, [co], occurred_on=day)

    cursor, read = first["next_cursor"], first["items"]
    while cursor:
        page = (await client.get(url, params={"limit": 2, "cursor": cursor}, headers=headers)).json()
        read += page["items"]
        cursor = page["next_cursor"]
    ids = [a["id"] for a in read]
    assert len(ids) == len(set(ids))
    assert existed <= set(ids)
    assert newest["id"] not in ids
    keys = [(a["occurred_on"], a["id"]) for a in read]
    assert keys == sorted(keys, reverse=True)


async def test_a_page_costs_the_same_number_of_queries_whatever_its_size(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    for number in range(12):
        await new_activity(
            client, lead, world.project_id, [co, researcher], occurred_on=f"2026-03-{number + 1:02d}"
        )
    engine_type = type(db.current_engine())
    run_querystring = engine_type.run_querystring
    count = 0

    async def counted(self: object, *args: object, **kwargs: object) -> object:
        nonlocal count
        count += 1
        return await run_querystring(self, *args, **kwargs)

    monkeypatch.setattr(engine_type, "run_querystring", counted)

    async def queries_for(limit: int) -> int:
        nonlocal count
        count = 0
        page = await client.get(
            f"{API}/projects/{world.project_id}/activities", params={"limit": limit}, headers=lead.headers
        )
        assert len(page.json()["items"]) == limit
        return count

    assert await queries_for(1) == await queries_for(12) > 0


# --- impact -------------------------------------------------------------------------------------


async def test_my_impact_spans_my_projects_newest_first(client: httpx.AsyncClient, world: World) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    second = await create_project(client, world.people["research_leader"], "Ungdom og rus – «våre stemmer»")
    await add_member(client, world.people["research_leader"], second, co, "co_researcher")

    older = await new_activity(
        client, lead, world.project_id, [co], occurred_on="2026-02-01", what_changed="Nytt tema: ettervern"
    )
    newer = await new_activity(
        client,
        world.people["research_leader"],
        second,
        [co],
        occurred_on="2026-05-01",
        level="lead",
        hoped_to_influence="Utvalget av informanter",
        why_it_matters="Flere unge ble nådd",
    )
    no_change = await new_activity(client, co, world.project_id, [co], occurred_on="2026-03-01")
    await new_activity(client, lead, world.project_id, [researcher], occurred_on="2026-06-01")

    response = await client.get(f"{API}/me/impact", headers=co.headers)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["activity_id"] for i in items] == [newer["id"], no_change["id"], older["id"]]
    assert items[0] == {
        "activity_id": newer["id"],
        "project_id": second,
        "project_title": "Ungdom og rus – «våre stemmer»",
        "phase": "design",
        "kind": "workshop",
        "level": "lead",
        "occurred_on": "2026-05-01",
        "minutes": 120,
        "summary": "",
        "hoped_to_influence": "Utvalget av informanter",
        "what_changed": "",
        "why_it_matters": "Flere unge ble nådd",
    }
    changed = (
        await client.get(f"{API}/me/impact", params={"only_with_change": "true"}, headers=co.headers)
    ).json()
    assert [i["activity_id"] for i in changed["items"]] == [older["id"]]

    first = (await client.get(f"{API}/me/impact", params={"limit": 2}, headers=co.headers)).json()
    rest = (
        await client.get(f"{API}/me/impact", params={"cursor": first["next_cursor"]}, headers=co.headers)
    ).json()
    assert [i["activity_id"] for i in first["items"] + rest["items"]] == [i["activity_id"] for i in items]
    assert rest["next_cursor"] is None

    other = (await client.get(f"{API}/me/impact", headers=world.people["other_co_researcher"].headers)).json()
    assert other == {"items": [], "next_cursor": None}


async def test_impact_from_a_project_i_have_left_is_no_longer_shown(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    await new_activity(client, lead, world.project_id, [co])
    assert (
        await client.delete(f"{API}/projects/{world.project_id}/members/{co.id}", headers=lead.headers)
    ).status_code == 204
    page = (await client.get(f"{API}/me/impact", headers=co.headers)).json()
    assert page == {"items": [], "next_cursor": None}


# --- audit --------------------------------------------------------------------------------------


async def test_activity_changes_are_audited_with_actor_and_changed_fields(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    activity = await new_activity(client, co, world.project_id, [co], summary="Første utkast")
    await client.patch(
        f"{API}/activities/{activity['id']}",
        json={"summary": "Andre utkast", "participant_ids": [co.id, researcher.id], "level": "collaborate"},
        headers=lead.headers,
    )
    updated, created = await audit_rows(client, world, entity="activity", entity_id=activity["id"])

    assert created["action"] == "activity.create" and created["actor_id"] == co.id
    assert created["changes"]["summary"] == {"before": None, "after": "Første utkast"}
    assert created["changes"]["participant_ids"]["after"] == [co.id]
    assert created["changes"]["project_id"]["after"] == world.project_id
    assert updated["action"] == "activity.update" and updated["actor_id"] == lead.id
    assert updated["changes"] == {
        "summary": {"before": "Første utkast", "after": "Andre utkast"},
        "participant_ids": {"before": [co.id], "after": sorted([co.id, researcher.id])},
    }
