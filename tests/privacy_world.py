"""A co-researcher present in every area (profile, consent, training, an accepted agreement, a
task, attendance, an activity, an evaluation answer, a recruitment record and documents), built
through the API, for the export and erasure tests."""

from __future__ import annotations

import os
import random
import uuid
from dataclasses import dataclass

import httpx

from coresearch.domain.coresearchers import identifiers
from tests.authz_agreements import agreement_body
from tests.authz_involvement import ACTIVITY_BODY, ANSWER_BODY
from tests.authz_work import MEETING_BODY, TASK_BODY
from tests.conftest import Person, World, add_member, make_person

PHONE_PREFIX = "+47 913 "
EXPERIENCE = "Mange år med tjenester fra distriktspsykiatrisk senter"


def unique_identifiers() -> tuple[str, str]:
    """A national ID and a bank account with valid check digits, new for each test (so a search of
    the shared store cannot find another test's)."""
    rng = random.SystemRandom()
    while True:
        stem = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}85{rng.randint(0, 499):03d}"
        valid = [
            f"{stem}{n:02d}" for n in range(100) if identifiers.national_id_problem(f"{stem}{n:02d}") is None
        ]
        if valid:
            break
    while True:
        stem = str(rng.randint(10**9, 10**10 - 1))
        accounts = [f"{stem}{d}" for d in range(10) if identifiers.bank_account_problem(f"{stem}{d}") is None]
        if accounts:
            return valid[0], accounts[0]


@dataclass(frozen=True)
class Everywhere:
    """The person, their identifying values and the ids of what was made about them."""

    person: Person
    full_name: str
    phone: str
    national_id: str
    bank_account: str
    ids: dict[str, str]

    def identifying(self) -> list[str]:
        """What must not be found anywhere after erasure."""
        return [self.full_name, self.person.email, self.phone, self.national_id, self.bank_account]


async def _ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json() if response.content else {}


async def person_everywhere(client: httpx.AsyncClient, world: World) -> Everywhere:
    """A new co-researcher of `world.project_id` with records in every area that holds people."""
    full_name = f"Ingrid Østby-{uuid.uuid4().hex[:6]}"
    phone = PHONE_PREFIX + f"{random.SystemRandom().randint(10000, 99999)}"
    national_id, bank_account = unique_identifiers()
    person = await make_person(client, "co_researcher", full_name)
    lead = world.people["lead"].headers
    me = person.headers
    project = f"/api/v1/projects/{world.project_id}"
    await add_member(client, world.people["lead"], world.project_id, person, "co_researcher")
    await _ok(
        await client.patch(
            f"/api/v1/coresearchers/{person.id}",
            json={
                "phone": phone,
                "national_id": national_id,
                "bank_account": bank_account,
                "experience_summary": EXPERIENCE,
                "benefit_status": "aap",
            },
            headers=me,
        )
    )
    await _ok(
        await client.put(
            f"/api/v1/coresearchers/{person.id}/consents/name_in_reports", json={"granted": True}, headers=me
        )
    )
    await _ok(
        await client.put(
            f"/api/v1/coresearchers/{person.id}/consents/name_in_reports", json={"granted": False}, headers=me
        )
    )
    await _ok(
        await client.post(
            f"/api/v1/coresearchers/{person.id}/training",
            json={"title": "Innføring i medforskning", "completed_on": "2026-02-10", "minutes": 180},
            headers=lead,
        ),
        201,
    )
    body = {**agreement_body("lead", world), "coresearcher_id": person.id}
    agreement = await _ok(await client.post(f"{project}/agreements", json=body, headers=lead), 201)
    await _ok(await client.post(f"/api/v1/agreements/{agreement['id']}/send", headers=lead))
    await _ok(await client.post(f"/api/v1/agreements/{agreement['id']}/accept", headers=me))
    task = await _ok(
        await client.post(f"{project}/tasks", json={**TASK_BODY, "assignee_ids": [person.id]}, headers=lead),
        201,
    )
    meeting = await _ok(await client.post(f"{project}/meetings", json=MEETING_BODY, headers=lead), 201)
    await _ok(
        await client.put(
            f"/api/v1/meetings/{meeting['id']}/attendance/{person.id}",
            json={"attended": True, "mode": "in_person"},
            headers=lead,
        )
    )
    activity = await _ok(
        await client.post(
            f"{project}/activities", json={**ACTIVITY_BODY, "participant_ids": [person.id]}, headers=lead
        ),
        201,
    )
    round_ = await _ok(
        await client.post(f"{project}/evaluation-rounds", json={"title": "Vårens evaluering"}, headers=lead),
        201,
    )
    await _ok(
        await client.post(f"/api/v1/evaluation-rounds/{round_['id']}/answers", json=ANSWER_BODY, headers=me),
        201,
    )
    candidate = await _ok(
        await client.post(
            f"{project}/candidates",
            json={
                "full_name": full_name,
                "email": person.email,
                "phone": phone,
                "source": "nav",
                "note": f"Tips fra {full_name}",
            },
            headers=lead,
        ),
        201,
    )
    about = await _ok(
        await client.post(
            f"{project}/documents",
            data={
                "title": f"Kontrakt for {full_name}",
                "kind": "agreement",
                "visibility": "coresearcher",
                "coresearcher_id": person.id,
            },
            files={
                "file": ("kontrakt.txt", f"Avtale med {full_name}, {national_id}\n".encode(), "text/plain")
            },
            headers=lead,
        ),
        201,
    )
    own = await _ok(
        await client.post(
            f"{project}/documents",
            data={"title": "Mine notater", "kind": "other", "visibility": "private"},
            files={
                "file": (
                    "notater.pdf",
                    b"%PDF-1.7\n" + os.urandom(500) + bank_account.encode(),
                    "application/pdf",
                )
            },
            headers=me,
        ),
        201,
    )
    team = await _ok(
        await client.post(
            f"{project}/documents",
            data={"title": "Referat", "kind": "minutes", "visibility": "team"},
            files={"file": ("referat.pdf", b"%PDF-1.7\n" + os.urandom(500), "application/pdf")},
            headers=lead,
        ),
        201,
    )
    return Everywhere(
        person=person,
        full_name=full_name,
        phone=phone,
        national_id=national_id,
        bank_account=bank_account,
        ids={
            "agreement": agreement["id"],
            "task": task["id"],
            "meeting": meeting["id"],
            "activity": activity["id"],
            "round": round_["id"],
            "candidate": candidate["id"],
            "document_about": about["id"],
            "document_own": own["id"],
            "document_team": team["id"],
        },
    )
