"""A co-researcher with realistic data for the portal tests, made through the API: a paid claim
and an active agreement (tests.test_claims), a second agreement waiting, tasks, a coming meeting
with papers, an open evaluation round, an activity with what changed, AAP and consents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from coresearch.domain.accounts.tokens import issue_token
from coresearch.portal.session import SESSION_COOKIE, portal_settings
from tests import conftest
from tests.conftest import World
from tests.test_agreements import act, draft
from tests.test_claims import claim, move, setup
from tests.test_documents import new_document
from tests.test_evaluations import open_round
from tests.test_involvement import new_activity

API = "/api/v1"


@dataclass(frozen=True)
class PortalData:
    """Ids of what the co-researcher (and the other project's co-researcher) has."""

    claim_id: str
    waiting_agreement_id: str
    task_id: str
    meeting_id: str
    paper_id: str
    round_id: str
    other_task_id: str
    other_meeting_id: str
    other_paper_id: str
    other_round_id: str
    private_paper_id: str


async def _task(
    client: httpx.AsyncClient, world: World, project_id: str, lead: str, person: str, title: str
) -> str:
    response = await client.post(
        f"{API}/projects/{project_id}/tasks",
        json={
            "title": title,
            "phase": "analysis",
            "description": "Les kapittel 3 og skriv ned hva du kjenner deg igjen i.",
            "assignee_ids": [world.people[person].id],
            "due_on": (datetime.now(UTC).date() + timedelta(days=10)).isoformat(),
        },
        headers=world.people[lead].headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _meeting(client: httpx.AsyncClient, world: World, project_id: str, lead: str) -> str:
    starts = (datetime.now(UTC) + timedelta(days=5)).replace(hour=9, minute=0, second=0, microsecond=0)
    response = await client.post(
        f"{API}/projects/{project_id}/meetings",
        json={
            "title": "Møte i referansegruppa om funnene",
            "phase": "analysis",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "location": "Møterom Fløyen, Haukeland",
            "break_minutes": 15,
            "agenda": "1. Velkommen\n2. Gjennomgang av funn\n3. Hva betyr dette for pasientene?",
        },
        headers=world.people[lead].headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def build(client: httpx.AsyncClient, world: World) -> PortalData:
    """Everything the pages show, for `co_researcher` and a little for `other_co_researcher`."""
    lead, co = world.people["lead"], world.people["co_researcher"]
    await setup(client, world)
    made = await claim(client, world)
    assert made.status_code == 201, made.text
    claim_id = made.json()["id"]
    assert (await move(client, lead, claim_id, "attest")).status_code == 200
    waiting = await draft(client, world, role_title="Medforsker i skrivegruppa", starts_on="2026-06-01")
    await act(client, lead, waiting["id"], "send")
    task_id = await _task(
        client, world, world.project_id, "lead", "co_researcher", "Les utkastet til artikkelen"
    )
    meeting_id = await _meeting(client, world, world.project_id, "lead")
    paper = await new_document(
        client, lead, world.project_id, meeting_id=meeting_id, title="Sakspapirer: funn fra intervjuene"
    )
    private = await new_document(client, lead, world.project_id, visibility="private", title="Budsjettnotat")
    round_ = await open_round(client, lead, world.project_id, title="Hvordan gikk våren?")
    await new_activity(
        client,
        lead,
        world.project_id,
        [co],
        summary="Verksted om intervjuguiden",
        hoped_to_influence="Spørsmålene i intervjuguiden",
        what_changed="To spørsmål ble skrevet om etter innspill fra medforskerne.",
        why_it_matters="Informantene forstår spørsmålene bedre.",
    )
    response = await client.patch(
        f"{API}/coresearchers/{co.id}",
        json={
            "phone": "+47 912 34 567",
            "organisation": "Mental Helse Bjørgvin",
            "national_id": "15076500565",
            "bank_account": "12345678903",
            "benefit_status": "aap",
            "benefit_period_anchor": "2026-03-04",
        },
        headers=co.headers,
    )
    assert response.status_code == 200, response.text
    await client.put(
        f"{API}/coresearchers/{co.id}/consents/name_in_reports", json={"granted": True}, headers=co.headers
    )
    other_project = world.other_project_id
    other_task = await _task(
        client, world, other_project, "outsider", "other_co_researcher", "Annen persons oppgave"
    )
    other_meeting = await _meeting(client, world, other_project, "outsider")
    other_paper = await new_document(
        client, world.people["outsider"], other_project, meeting_id=other_meeting
    )
    other_round = await open_round(client, world.people["outsider"], other_project)
    return PortalData(
        claim_id=claim_id,
        waiting_agreement_id=waiting["id"],
        task_id=task_id,
        meeting_id=meeting_id,
        paper_id=paper["id"],
        round_id=round_["id"],
        other_task_id=other_task,
        other_meeting_id=other_meeting,
        other_paper_id=other_paper["id"],
        other_round_id=other_round["id"],
        private_paper_id=private["id"],
    )


async def session_for(portal: httpx.AsyncClient, user_id: str) -> str:
    """Give the portal client a session cookie minted as sign-in mints it (no password check)."""
    settings = conftest._SETTINGS
    assert settings is not None
    token, _ = await issue_token(user_id=uuid.UUID(user_id), settings=portal_settings(settings))
    host = portal.base_url.host
    portal.cookies.set(SESSION_COOKIE, token, domain=host, path="/portal")
    return token
