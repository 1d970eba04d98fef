"""Time entries and expenses: by hand, the 422s, a co-researcher's own only, and the entry a
meeting's attendance keeps in step (in person, remote, absent, changed, claimed)."""

import httpx

from coresearch.domain.payments.tables import TimeEntry
from tests.conftest import Person, World
from tests.test_agreements import active
from tests.test_documents import new_document

API = "/api/v1"


def entry(world: World, **fields: object) -> dict:
    return {
        "coresearcher_id": world.people["co_researcher"].id,
        "worked_on": "2026-03-10",
        "minutes": 95,
        "description": "Leste gjennom intervjuguiden og skrev kommentarer.",
        **fields,
    }


def expense(world: World, **fields: object) -> dict:
    return {
        "coresearcher_id": world.people["co_researcher"].id,
        "incurred_on": "2026-03-10",
        "kind": "travel",
        "amount_ore": 14_250,
        "description": "Buss Åsane–sentrum tur/retur",
        **fields,
    }


async def post(
    client: httpx.AsyncClient, person: Person, world: World, what: str, body: dict
) -> httpx.Response:
    return await client.post(f"{API}/projects/{world.project_id}/{what}", json=body, headers=person.headers)


async def listed(client: httpx.AsyncClient, person: Person, world: World, what: str) -> list[dict]:
    response = await client.get(f"{API}/projects/{world.project_id}/{what}", headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def meeting(client: httpx.AsyncClient, world: World, **fields: object) -> str:
    response = await client.post(
        f"{API}/projects/{world.project_id}/meetings",
        json={
            "title": "Referansegruppemøte",
            "phase": "analysis",
            "starts_at": "2026-03-12T09:00:00+00:00",
            "ends_at": "2026-03-12T11:10:00+00:00",
            "break_minutes": 15,
            **fields,
        },
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def attend(client: httpx.AsyncClient, world: World, meeting_id: str, mode: str | None) -> None:
    response = await client.put(
        f"{API}/meetings/{meeting_id}/attendance/{world.people['co_researcher'].id}",
        json={"attended": mode is not None, "mode": mode},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 200, response.text


async def test_staff_and_the_coresearcher_record_time_which_the_coresearcher_sees_as_their_own(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead, co = world.people["lead"], world.people["co_researcher"]
    by_lead = await post(client, lead, world, "time-entries", entry(world))
    assert by_lead.status_code == 201, by_lead.text
    created = by_lead.json()
    assert created["minutes"] == 95 and created["source"] == "manual" and created["mode"] is None
    assert created["claim_id"] is None and created["coresearcher_id"] == co.id
    own = await post(client, co, world, "time-entries", entry(world, worked_on="2026-04-01", minutes=30))
    assert own.status_code == 201, own.text
    assert [e["worked_on"] for e in await listed(client, co, world, "time-entries")] == [
        "2026-04-01",
        "2026-03-10",
    ]
    assert len(await listed(client, world.people["researcher"], world, "time-entries")) == 2


async def test_a_day_outside_the_active_agreement_is_refused_naming_the_field(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    none_yet = await post(client, lead, world, "time-entries", entry(world))
    assert none_yet.status_code == 422
    assert none_yet.json()["errors"][0]["field"] == "worked_on"
    await active(client, world, starts_on="2026-02-01", ends_on="2099-06-30")
    for day in ("2026-01-31", "2099-07-01"):
        response = await post(client, lead, world, "time-entries", entry(world, worked_on=day))
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "worked_on"
        response = await post(client, lead, world, "expenses", expense(world, incurred_on=day))
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "incurred_on"
    assert await listed(client, lead, world, "time-entries") == []
    assert await listed(client, lead, world, "expenses") == []


async def test_records_outside_the_project_are_refused_naming_the_field(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    outsider = world.people["outsider"]
    elsewhere = await client.post(
        f"{API}/projects/{world.other_project_id}/meetings",
        json={
            "title": "Annet møte",
            "phase": "analysis",
            "starts_at": "2026-03-12T09:00:00+00:00",
            "ends_at": "2026-03-12T10:00:00+00:00",
        },
        headers=outsider.headers,
    )
    assert elsewhere.status_code == 201, elsewhere.text
    response = await post(
        client, world.people["lead"], world, "time-entries", entry(world, meeting_id=elsewhere.json()["id"])
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "meeting_id"
    ours = await meeting(client, world)
    response = await post(client, world.people["lead"], world, "time-entries", entry(world, meeting_id=ours))
    assert response.status_code == 201 and response.json()["meeting_id"] == ours


async def test_expenses_with_receipts_and_lost_earnings_need_documentation(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead, co = world.people["lead"], world.people["co_researcher"]
    undocumented = await post(client, co, world, "expenses", expense(world, kind="lost_earnings"))
    assert undocumented.status_code == 422
    assert undocumented.json()["errors"][0]["field"] == "receipt_document_id"
    other = await new_document(client, world.people["outsider"], world.other_project_id, kind="receipt")
    foreign = await post(
        client, lead, world, "expenses", expense(world, kind="lost_earnings", receipt_document_id=other["id"])
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "receipt_document_id"
    receipt = await new_document(client, lead, world.project_id, kind="receipt")
    documented = await post(
        client, co, world, "expenses", expense(world, kind="lost_earnings", receipt_document_id=receipt["id"])
    )
    assert documented.status_code == 201, documented.text
    assert documented.json()["receipt_document_id"] == receipt["id"]
    assert (await post(client, lead, world, "expenses", expense(world))).status_code == 201
    kinds = sorted(e["kind"] for e in await listed(client, co, world, "expenses"))
    assert kinds == ["lost_earnings", "travel"]


async def test_a_coresearcher_records_and_sees_only_their_own(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead, co, other = world.people["lead"], world.people["co_researcher"], world.people["other_co_researcher"]
    await client.put(
        f"{API}/projects/{world.project_id}/members/{other.id}",
        json={"role": "co_researcher"},
        headers=lead.headers,
    )
    for what, body in (("time-entries", entry), ("expenses", expense)):
        mine = await post(client, lead, world, what, body(world))
        assert mine.status_code == 201, mine.text
        for_other = await post(client, co, world, what, body(world, coresearcher_id=other.id))
        assert for_other.status_code == 403
        assert await listed(client, other, world, what) == []
        assert [e["id"] for e in await listed(client, co, world, what)] == [mine.json()["id"]]
        response = await client.get(
            f"{API}/projects/{world.project_id}/{what}?coresearcher_id={co.id}", headers=other.headers
        )
        assert response.status_code == 200 and response.json()["items"] == []


async def test_attendance_keeps_the_unclaimed_entry_in_step(client: httpx.AsyncClient, world: World) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead, co = world.people["lead"], world.people["co_researcher"]
    meeting_id = await meeting(client, world)

    await attend(client, world, meeting_id, "in_person")
    [created] = await listed(client, co, world, "time-entries")
    assert created["source"] == "attendance" and created["meeting_id"] == meeting_id
    assert created["minutes"] == 130 - 15 and created["mode"] == "in_person"
    assert created["worked_on"] == "2026-03-12" and created["claim_id"] is None

    await attend(client, world, meeting_id, "remote")
    [changed] = await listed(client, lead, world, "time-entries")
    assert changed["id"] == created["id"] and changed["mode"] == "remote" and changed["minutes"] == 115

    await attend(client, world, meeting_id, None)
    assert await listed(client, lead, world, "time-entries") == []

    await attend(client, world, meeting_id, "in_person")
    [again] = await listed(client, lead, world, "time-entries")
    assert again["mode"] == "in_person"
    audit = await client.get(f"{API}/audit?entity=time_entry", headers=world.people["admin"].headers)
    assert audit.status_code == 200, audit.text
    actions = sorted(row["action"] for row in audit.json()["items"])
    assert actions == ["time_entry.create", "time_entry.create", "time_entry.delete", "time_entry.update"]


async def test_a_claimed_attendance_entry_is_locked(client: httpx.AsyncClient, world: World) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    meeting_id = await meeting(client, world)
    await attend(client, world, meeting_id, "in_person")
    [created] = await listed(client, world.people["lead"], world, "time-entries")
    # Claims come later; until then only the table can hold an entry in one.
    claim = "00000000-0000-4000-8000-000000000001"
    await TimeEntry.update({TimeEntry.claim_id: claim}).where(TimeEntry.id == created["id"])
    await attend(client, world, meeting_id, "remote")
    await attend(client, world, meeting_id, None)
    [kept] = await listed(client, world.people["lead"], world, "time-entries")
    assert kept["mode"] == "in_person" and kept["claim_id"] == claim


async def test_attendance_without_an_active_agreement_records_no_entry(
    client: httpx.AsyncClient, world: World
) -> None:
    meeting_id = await meeting(client, world)
    await attend(client, world, meeting_id, "in_person")
    assert await listed(client, world.people["lead"], world, "time-entries") == []
    await active(client, world, starts_on="2026-04-01", ends_on="2099-12-31")
    await attend(client, world, meeting_id, "remote")
    # The agreement starts after the meeting's day: still nothing.
    assert await listed(client, world.people["lead"], world, "time-entries") == []


async def test_changing_a_meetings_times_or_breaks_updates_the_unclaimed_entries(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31")
    lead = world.people["lead"]
    meeting_id = await meeting(client, world)
    await attend(client, world, meeting_id, "in_person")
    url = f"{API}/meetings/{meeting_id}"

    shorter = await client.patch(url, json={"break_minutes": 30}, headers=lead.headers)
    assert shorter.status_code == 200, shorter.text
    [entry_row] = await listed(client, lead, world, "time-entries")
    assert (entry_row["minutes"], entry_row["mode"]) == (130 - 30, "in_person")

    moved = await client.patch(
        url,
        json={
            "starts_at": "2026-03-13T08:00:00+00:00",
            "ends_at": "2026-03-13T09:00:00+00:00",
            "break_minutes": 0,
        },
        headers=lead.headers,
    )
    assert moved.status_code == 200, moved.text
    [entry_row] = await listed(client, lead, world, "time-entries")
    assert (entry_row["worked_on"], entry_row["minutes"]) == ("2026-03-13", 60)

    # Once claimed, the entry stays as it was claimed.
    claim = "00000000-0000-4000-8000-000000000001"
    await TimeEntry.update({TimeEntry.claim_id: claim}).where(TimeEntry.id == entry_row["id"])
    assert (await client.patch(url, json={"break_minutes": 10}, headers=lead.headers)).status_code == 200
    [kept] = await listed(client, lead, world, "time-entries")
    assert kept["minutes"] == 60 and kept["claim_id"] == claim
