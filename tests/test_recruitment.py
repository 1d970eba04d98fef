"""Recruitment: openings, the candidate pipeline and its history, channels, and acceptance that
makes a co-researcher all at once or not at all."""

import asyncio
import uuid

import httpx
import pytest

from coresearch.domain.recruitment import service as recruitment
from coresearch.lib.problems import Conflict
from tests.conftest import PASSWORD, World, make_person, sign_in

API = "/api/v1"
PIPELINE = ("contacted", "interviewed", "offered")


async def add_candidate(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    body = {
        "full_name": "Kari Nordmann",
        "email": f"kari-{uuid.uuid4().hex[:8]}@example.no",
        "phone": "+47 900 00 000",
        "source": "user_council",
        "note": "Foreslått av brukerrådet",
        **fields,
    }
    response = await client.post(
        f"{API}/projects/{world.project_id}/candidates", json=body, headers=world.people["lead"].headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def move(
    client: httpx.AsyncClient, world: World, candidate_id: str, status: str, note: str = ""
) -> httpx.Response:
    return await client.patch(
        f"{API}/candidates/{candidate_id}",
        json={"status": status, "status_note": note},
        headers=world.people["lead"].headers,
    )


async def offered(client: httpx.AsyncClient, world: World, **fields: object) -> dict:
    candidate = await add_candidate(client, world, **fields)
    for status in PIPELINE:
        response = await move(client, world, candidate["id"], status)
        assert response.status_code == 200, response.text
    return response.json()


async def accept(
    client: httpx.AsyncClient, world: World, candidate_id: str, **body: object
) -> httpx.Response:
    return await client.post(
        f"{API}/candidates/{candidate_id}/accept", json=body or None, headers=world.people["lead"].headers
    )


async def audit_of(client: httpx.AsyncClient, world: World, entity_id: str) -> list[dict]:
    response = await client.get(
        f"{API}/audit", params={"entity_id": entity_id}, headers=world.people["admin"].headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def member_roles(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    response = await client.get(
        f"{API}/projects/{world.project_id}/members", headers=world.people["lead"].headers
    )
    return {member["user_id"]: member["role"] for member in response.json()}


async def test_the_lead_opens_places_and_lists_them_newest_first(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"].headers
    url = f"{API}/projects/{world.project_id}/openings"
    first = await client.post(
        url,
        json={
            "title": "Medforsker med erfaring fra rus",
            "description": "To års arbeid i prosjektgruppa.",
            "experience_sought": "Egen erfaring fra rusbehandling",
            "phases": ["analysis", "design", "analysis"],
            "positions": 3,
            "closes_on": "2099-06-30",
        },
        headers=lead,
    )
    assert first.status_code == 201, first.text
    opened = first.json()
    assert opened["phases"] == ["design", "analysis"] and opened["positions"] == 3
    assert opened["closes_on"] == "2099-06-30" and opened["project_id"] == world.project_id
    second = (await client.post(url, json={"title": "Pårørende"}, headers=lead)).json()
    assert second["positions"] == 1 and second["closes_on"] is None

    page = (await client.get(url, params={"limit": 1}, headers=lead)).json()
    assert [o["id"] for o in page["items"]] == [second["id"]]
    rest = (await client.get(url, params={"cursor": page["next_cursor"]}, headers=lead)).json()
    assert [o["id"] for o in rest["items"]] == [opened["id"]] and rest["next_cursor"] is None
    refused = await client.post(url, json={"title": "x", "positions": 0}, headers=lead)
    assert refused.status_code == 400


async def test_a_candidate_walks_the_pipeline_and_every_move_is_kept(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    opening = (
        await client.post(
            f"{API}/projects/{world.project_id}/openings", json={"title": "Medforsker"}, headers=lead.headers
        )
    ).json()
    candidate = await add_candidate(client, world, opening_id=opening["id"], email="Kari@Example.NO")
    assert candidate["status"] == "identified" and candidate["email"] == "kari@example.no"
    assert candidate["opening_id"] == opening["id"] and candidate["user_id"] is None
    assert [(m["from_status"], m["to_status"]) for m in candidate["history"]] == [(None, "identified")]

    for status in PIPELINE:
        response = await move(client, world, candidate["id"], status, note=f"Notat: {status}")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status

    shown = (await client.get(f"{API}/candidates/{candidate['id']}", headers=lead.headers)).json()
    assert [(m["from_status"], m["to_status"], m["note"]) for m in shown["history"]] == [
        (None, "identified", ""),
        ("identified", "contacted", "Notat: contacted"),
        ("contacted", "interviewed", "Notat: interviewed"),
        ("interviewed", "offered", "Notat: offered"),
    ]
    assert {m["moved_by"] for m in shown["history"]} == {lead.id}
    assert [m["moved_at"] for m in shown["history"]] == sorted(m["moved_at"] for m in shown["history"])

    listed = await client.get(
        f"{API}/projects/{world.project_id}/candidates",
        params={"status": "offered", "opening_id": opening["id"]},
        headers=lead.headers,
    )
    assert [c["id"] for c in listed.json()["items"]] == [candidate["id"]]
    none = await client.get(
        f"{API}/projects/{world.project_id}/candidates", params={"status": "contacted"}, headers=lead.headers
    )
    assert none.json()["items"] == []


async def test_a_move_the_pipeline_does_not_allow_answers_409_naming_the_allowed_moves(
    client: httpx.AsyncClient, world: World
) -> None:
    candidate = await add_candidate(client, world)
    skipped = await move(client, world, candidate["id"], "offered")
    assert skipped.status_code == 409
    assert skipped.json()["allowed"] == ["contacted", "declined", "withdrawn"]
    assert "contacted, declined, withdrawn" in skipped.json()["detail"]

    ready = await offered(client, world)
    patched_to_accepted = await move(client, world, ready["id"], "accepted")
    assert patched_to_accepted.status_code == 409
    assert patched_to_accepted.json()["allowed"] == ["accepted", "declined", "withdrawn"]
    assert "/accept" in patched_to_accepted.json()["detail"]

    assert (await move(client, world, candidate["id"], "withdrawn", note="Flyttet")).status_code == 200
    for status in ("identified", "contacted", "declined"):
        after_end = await move(client, world, candidate["id"], status)
        assert after_end.status_code == 409 and after_end.json()["allowed"] == []
    assert (await accept(client, world, candidate["id"])).status_code == 409
    shown = (
        await client.get(f"{API}/candidates/{candidate['id']}", headers=world.people["lead"].headers)
    ).json()
    assert [m["to_status"] for m in shown["history"]] == ["identified", "withdrawn"]
    # Declining is open from every open step too.
    assert (await move(client, world, ready["id"], "declined")).status_code == 200


async def test_details_change_without_a_move_and_the_audit_log_holds_no_personal_data(
    client: httpx.AsyncClient, world: World
) -> None:
    candidate = await add_candidate(client, world, email="ola@example.no", phone="", full_name="Ola Hemmelig")
    response = await client.patch(
        f"{API}/candidates/{candidate['id']}",
        json={"phone": "41234567", "note": "Vil helst møtes digitalt", "source": "nav"},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["phone"] == "41234567" and changed["source"] == "nav" and len(changed["history"]) == 1
    entries = await audit_of(client, world, candidate["id"])
    assert {e["action"] for e in entries} == {"candidate.create", "candidate.update"}
    logged = str(entries)
    for secret in ("ola@example.no", "Ola Hemmelig", "41234567", "digitalt"):
        assert secret not in logged
    update = next(e for e in entries if e["action"] == "candidate.update")
    assert update["changes"]["source"] == {"before": "user_council", "after": "nav"}
    assert set(update["changes"]) == {"source", "phone", "note"}


async def test_bad_candidate_input_is_refused_with_the_field_named(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"].headers
    url = f"{API}/projects/{world.project_id}/candidates"
    taken = await add_candidate(client, world)
    duplicate = await client.post(
        url, json={"full_name": "Kari", "email": taken["email"].upper(), "source": "nav"}, headers=lead
    )
    assert duplicate.status_code == 409
    bad_email = await client.post(
        url, json={"full_name": "Kari", "email": "0@0", "source": "nav"}, headers=lead
    )
    assert bad_email.status_code == 400 and bad_email.json()["errors"][0]["field"] == "email"
    bad_source = await client.post(
        url, json={"full_name": "Kari", "email": "k@example.no", "source": "tv"}, headers=lead
    )
    assert bad_source.status_code == 400
    other_opening = await client.post(
        f"{API}/projects/{world.other_project_id}/openings",
        json={"title": "Annet prosjekt"},
        headers=world.people["outsider"].headers,
    )
    foreign = await client.post(
        url,
        json={
            "full_name": "Kari",
            "email": "k@example.no",
            "source": "nav",
            "opening_id": other_opening.json()["id"],
        },
        headers=lead,
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "opening_id"


async def test_the_lead_sees_which_channels_work(client: httpx.AsyncClient, world: World) -> None:
    for source in ("nav", "nav", "nav", "self_referral"):
        await add_candidate(client, world, source=source)
    winner = await offered(client, world, source="nav")
    assert (await accept(client, world, winner["id"])).status_code == 200
    quitter = await add_candidate(client, world, source="self_referral")
    assert (await move(client, world, quitter["id"], "withdrawn")).status_code == 200

    response = await client.get(
        f"{API}/projects/{world.project_id}/candidates/sources", headers=world.people["lead"].headers
    )
    counts = {row["source"]: row for row in response.json()}
    assert list(counts) == ["user_organisation", "user_council", "nav", "self_referral", "other"]
    assert counts["nav"] == dict(source="nav", total=4, open=3, accepted=1, declined=0, withdrawn=0)
    assert counts["self_referral"] == dict(
        source="self_referral", total=2, open=1, accepted=0, declined=0, withdrawn=1
    )
    assert counts["other"]["total"] == 0


async def test_accepting_creates_the_coresearcher_with_an_invite_a_profile_and_membership(
    client: httpx.AsyncClient, world: World
) -> None:
    candidate = await offered(client, world, full_name="Nina Ny")
    response = await accept(client, world, candidate["id"], note="Takket ja på telefon")
    assert response.status_code == 200, response.text
    accepted = response.json()
    assert accepted["status"] == "accepted" and accepted["user_created"] and accepted["invite_token"]
    assert accepted["history"][-1]["to_status"] == "accepted"
    assert accepted["history"][-1]["note"] == "Takket ja på telefon"
    user_id = accepted["user_id"]
    assert (await member_roles(client, world))[user_id] == "co_researcher"
    profile = await client.get(f"{API}/coresearchers/{user_id}", headers=world.people["lead"].headers)
    assert profile.status_code == 200, profile.text

    invite = await client.post(
        f"{API}/auth/invites/accept", json={"token": accepted["invite_token"], "password": PASSWORD}
    )
    assert invite.status_code == 204, invite.text
    me = await client.get(f"{API}/auth/me", headers=await sign_in(client, candidate["email"]))
    assert me.json()["role"] == "co_researcher" and me.json()["full_name"] == "Nina Ny"
    assert {e["action"] for e in await audit_of(client, world, user_id)} >= {"user.create", "invite.create"}
    assert "candidate.accept" in {e["action"] for e in await audit_of(client, world, candidate["id"])}


async def test_accepting_links_an_existing_coresearcher_by_email(
    client: httpx.AsyncClient, world: World
) -> None:
    other = world.people["other_co_researcher"]
    candidate = await offered(client, world, email=other.email.upper())
    response = await accept(client, world, candidate["id"])
    assert response.status_code == 200, response.text
    accepted = response.json()
    assert accepted["user_id"] == other.id and not accepted["user_created"]
    assert accepted["invite_token"] is None and accepted["invite_expires_at"] is None
    assert (await member_roles(client, world))[other.id] == "co_researcher"


@pytest.mark.parametrize("persona", ["researcher", "admin"])
async def test_accepting_a_staff_email_fails_and_leaves_nothing(
    client: httpx.AsyncClient, world: World, persona: str
) -> None:
    staff = world.people[persona]
    candidate = await offered(client, world, email=staff.email)
    members_before = await member_roles(client, world)
    response = await accept(client, world, candidate["id"])
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "email"
    shown = (
        await client.get(f"{API}/candidates/{candidate['id']}", headers=world.people["lead"].headers)
    ).json()
    assert shown["status"] == "offered" and shown["user_id"] is None
    assert [m["to_status"] for m in shown["history"]][-1] == "offered"
    assert await member_roles(client, world) == members_before
    assert "candidate.accept" not in {e["action"] for e in await audit_of(client, world, candidate["id"])}
    profile = await client.get(f"{API}/coresearchers/{staff.id}", headers=world.people["admin"].headers)
    assert profile.status_code == 404


async def test_a_failure_after_the_user_is_created_leaves_no_user_profile_or_membership(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidate = await offered(client, world)

    async def membership_refused(**_: object) -> bool:
        raise Conflict("membership refused for the test")

    monkeypatch.setattr(recruitment.projects, "join_as_coresearcher", membership_refused)
    response = await accept(client, world, candidate["id"])
    assert response.status_code == 409 and "membership refused" in response.json()["detail"]
    monkeypatch.undo()

    users = await client.get(f"{API}/users", params={"limit": 200}, headers=world.people["admin"].headers)
    assert candidate["email"] not in {u["email"] for u in users.json()["items"]}
    shown = (
        await client.get(f"{API}/candidates/{candidate['id']}", headers=world.people["lead"].headers)
    ).json()
    assert shown["status"] == "offered" and len(shown["history"]) == 4
    # Nothing half-done stands in the way of accepting again.
    retried = await accept(client, world, candidate["id"])
    assert retried.status_code == 200 and retried.json()["user_created"]


async def test_two_accepts_at_once_make_one_coresearcher(client: httpx.AsyncClient, world: World) -> None:
    candidate = await offered(client, world)
    first, second = await asyncio.gather(
        accept(client, world, candidate["id"]), accept(client, world, candidate["id"])
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["allowed"] == []
    again = await accept(client, world, candidate["id"])
    assert again.status_code == 409
    shown = (
        await client.get(f"{API}/candidates/{candidate['id']}", headers=world.people["lead"].headers)
    ).json()
    assert [m["to_status"] for m in shown["history"]].count("accepted") == 1
    users = await client.get(f"{API}/users", params={"limit": 200}, headers=world.people["admin"].headers)
    assert [u["email"] for u in users.json()["items"]].count(candidate["email"]) == 1


async def test_candidates_are_hidden_from_everyone_but_the_projects_leads(
    client: httpx.AsyncClient, world: World
) -> None:
    candidate = await add_candidate(client, world)
    for persona in ("researcher", "co_researcher", "outsider", "other_co_researcher"):
        headers = world.people[persona].headers
        assert (await client.get(f"{API}/candidates/{candidate['id']}", headers=headers)).status_code == 404
        patched = await client.patch(
            f"{API}/candidates/{candidate['id']}", json={"note": "x"}, headers=headers
        )
        assert patched.status_code == 404
    outsider_lead = await make_person(client, "researcher")
    shown = await client.get(f"{API}/candidates/{candidate['id']}", headers=outsider_lead.headers)
    assert shown.status_code == 404
    oversight = await client.get(
        f"{API}/candidates/{candidate['id']}", headers=world.people["research_leader"].headers
    )
    assert oversight.status_code == 200
    assert (
        await client.get(f"{API}/candidates/{uuid.uuid4()}", headers=world.people["lead"].headers)
    ).status_code == 404
