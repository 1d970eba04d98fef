"""Agreements: the lifecycle, the accepted texts and versions, who sees what, races and the audit."""

import asyncio
from datetime import date, timedelta

import httpx

from tests.conftest import Person, World, add_member, make_person

API = "/api/v1"


def terms(world: World, **fields: object) -> dict:
    return {
        "coresearcher_id": world.people["co_researcher"].id,
        "contact_person_id": world.people["lead"].id,
        "role_title": "Medforsker i referansegruppa",
        "mandate": "Gi råd om intervjuguiden og være med på å tolke funnene.",
        "phases": ["analysis", "design", "analysis"],
        "starts_on": "2026-01-01",
        "ends_on": "2099-12-31",
        "expected_hours": 40,
        "pay_terms": "355 kr per time. Reise dekkes etter billigste reisemåte.",
        "papers_days_ahead": 7,
        "meeting_terms": "Tirsdager kl. 10–12 på Møterom Fløyen, med en pause på 15 minutter.",
        **fields,
    }


async def draft(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    response = await client.post(
        f"{API}/projects/{world.project_id}/agreements",
        json=terms(world, **fields),
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def act(
    client: httpx.AsyncClient, person: Person, agreement_id: str, move: str, **body: object
) -> dict:
    response = await client.post(
        f"{API}/agreements/{agreement_id}/{move}", json=body or None, headers=person.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def status_of(client: httpx.AsyncClient, person: Person, method: str, url: str, **body: object) -> int:
    response = await client.request(method, f"{API}{url}", json=body or None, headers=person.headers)
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code


async def active(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    agreement = await draft(client, world, **fields)
    await act(client, world.people["lead"], agreement["id"], "send")
    return await act(client, world.people["co_researcher"], agreement["id"], "accept")


async def test_the_lead_drafts_and_sends_and_the_coresearcher_accepts_the_text_shown(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    created = await draft(client, world)
    assert created["status"] == "draft" and created["version"] == 1 and created["revision"] == 1
    assert created["phases"] == ["design", "analysis"] and created["rate_table_id"] is None
    assert created["accepted_text"] is None and created["versions"] == []
    assert created["confidentiality"] and created["certificate_promised"] and created["references_offered"]

    sent = await act(client, lead, created["id"], "send")
    assert sent["status"] == "sent" and sent["awaiting_acceptance"] and sent["sent_at"]
    shown = (await client.get(f"{API}/agreements/{created['id']}", headers=co.headers)).json()
    accepted = await act(client, co, created["id"], "accept", revision=shown["revision"])

    assert accepted["status"] == "active" and accepted["accepted_version"] == 1
    assert not accepted["awaiting_acceptance"]
    assert accepted["accepted_text"] == shown["text"] == accepted["text"]
    assert accepted["versions"] == [
        {
            "version": 1,
            "accepted_text": shown["text"],
            "accepted_at": accepted["accepted_at"],
            "accepted_by": co.id,
        }
    ]
    text = accepted["accepted_text"]
    assert text.startswith("AVTALE OM MEDFORSKNING\nVersjon 1\n")
    for expected in (
        "Prosjekt: Brukerstemmer i psykisk helse",
        "Medforsker: co_researcher",
        "Kontaktperson: lead (",
        "Periode: 1. januar 2026 til 31. desember 2099",
        "Faser: Utforming av studien og analyse",
        "Sakspapirer sendes ut senest 7 dager før hvert møte.",
        "Tirsdager kl. 10–12 på Møterom Fløyen, med en pause på 15 minutter.",
        "Forventet omfang er om lag 40 timer.\n355 kr per time. Reise dekkes etter billigste reisemåte.",
        "Taushetserklæring\nMedforskeren har taushetsplikt",
        "Prosjektet stiller som referanse",
        "får medforskeren en attest",
    ):
        assert expected in text


async def test_changing_an_active_agreement_makes_a_version_to_accept_and_keeps_the_old_text(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    first = await active(client, world)
    first_text = first["accepted_text"]

    changed = await client.patch(
        f"{API}/agreements/{first['id']}",
        json={"papers_days_ahead": 14, "meeting_terms": "Onsdager på Litteraturhuset; pause hver time."},
        headers=lead.headers,
    )
    assert changed.status_code == 200, changed.text
    pending = changed.json()
    assert pending["version"] == 2 and pending["accepted_version"] == 1
    assert pending["status"] == "active" and pending["awaiting_acceptance"]
    assert pending["accepted_text"] == first_text and "Versjon 2" in pending["text"]
    assert "senest 14 dager" in pending["text"] and "senest 7 dager" in first_text
    # A second change before acceptance amends version 2 rather than making a third.
    again = await client.patch(
        f"{API}/agreements/{first['id']}", json={"expected_hours": 60}, headers=lead.headers
    )
    assert again.json()["version"] == 2

    accepted = await act(client, co, first["id"], "accept")
    assert accepted["accepted_version"] == 2 and not accepted["awaiting_acceptance"]
    assert [v["version"] for v in accepted["versions"]] == [1, 2]
    assert accepted["versions"][0]["accepted_text"] == first_text
    assert accepted["versions"][0]["accepted_at"] == first["accepted_at"]
    assert "om lag 60 timer" in accepted["accepted_text"] and "Litteraturhuset" in accepted["accepted_text"]


async def test_changes_before_the_first_acceptance_stay_in_version_one(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    agreement = await draft(client, world)
    url = f"/agreements/{agreement['id']}"
    response = await client.patch(
        f"{API}{url}", json={"role_title": "Medforsker og intervjuer"}, headers=lead.headers
    )
    assert response.json()["version"] == 1 and response.json()["revision"] == 2
    await act(client, lead, agreement["id"], "send")
    response = await client.patch(f"{API}{url}", json={"phases": ["dissemination"]}, headers=lead.headers)
    body = response.json()
    assert body["status"] == "sent" and body["version"] == 1 and body["revision"] == 4
    assert "Faser: Formidling" in body["text"]
    unchanged = await client.patch(f"{API}{url}", json={"phases": ["dissemination"]}, headers=lead.headers)
    assert unchanged.json()["revision"] == 4


async def test_a_stale_revision_answers_409_and_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    agreement = await draft(client, world)
    sent = await act(client, lead, agreement["id"], "send")
    await client.patch(
        f"{API}/agreements/{agreement['id']}", json={"expected_hours": 12}, headers=lead.headers
    )

    response = await client.post(
        f"{API}/agreements/{agreement['id']}/accept", json={"revision": sent["revision"]}, headers=co.headers
    )

    assert response.status_code == 409 and response.json()["revision"] == sent["revision"] + 1
    assert (await client.get(f"{API}/agreements/{agreement['id']}", headers=co.headers)).json()[
        "status"
    ] == "sent"


async def test_moves_outside_the_lifecycle_answer_409(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    agreement = await draft(client, world)
    url = f"/agreements/{agreement['id']}"
    assert await status_of(client, co, "POST", f"{url}/accept") == 409
    await act(client, lead, agreement["id"], "send")
    assert await status_of(client, lead, "POST", f"{url}/send") == 409
    await act(client, co, agreement["id"], "accept")
    assert await status_of(client, co, "POST", f"{url}/accept") == 409
    assert await status_of(client, lead, "POST", f"{url}/send") == 409
    terminated = await act(client, lead, agreement["id"], "terminate", reason="  Medforskeren flytter  ")
    assert terminated["status"] == "terminated" and terminated["termination_reason"] == "Medforskeren flytter"
    assert terminated["terminated_at"] and terminated["accepted_text"]
    for method, path, body in (
        ("POST", f"{url}/terminate", {"reason": "igjen"}),
        ("POST", f"{url}/accept", {}),
        ("PATCH", url, {"expected_hours": 5}),
    ):
        person = co if path.endswith("accept") else lead
        assert await status_of(client, person, method, path, **body) == 409


async def test_an_agreement_past_its_end_is_ended_and_cannot_be_accepted(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    running = await active(client, world)
    expired_offer = await draft(client, world, starts_on="2025-01-01", ends_on=yesterday)
    await act(client, lead, expired_offer["id"], "send")
    assert await status_of(client, co, "POST", f"/agreements/{expired_offer['id']}/accept") == 409

    response = await client.patch(
        f"{API}/agreements/{running['id']}", json={"ends_on": yesterday}, headers=lead.headers
    )

    assert response.json()["status"] == "ended" and not response.json()["awaiting_acceptance"]
    assert await status_of(client, co, "POST", f"/agreements/{running['id']}/accept") == 409
    assert await status_of(client, lead, "PATCH", f"/agreements/{running['id']}", expected_hours=3) == 409
    listed = await client.get(
        f"{API}/projects/{world.project_id}/agreements?status=ended", headers=lead.headers
    )
    assert [a["id"] for a in listed.json()["items"]] == [running["id"]]
    listed = await client.get(
        f"{API}/projects/{world.project_id}/agreements?status=active", headers=lead.headers
    )
    assert listed.json()["items"] == []


async def test_a_coresearcher_never_reads_another_coresearchers_agreements(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    second = await make_person(client, "co_researcher", "Andre Medforsker")
    await add_member(client, lead, world.project_id, second, "co_researcher")
    mine = await draft(client, world)
    theirs = await draft(client, world, coresearcher_id=second.id)
    await act(client, lead, theirs["id"], "send")
    url = f"{API}/projects/{world.project_id}/agreements"

    for person, own, other in ((co, mine, theirs), (second, theirs, mine)):
        listed = await client.get(url, headers=person.headers)
        assert [a["id"] for a in listed.json()["items"]] == [own["id"]]
        filtered = await client.get(
            url, params={"coresearcher_id": other["coresearcher_id"]}, headers=person.headers
        )
        assert filtered.json()["items"] == []
        for method, suffix, body in (
            ("GET", "", {}),
            ("PATCH", "", {"expected_hours": 3}),
            ("POST", "/accept", {}),
            ("POST", "/send", {}),
            ("POST", "/terminate", {"reason": "Nei"}),
        ):
            path = f"/agreements/{other['id']}{suffix}"
            assert await status_of(client, person, method, path, **body) == 404
    other_project = world.people["other_co_researcher"]
    assert await status_of(client, other_project, "GET", f"/agreements/{mine['id']}") == 404
    assert (
        await status_of(client, world.people["researcher"], "POST", f"/agreements/{theirs['id']}/accept")
        == 404
    )
    assert await status_of(client, lead, "POST", f"/agreements/{theirs['id']}/accept") == 403
    everything = await client.get(url, headers=lead.headers)
    assert {a["id"] for a in everything.json()["items"]} == {mine["id"], theirs["id"]}


async def test_the_people_named_must_belong_to_the_project(client: httpx.AsyncClient, world: World) -> None:
    people = world.people
    cases = [
        ({"coresearcher_id": people["researcher"].id}, "coresearcher_id"),
        ({"coresearcher_id": people["other_co_researcher"].id}, "coresearcher_id"),
        ({"contact_person_id": people["co_researcher"].id}, "contact_person_id"),
        ({"contact_person_id": people["outsider"].id}, "contact_person_id"),
        ({"ends_on": "2025-12-31"}, "ends_on"),
    ]
    for fields, field in cases:
        response = await client.post(
            f"{API}/projects/{world.project_id}/agreements",
            json=terms(world, **fields),
            headers=people["lead"].headers,
        )
        assert response.status_code == 422, (fields, response.text)
        assert response.json()["errors"][0]["field"] == field
    agreement = await draft(client, world, contact_person_id=people["researcher"].id)
    for body, status in (
        ({"contact_person_id": people["co_researcher"].id}, 422),
        ({"ends_on": "2025-01-01"}, 422),
        ({"coresearcher_id": people["lead"].id}, 400),
        ({"papers_days_ahead": -1}, 400),
        ({"phases": ["sometime"]}, 400),
        ({"mandate": "Råd\u0000givning"}, 400),
        ({"role_title": "Medforsker\nog intervjuer"}, 400),
    ):
        assert (
            await status_of(client, people["lead"], "PATCH", f"/agreements/{agreement['id']}", **body)
            == status
        )
    blank = await client.post(
        f"{API}/agreements/{agreement['id']}/terminate",
        json={"reason": " \n "},
        headers=people["lead"].headers,
    )
    assert blank.status_code == 400 and blank.json()["errors"][0]["field"] == "reason"


async def test_racing_moves_end_with_one_success_and_one_409(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    double = await draft(client, world)
    await act(client, lead, double["id"], "send")
    raced = await draft(client, world)
    sent = await act(client, lead, raced["id"], "send")

    accepts = await asyncio.gather(
        *(client.post(f"{API}/agreements/{double['id']}/accept", headers=co.headers) for _ in range(2))
    )
    accept, terminate = await asyncio.gather(
        client.post(
            f"{API}/agreements/{raced['id']}/accept", json={"revision": sent["revision"]}, headers=co.headers
        ),
        client.post(
            f"{API}/agreements/{raced['id']}/terminate",
            json={"reason": "Tilbudet trekkes", "revision": sent["revision"]},
            headers=lead.headers,
        ),
    )

    assert sorted(r.status_code for r in accepts) == [200, 409]
    doubled = (await client.get(f"{API}/agreements/{double['id']}", headers=co.headers)).json()
    assert [v["version"] for v in doubled["versions"]] == [1]
    assert sorted((accept.status_code, terminate.status_code)) == [200, 409]
    final = (await client.get(f"{API}/agreements/{raced['id']}", headers=lead.headers)).json()
    if accept.status_code == 200:
        assert final["status"] == "active" and len(final["versions"]) == 1
    else:
        assert final["status"] == "terminated" and final["versions"] == []


async def test_lists_page_newest_first(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    ids = [(await draft(client, world, role_title=f"Rolle {n}"))["id"] for n in range(3)]
    url = f"{API}/projects/{world.project_id}/agreements"
    first = (await client.get(url, params={"limit": 2}, headers=lead.headers)).json()
    rest = (
        await client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=lead.headers)
    ).json()
    assert [a["id"] for a in first["items"] + rest["items"]] == ids[::-1] and rest["next_cursor"] is None
    assert (await client.get(url, params={"status": "sent"}, headers=lead.headers)).json()["items"] == []


async def test_a_signed_copy_attaches_to_its_agreement(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    agreement = await active(client, world)
    pdf = {"file": ("signert avtale æøå.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "application/pdf")}
    fields = {
        "title": "Signert avtale",
        "kind": "agreement",
        "visibility": "coresearcher",
        "coresearcher_id": co.id,
    }
    url = f"{API}/projects/{world.project_id}/documents"

    uploaded = await client.post(
        url, data={**fields, "agreement_id": agreement["id"]}, files=pdf, headers=co.headers
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["agreement_id"] == agreement["id"]
    listed = await client.get(url, params={"agreement_id": agreement["id"]}, headers=lead.headers)
    assert [d["id"] for d in listed.json()["items"]] == [uploaded.json()["id"]]

    other_lead = world.people["outsider"]
    foreign = await client.post(
        f"{API}/projects/{world.other_project_id}/documents",
        data={"title": "Feil", "kind": "agreement", "visibility": "team", "agreement_id": agreement["id"]},
        files=pdf,
        headers=other_lead.headers,
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "agreement_id"
    by_researcher = await client.post(
        url,
        data={"title": "Kopi", "kind": "agreement", "visibility": "team", "agreement_id": agreement["id"]},
        files=pdf,
        headers=world.people["researcher"].headers,
    )
    assert by_researcher.status_code == 422


async def test_every_change_is_audited(client: httpx.AsyncClient, world: World) -> None:
    lead, admin = world.people["lead"], world.people["admin"]
    agreement = await active(client, world)
    await client.patch(
        f"{API}/agreements/{agreement['id']}", json={"expected_hours": 50}, headers=lead.headers
    )
    await act(client, lead, agreement["id"], "terminate", reason="Avsluttet etter avtale")

    response = await client.get(
        f"{API}/audit", params={"entity": "agreement", "entity_id": agreement["id"]}, headers=admin.headers
    )

    entries = response.json()["items"][::-1]
    assert [e["action"] for e in entries] == [
        "agreement.create",
        "agreement.send",
        "agreement.accept",
        "agreement.update",
        "agreement.terminate",
    ]
    assert [e["actor_id"] for e in entries] == [
        lead.id,
        lead.id,
        world.people["co_researcher"].id,
        lead.id,
        lead.id,
    ]
    accepted = entries[2]["changes"]
    assert accepted["status"] == {"before": "sent", "after": "active"}
    assert len(accepted["accepted_text_sha256"]["after"]) == 64
    assert entries[3]["changes"]["expected_hours"] == {"before": 40, "after": 50}
    assert entries[3]["changes"]["version"] == {"before": 1, "after": 2}
