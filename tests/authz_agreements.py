"""Authorization-matrix entries for the agreements area's routes (merged into test_authorization.MATRIX).

`prepare` drafts, as the project's lead, two agreements with the project's co-researcher and
sends the second; the cases read their ids from `world.extra`. An agreement is seen by the
project's leads (and oversight) and by its co-researcher: a researcher member gets 404 for one
agreement and 403 for the project's list.
"""

from collections.abc import Callable

import httpx

from tests.authz_common import LEAD_ACTIONS, VISIBLE_TO_MEMBERS, Case, answers, project_url
from tests.conftest import World


def agreement_body(persona: str, w: World) -> dict:
    return {
        "coresearcher_id": w.people["co_researcher"].id,
        "contact_person_id": w.people["lead"].id,
        "role_title": "Medforsker i referansegruppa",
        "starts_on": "2026-01-01",
        "ends_on": "2099-12-31",
        "phases": ["design", "analysis"],
    }


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """Draft two agreements with the co-researcher and send the second."""
    lead = world.people["lead"].headers
    ids = []
    for _ in range(2):
        response = await client.post(
            f"/api/v1/projects/{world.project_id}/agreements",
            json=agreement_body("lead", world),
            headers=lead,
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    sent = await client.post(f"/api/v1/agreements/{ids[1]}/send", headers=lead)
    assert sent.status_code == 200, sent.text
    return {"draft_agreement_id": ids[0], "sent_agreement_id": ids[1]}


def agreement_url(which: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/agreements/{w.extra[which + '_agreement_id']}{suffix}"


# The co-researcher sees their agreement but may not change it; a researcher does not see it.
SEEN_NOT_CHANGED = dict(researcher=404, co_researcher=403, **VISIBLE_TO_MEMBERS)

MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/projects/{project_id:uuid}/agreements"): Case(
        url=project_url("/agreements"), body=agreement_body, expected=answers(201, **LEAD_ACTIONS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/agreements"): Case(
        url=project_url("/agreements"), expected=answers(200, researcher=403, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/agreements/{agreement_id:uuid}"): Case(
        url=agreement_url("draft"), expected=answers(200, researcher=404, **VISIBLE_TO_MEMBERS)
    ),
    ("PATCH", "/api/v1/agreements/{agreement_id:uuid}"): Case(
        url=agreement_url("draft"),
        body=lambda p, w: {"papers_days_ahead": 10},
        expected=answers(200, **SEEN_NOT_CHANGED),
    ),
    ("POST", "/api/v1/agreements/{agreement_id:uuid}/send"): Case(
        url=agreement_url("draft", "/send"), expected=answers(200, **SEEN_NOT_CHANGED)
    ),
    # Only the co-researcher accepts: leads and oversight see the agreement (403).
    ("POST", "/api/v1/agreements/{agreement_id:uuid}/accept"): Case(
        url=agreement_url("sent", "/accept"),
        expected=answers(403, researcher=404, co_researcher=200, **VISIBLE_TO_MEMBERS),
    ),
    ("POST", "/api/v1/agreements/{agreement_id:uuid}/terminate"): Case(
        url=agreement_url("sent", "/terminate"),
        body=lambda p, w: {"reason": "Prosjektet er avsluttet før tiden"},
        expected=answers(200, **SEEN_NOT_CHANGED),
    ),
}

# A sent or terminated agreement cannot be sent or terminated again: set up afresh per persona.
ONE_SHOT = {
    ("POST", "/api/v1/agreements/{agreement_id:uuid}/send"),
    ("POST", "/api/v1/agreements/{agreement_id:uuid}/terminate"),
}
