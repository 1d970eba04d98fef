"""Time entries kept in step with a done task, an activity's confirmed participants and a
training record: made inside the person's active agreement only, changed and removed while
unclaimed, never touching a claimed entry, one per record and person. An activity that records
a meeting makes none: the meeting's attendance pays the time."""

import httpx

from coresearch.domain.payments.tables import TimeEntry
from coresearch.lib.records import today
from tests.conftest import World
from tests.test_agreements import active
from tests.test_time_entries import attend, listed, meeting

API = "/api/v1"
CLAIM = "00000000-0000-4000-8000-000000000001"


async def entries(client: httpx.AsyncClient, world: World, source: str) -> list[dict]:
    return [
        e for e in await listed(client, world.people["lead"], world, "time-entries") if e["source"] == source
    ]


async def claim_directly(entry_id: str) -> None:
    """Claims hold entries through their own service; here only the lock matters."""
    await TimeEntry.update({TimeEntry.claim_id: CLAIM}).where(TimeEntry.id == entry_id)


async def test_a_done_task_gives_each_coresearcher_assignee_an_entry_while_done(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    made = await client.post(
        f"{API}/projects/{world.project_id}/tasks",
        json={
            "title": "Les intervjuguiden",
            "phase": "design",
            "assignee_ids": [co.id, researcher.id],
            "estimated_minutes": 90,
        },
        headers=lead.headers,
    )
    assert made.status_code == 201, made.text
    url = f"{API}/tasks/{made.json()['id']}"
    assert await entries(client, world, "task") == []

    async def patch(headers: dict, **body: object) -> None:
        response = await client.patch(url, json=body, headers=headers)
        assert response.status_code == 200, response.text

    await patch(co.headers, status="done")  # by the co-researcher assignee
    await patch(co.headers, status="done")  # again: still one
    [entry] = await entries(client, world, "task")
    assert (entry["coresearcher_id"], entry["minutes"], entry["task_id"]) == (co.id, 90, made.json()["id"])
    assert entry["worked_on"] == today().isoformat() and entry["description"] == "Les intervjuguiden"

    await patch(lead.headers, estimated_minutes=120)
    [changed] = await entries(client, world, "task")
    assert (changed["id"], changed["minutes"]) == (entry["id"], 120)

    await patch(lead.headers, status="in_progress")
    assert await entries(client, world, "task") == []

    await patch(lead.headers, status="done")
    [again] = await entries(client, world, "task")
    await claim_directly(again["id"])
    await patch(lead.headers, status="todo")
    await patch(lead.headers, estimated_minutes=30, status="done")
    [kept] = await entries(client, world, "task")
    assert (kept["id"], kept["minutes"], kept["claim_id"]) == (again["id"], 120, CLAIM)


async def test_confirmed_participants_of_an_activity_get_its_minutes_on_its_day(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead, co = world.people["lead"], world.people["co_researcher"]
    made = await client.post(
        f"{API}/projects/{world.project_id}/activities",
        json={
            "phase": "design",
            "kind": "workshop",
            "occurred_on": "2026-03-02",
            "level": "collaborate",
            "minutes": 120,
            "summary": "Verksted om intervjuguiden",
            "participant_ids": [co.id],
        },
        headers=lead.headers,
    )
    assert made.status_code == 201, made.text
    url = f"{API}/activities/{made.json()['id']}"
    [entry] = await entries(client, world, "activity")
    assert (entry["worked_on"], entry["minutes"], entry["activity_id"]) == (
        "2026-03-02",
        120,
        made.json()["id"],
    )

    changed = await client.patch(url, json={"minutes": 90, "occurred_on": "2026-03-03"}, headers=lead.headers)
    assert changed.status_code == 200, changed.text
    [moved] = await entries(client, world, "activity")
    assert (moved["id"], moved["worked_on"], moved["minutes"]) == (entry["id"], "2026-03-03", 90)

    # Before the agreement starts: nothing to pay, so the unclaimed entry goes.
    early = await client.patch(url, json={"occurred_on": "2025-12-01"}, headers=lead.headers)
    assert early.status_code == 200 and await entries(client, world, "activity") == []
    back = await client.patch(url, json={"occurred_on": "2026-03-03"}, headers=lead.headers)
    assert back.status_code == 200 and len(await entries(client, world, "activity")) == 1

    # Only the researcher now: the co-researcher's entry goes, and staff have none.
    others = await client.patch(
        url, json={"participant_ids": [world.people["researcher"].id]}, headers=lead.headers
    )
    assert others.status_code == 200, others.text
    assert await entries(client, world, "activity") == []


async def test_training_paid_by_a_project_becomes_an_entry_inside_the_agreement(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead, co = world.people["lead"], world.people["co_researcher"]
    url = f"{API}/coresearchers/{co.id}/training"
    body = {"title": "Innføring i medforskning", "completed_on": "2026-02-10", "minutes": 180}
    unpaid = await client.post(url, json=body, headers=lead.headers)
    before = await client.post(
        url, json={**body, "completed_on": "2025-06-01", "project_id": world.project_id}, headers=lead.headers
    )
    paid = await client.post(url, json={**body, "project_id": world.project_id}, headers=lead.headers)
    assert (unpaid.status_code, before.status_code, paid.status_code) == (201, 201, 201)
    [entry] = await entries(client, world, "training")
    assert (entry["training_id"], entry["worked_on"], entry["minutes"]) == (
        paid.json()["id"],
        "2026-02-10",
        180,
    )
    assert entry["coresearcher_id"] == co.id and entry["description"] == "Innføring i medforskning"


async def activity_of(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    """A workshop on 2026-03-12 (the day of `meeting`) with the co-researcher taking part."""
    response = await client.post(
        f"{API}/projects/{world.project_id}/activities",
        json={
            "phase": "analysis",
            "kind": "workshop",
            "occurred_on": "2026-03-12",
            "level": "collaborate",
            "minutes": 120,
            "summary": "Analyseverksted i referansegruppa",
            "participant_ids": [world.people["co_researcher"].id],
            **fields,
        },
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_activity_that_records_a_meeting_is_paid_through_its_attendance_only(
    client: httpx.AsyncClient, world: World
) -> None:
    """One event, one entry: the meeting's attendance pays it, the linked activity makes none."""
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead = world.people["lead"]
    meeting_id = await meeting(client, world)
    await attend(client, world, meeting_id, "in_person")
    made = await activity_of(client, world, meeting_id=meeting_id)
    assert made["meeting_id"] == meeting_id
    assert await entries(client, world, "activity") == []
    assert len(await entries(client, world, "attendance")) == 1

    got = await client.get(f"{API}/activities/{made['id']}", headers=lead.headers)
    assert got.status_code == 200 and got.json()["meeting_id"] == meeting_id
    page = await client.get(f"{API}/projects/{world.project_id}/activities", headers=lead.headers)
    assert [a["meeting_id"] for a in page.json()["items"]] == [meeting_id]
    mine = await client.get(
        f"{API}/projects/{world.project_id}/activities", headers=world.people["co_researcher"].headers
    )
    assert [a["meeting_id"] for a in mine.json()["items"]] == [meeting_id]


async def test_linking_removes_the_unclaimed_activity_entry_and_unlinking_makes_it_again(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead = world.people["lead"]
    meeting_id = await meeting(client, world)
    made = await activity_of(client, world)
    assert made["meeting_id"] is None
    url = f"{API}/activities/{made['id']}"
    [before] = await entries(client, world, "activity")

    linked = await client.patch(url, json={"meeting_id": meeting_id}, headers=lead.headers)
    assert linked.status_code == 200 and linked.json()["meeting_id"] == meeting_id, linked.text
    assert await entries(client, world, "activity") == []
    # Other changes while linked make no entry either.
    assert (await client.patch(url, json={"minutes": 150}, headers=lead.headers)).status_code == 200
    assert await entries(client, world, "activity") == []

    unlinked = await client.patch(url, json={"meeting_id": None}, headers=lead.headers)
    assert unlinked.status_code == 200 and unlinked.json()["meeting_id"] is None, unlinked.text
    [again] = await entries(client, world, "activity")
    assert again["id"] != before["id"]
    assert (again["worked_on"], again["minutes"], again["activity_id"]) == ("2026-03-12", 150, made["id"])
    got = await client.get(url, headers=lead.headers)
    assert got.json()["meeting_id"] is None


async def test_linking_never_touches_a_claimed_activity_entry(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead = world.people["lead"]
    meeting_id = await meeting(client, world)
    made = await activity_of(client, world)
    [entry] = await entries(client, world, "activity")
    await claim_directly(entry["id"])
    url = f"{API}/activities/{made['id']}"
    linked = await client.patch(url, json={"meeting_id": meeting_id}, headers=lead.headers)
    assert linked.status_code == 200, linked.text
    [kept] = await entries(client, world, "activity")
    assert (kept["id"], kept["minutes"], kept["claim_id"]) == (entry["id"], 120, CLAIM)
    unlinked = await client.patch(url, json={"meeting_id": None}, headers=lead.headers)
    assert unlinked.status_code == 200, unlinked.text
    assert [e["id"] for e in await entries(client, world, "activity")] == [entry["id"]]


async def test_an_activity_records_only_an_open_meeting_of_its_own_project(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, outsider = world.people["lead"], world.people["outsider"]
    elsewhere = await client.post(
        f"{API}/projects/{world.other_project_id}/meetings",
        json={
            "title": "Møte i et annet prosjekt",
            "phase": "design",
            "starts_at": "2026-03-12T09:00:00+00:00",
            "ends_at": "2026-03-12T10:00:00+00:00",
        },
        headers=outsider.headers,
    )
    assert elsewhere.status_code == 201, elsewhere.text
    cancelled = await meeting(client, world, title="Avlyst møte")
    assert (await client.post(f"{API}/meetings/{cancelled}/cancel", headers=lead.headers)).status_code == 200
    made = await activity_of(client, world)
    url = f"{API}/activities/{made['id']}"
    for meeting_id in (elsewhere.json()["id"], cancelled, "00000000-0000-4000-8000-0000000000aa"):
        created = await client.post(
            f"{API}/projects/{world.project_id}/activities",
            json={
                "phase": "analysis",
                "kind": "workshop",
                "occurred_on": "2026-03-12",
                "level": "collaborate",
                "minutes": 60,
                "participant_ids": [world.people["co_researcher"].id],
                "meeting_id": meeting_id,
            },
            headers=lead.headers,
        )
        changed = await client.patch(url, json={"meeting_id": meeting_id}, headers=lead.headers)
        for response in (created, changed):
            assert response.status_code == 422, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert [e["field"] for e in response.json()["errors"]] == ["meeting_id"]
    assert (await client.get(url, headers=lead.headers)).json()["meeting_id"] is None
