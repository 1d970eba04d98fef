"""Consent to disclosure (history, latest wins, as of a date) and training records."""

import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from coresearch.domain.audit.service import SYSTEM
from coresearch.domain.coresearchers.service import consent_granted, ensure_profile
from coresearch.domain.coresearchers.tables import ConsentScope, Profile
from coresearch.lib.problems import NotFound, Unprocessable
from coresearch.lib.records import now
from tests.conftest import Person, World, add_member, create_project

API = "/api/v1"
SCOPES = ["name_in_reports", "organisation_in_reports", "experience_in_reports", "name_in_publications"]
COURSE = {
    "title": "Innføring i medforskning",
    "completed_on": "2026-02-10",
    "minutes": 180,
    "provider": "HUS",
}


def url(person: Person, suffix: str = "") -> str:
    return f"{API}/coresearchers/{person.id}{suffix}"


async def decide(client: httpx.AsyncClient, person: Person, scope: str, granted: bool) -> httpx.Response:
    return await client.put(
        url(person, f"/consents/{scope}"), json={"granted": granted}, headers=person.headers
    )


async def test_nothing_is_granted_by_default(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    consents = (await client.get(url(co, "/consents"), headers=co.headers)).json()
    assert consents["scopes"] == [{"scope": s, "granted": False, "decided_at": None} for s in SCOPES]
    assert consents["history"] == []
    assert not await consent_granted(user_id=uuid.UUID(co.id), scope=ConsentScope.name_in_reports, on=now())


async def test_the_latest_decision_wins_and_the_history_keeps_every_decision(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    granted = await decide(client, co, "name_in_reports", True)
    assert granted.status_code == 200 and granted.json()["granted"] is True
    repeated = await decide(client, co, "name_in_reports", True)
    assert repeated.json() == granted.json()  # the same decision again adds nothing
    withdrawn = await decide(client, co, "name_in_reports", False)
    await decide(client, co, "name_in_publications", True)

    consents = (await client.get(url(co, "/consents"), headers=co.headers)).json()
    current = {item["scope"]: item["granted"] for item in consents["scopes"]}
    assert current == {**dict.fromkeys(SCOPES, False), "name_in_publications": True}
    history = [(item["scope"], item["granted"]) for item in consents["history"]]
    assert history == [("name_in_publications", True), ("name_in_reports", False), ("name_in_reports", True)]
    assert withdrawn.json()["decided_at"] > granted.json()["decided_at"]


async def test_consent_as_of_a_moment_and_a_withdrawal_applies_at_once(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    user_id, scope = uuid.UUID(co.id), ConsentScope.experience_in_reports
    before_grant = now()
    granted_at = datetime.fromisoformat((await decide(client, co, scope.value, True)).json()["decided_at"])
    assert await consent_granted(user_id=user_id, scope=scope, on=now())
    withdrawn_at = datetime.fromisoformat((await decide(client, co, scope.value, False)).json()["decided_at"])

    assert not await consent_granted(user_id=user_id, scope=scope, on=before_grant)
    assert await consent_granted(user_id=user_id, scope=scope, on=granted_at)
    oslo = granted_at.astimezone(datetime.now().astimezone().tzinfo)  # the same moment, another offset
    assert await consent_granted(user_id=user_id, scope=scope, on=oslo)
    assert not await consent_granted(user_id=user_id, scope=scope, on=withdrawn_at)
    assert not await consent_granted(user_id=user_id, scope=scope, on=now() + timedelta(days=1))


async def test_leads_read_the_current_state_without_history_and_only_the_person_decides(
    client: httpx.AsyncClient, world: World
) -> None:
    co, lead = world.people["co_researcher"], world.people["lead"]
    await decide(client, co, "name_in_reports", True)
    seen = (await client.get(url(co, "/consents"), headers=lead.headers)).json()
    assert seen["history"] is None and seen["scopes"][0] == {
        "scope": "name_in_reports",
        "granted": True,
        "decided_at": seen["scopes"][0]["decided_at"],
    }
    forced = await client.put(
        url(co, "/consents/name_in_reports"), json={"granted": False}, headers=lead.headers
    )
    assert forced.status_code == 403


async def test_an_unknown_scope_is_400_and_every_decision_is_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    assert (await decide(client, co, "face_on_poster", True)).status_code == 400
    await decide(client, co, "name_in_reports", True)
    await decide(client, co, "name_in_reports", False)
    log = await client.get(f"{API}/audit", params={"entity_id": co.id}, headers=world.people["admin"].headers)
    actions = [entry["action"] for entry in log.json()["items"]]
    assert actions[:2] == ["consent.decide", "consent.decide"]
    assert log.json()["items"][0]["changes"] == {"name_in_reports": {"before": True, "after": False}}


async def test_a_lead_records_training_that_the_person_and_the_lead_can_list(
    client: httpx.AsyncClient, world: World
) -> None:
    co, lead = world.people["co_researcher"], world.people["lead"]
    first = await client.post(url(co, "/training"), json=COURSE, headers=lead.headers)
    assert first.status_code == 201, first.text
    later = {
        **COURSE,
        "title": "Intervjuteknikk",
        "completed_on": "2026-04-01",
        "project_id": world.project_id,
    }
    second = await client.post(url(co, "/training"), json=later, headers=lead.headers)
    assert second.status_code == 201
    assert second.json()["project_id"] == world.project_id and second.json()["recorded_by"] == lead.id

    for who in (co, lead):
        page = (await client.get(url(co, "/training"), headers=who.headers)).json()
        assert [item["title"] for item in page["items"]] == ["Intervjuteknikk", "Innføring i medforskning"]
    one = (await client.get(url(co, "/training"), params={"limit": 1}, headers=co.headers)).json()
    rest = await client.get(url(co, "/training"), params={"cursor": one["next_cursor"]}, headers=co.headers)
    assert [item["id"] for item in rest.json()["items"]] == [first.json()["id"]]
    assert rest.json()["next_cursor"] is None
    bad = await client.get(url(co, "/training"), params={"cursor": "not-a-cursor"}, headers=co.headers)
    assert bad.status_code == 400


async def test_training_is_paid_only_by_a_project_the_caller_leads_with_the_person(
    client: httpx.AsyncClient, world: World
) -> None:
    co, lead = world.people["co_researcher"], world.people["lead"]
    own_project = await create_project(client, lead, "Et annet prosjekt")  # the person is not in it
    for project_id in (own_project, world.other_project_id, str(uuid.uuid4())):
        response = await client.post(
            url(co, "/training"), json={**COURSE, "project_id": project_id}, headers=lead.headers
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "project_id"
    for body in ({**COURSE, "minutes": 0}, {**COURSE, "title": ""}, {"title": "x", "minutes": 5}):
        assert (await client.post(url(co, "/training"), json=body, headers=lead.headers)).status_code == 400


async def test_a_lead_only_of_another_project_of_the_person_reads_their_training(
    client: httpx.AsyncClient, world: World
) -> None:
    co, outsider = world.people["co_researcher"], world.people["outsider"]
    await client.post(url(co, "/training"), json=COURSE, headers=world.people["lead"].headers)
    assert (await client.get(url(co, "/training"), headers=outsider.headers)).status_code == 404
    await add_member(client, outsider, world.other_project_id, co, "co_researcher")
    listed = await client.get(url(co, "/training"), headers=outsider.headers)
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1


async def test_ensure_profile_is_idempotent_and_refuses_other_roles(
    client: httpx.AsyncClient, world: World
) -> None:
    co = uuid.UUID(world.people["co_researcher"].id)
    first = await ensure_profile(user_id=co, actor=SYSTEM)
    assert await ensure_profile(user_id=co, actor=SYSTEM) == first
    assert await Profile.count() == 1
    with pytest.raises(Unprocessable):
        await ensure_profile(user_id=uuid.UUID(world.people["researcher"].id), actor=SYSTEM)
    with pytest.raises(NotFound):
        await ensure_profile(user_id=uuid.uuid4(), actor=SYSTEM)
