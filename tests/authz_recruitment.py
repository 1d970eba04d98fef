"""Authorization-matrix entries for the recruitment area's routes (merged into test_authorization.MATRIX).

`prepare` adds, as the project's lead, an opening and two candidates, and moves the second to
`offered`; the cases read their ids from `world.extra`. Candidates are personal data of people
who are not users: only the project's leads (and oversight) see them, anyone else gets 404 for
one candidate and 403 for the project's lists (which reveal nothing the project does not).
"""

import uuid
from collections.abc import Callable

import httpx

from tests.authz_common import LEAD_ACTIONS, Case, answers, project_url
from tests.conftest import World

# Not the lead's, nor anyone's but the project's leads.
HIDDEN = dict(researcher=404, co_researcher=404, other_co_researcher=404, outsider=404)


def candidate_body(persona: str, w: World) -> dict:
    return {"full_name": "Kari Kandidat", "email": f"kandidat-{persona}@example.no", "source": "nav"}


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """An opening, a candidate and an offered candidate."""
    lead = world.people["lead"].headers
    base = f"/api/v1/projects/{world.project_id}"
    opening = await client.post(f"{base}/openings", json={"title": "Medforsker"}, headers=lead)
    assert opening.status_code == 201, opening.text
    ids = []
    for which in ("first", "offered"):
        response = await client.post(
            f"{base}/candidates", json=candidate_body(f"{which}-{uuid.uuid4().hex[:8]}", world), headers=lead
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    for step in ("contacted", "interviewed", "offered"):
        moved = await client.patch(f"/api/v1/candidates/{ids[1]}", json={"status": step}, headers=lead)
        assert moved.status_code == 200, moved.text
    return {"opening_id": opening.json()["id"], "candidate_id": ids[0], "offered_candidate_id": ids[1]}


def candidate_url(key: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/candidates/{w.extra[key]}{suffix}"


MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/projects/{project_id:uuid}/openings"): Case(
        url=project_url("/openings"),
        body=lambda p, w: {"title": "Medforsker", "positions": 2},
        expected=answers(201, **LEAD_ACTIONS),
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/openings"): Case(
        url=project_url("/openings"), expected=answers(200, **LEAD_ACTIONS)
    ),
    ("POST", "/api/v1/projects/{project_id:uuid}/candidates"): Case(
        url=project_url("/candidates"), body=candidate_body, expected=answers(201, **LEAD_ACTIONS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/candidates"): Case(
        url=project_url("/candidates"), expected=answers(200, **LEAD_ACTIONS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/candidates/sources"): Case(
        url=project_url("/candidates/sources"), expected=answers(200, **LEAD_ACTIONS)
    ),
    ("GET", "/api/v1/candidates/{candidate_id:uuid}"): Case(
        url=candidate_url("candidate_id"), expected=answers(200, **HIDDEN)
    ),
    ("PATCH", "/api/v1/candidates/{candidate_id:uuid}"): Case(
        url=candidate_url("candidate_id"),
        body=lambda p, w: {"note": "Ringt opp"},
        expected=answers(200, **HIDDEN),
    ),
    ("POST", "/api/v1/candidates/{candidate_id:uuid}/accept"): Case(
        url=candidate_url("offered_candidate_id", "/accept"), expected=answers(200, **HIDDEN)
    ),
}

# An accepted candidate cannot be accepted again: set up afresh per persona.
ONE_SHOT = {("POST", "/api/v1/candidates/{candidate_id:uuid}/accept")}
