"""Authorization-matrix entries for the involvement area's routes (merged into test_authorization.MATRIX).

`prepare` creates, as the project's lead, an activity in `world.project_id` with the project's
co-researcher as participant, and opens an evaluation round nobody has answered yet; the cases
read their ids from `world.extra["activity_id"]` and `world.extra["round_id"]`.
"""

import httpx

from tests.authz_common import LEAD_ACTIONS, STAFF_ACTIONS, VISIBLE_TO_MEMBERS, Case, answers, project_url
from tests.conftest import World

ACTIVITY_BODY = {
    "phase": "design",
    "kind": "workshop",
    "occurred_on": "2026-03-02",
    "level": "collaborate",
    "minutes": 120,
    "summary": "Verksted om intervjuguiden",
}
ANSWER_BODY = {"voice": 4, "contribute": 4, "agenda": 3, "change": 3}


def activity_body(persona: str, w: World) -> dict:
    """Every persona logs the same activity with the project's co-researcher taking part."""
    return {**ACTIVITY_BODY, "participant_ids": [w.people["co_researcher"].id]}


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """Create, as the lead, an activity in `world.project_id` with the co-researcher taking part."""
    response = await client.post(
        f"/api/v1/projects/{world.project_id}/activities",
        json=activity_body("lead", world),
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 201, response.text
    opened = await client.post(
        f"/api/v1/projects/{world.project_id}/evaluation-rounds",
        json={"title": "Vårens evaluering"},
        headers=world.people["lead"].headers,
    )
    assert opened.status_code == 201, opened.text
    return {"activity_id": response.json()["id"], "round_id": opened.json()["id"]}


def activity_url(w: World) -> str:
    return f"/api/v1/activities/{w.extra['activity_id']}"


def round_url(suffix: str):
    return lambda w: f"/api/v1/evaluation-rounds/{w.extra['round_id']}{suffix}"


# Only co-researcher members answer; staff and leaders who see the project get 403.
ANSWERERS_ONLY = dict(
    admin=403, research_leader=403, lead=403, researcher=403, co_researcher=201, **VISIBLE_TO_MEMBERS
)
# Closing succeeds once; each persona gets a freshly opened round.
ONE_SHOT = {("POST", "/api/v1/evaluation-rounds/{round_id:uuid}/close")}

MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/projects/{project_id:uuid}/activities"): Case(
        url=project_url("/activities"), body=activity_body, expected=answers(201, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/activities"): Case(
        url=project_url("/activities"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/activities/{activity_id:uuid}"): Case(
        url=activity_url, expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("PATCH", "/api/v1/activities/{activity_id:uuid}"): Case(
        url=activity_url,
        body=lambda p, w: {"what_changed": "Spørsmålene om tvang ble skrevet om"},
        expected=answers(200, **LEAD_ACTIONS),
    ),
    ("POST", "/api/v1/activities/{activity_id:uuid}/participants/{user_id:uuid}/confirm"): Case(
        url=lambda w: f"{activity_url(w)}/participants/{w.people['co_researcher'].id}/confirm",
        expected=answers(200, **STAFF_ACTIONS),
    ),
    ("GET", "/api/v1/me/impact"): Case(url=lambda w: "/api/v1/me/impact", expected=answers(200)),
    ("POST", "/api/v1/projects/{project_id:uuid}/evaluation-rounds"): Case(
        url=project_url("/evaluation-rounds"),
        body=lambda p, w: {"title": "Høstens evaluering"},
        expected=answers(201, **LEAD_ACTIONS),
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/evaluation-rounds"): Case(
        url=project_url("/evaluation-rounds"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("POST", "/api/v1/evaluation-rounds/{round_id:uuid}/close"): Case(
        url=round_url("/close"), expected=answers(200, **LEAD_ACTIONS)
    ),
    ("POST", "/api/v1/evaluation-rounds/{round_id:uuid}/answers"): Case(
        url=round_url("/answers"), body=lambda p, w: ANSWER_BODY, expected=answers(201, **ANSWERERS_ONLY)
    ),
    # Those allowed get 409 here because the prepared round is still open (results come after it
    # closes with three answers: tests/test_evaluations.py); the others are refused before that.
    ("GET", "/api/v1/evaluation-rounds/{round_id:uuid}/summary"): Case(
        url=round_url("/summary"), expected=answers(409, **LEAD_ACTIONS)
    ),
}
