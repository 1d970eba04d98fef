"""Authorization-matrix entries for the co-researchers area (merged into test_authorization.MATRIX).

Every route is about the project's co-researcher. Self and the project's lead read everything;
the project's researcher and oversight see the profile masked and get 403 elsewhere; the other
project's co-researcher and the outsider get 404, as if the person did not exist.
"""

from collections.abc import Callable

import httpx

from tests.authz_common import LEAD_ACTIONS, Case, answers, project_url
from tests.conftest import World

NOT_VISIBLE = dict(other_co_researcher=404, outsider=404)
# Seen (masked profile) but not acted on: project researcher and oversight.
SEEN_NOT_ACTED = dict(admin=403, research_leader=403, researcher=403)


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """Make the co-researcher a member again: the withdrawal route ends the membership, and the
    other areas' objects (tasks, agreements) need it."""
    response = await client.put(
        f"/api/v1/projects/{world.project_id}/members/{world.people['co_researcher'].id}",
        json={"role": "co_researcher"},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 200, response.text
    return {}


def person_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/coresearchers/{w.people['co_researcher'].id}{suffix}"


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/coresearchers/{coresearcher_id:uuid}"): Case(
        url=person_url(), expected=answers(200, **NOT_VISIBLE)
    ),
    ("PATCH", "/api/v1/coresearchers/{coresearcher_id:uuid}"): Case(
        url=person_url(),
        body=lambda p, w: {"phone": "+47 912 34 567", "bank_account": "8601.11.17947"},
        expected=answers(200, **SEEN_NOT_ACTED, **NOT_VISIBLE),
    ),
    ("POST", "/api/v1/coresearchers/{coresearcher_id:uuid}/training"): Case(
        url=person_url("/training"),
        body=lambda p, w: {"title": "Innføring i medforskning", "completed_on": "2026-02-10", "minutes": 180},
        expected=answers(201, co_researcher=403, **SEEN_NOT_ACTED, **NOT_VISIBLE),
    ),
    ("GET", "/api/v1/coresearchers/{coresearcher_id:uuid}/training"): Case(
        url=person_url("/training"), expected=answers(200, **SEEN_NOT_ACTED, **NOT_VISIBLE)
    ),
    ("PUT", "/api/v1/coresearchers/{coresearcher_id:uuid}/consents/{consent_scope:str}"): Case(
        url=person_url("/consents/name_in_reports"),
        body=lambda p, w: {"granted": True},
        expected=answers(200, lead=403, **SEEN_NOT_ACTED, **NOT_VISIBLE),
    ),
    ("GET", "/api/v1/coresearchers/{coresearcher_id:uuid}/consents"): Case(
        url=person_url("/consents"), expected=answers(200, **SEEN_NOT_ACTED, **NOT_VISIBLE)
    ),
    # Self or the project's leads (oversight acts as lead); a researcher sees the person: 403.
    ("POST", "/api/v1/projects/{project_id:uuid}/coresearchers/{coresearcher_id:uuid}/withdraw"): Case(
        url=lambda w: (
            f"/api/v1/projects/{w.project_id}/coresearchers/{w.people['co_researcher'].id}/withdraw"
        ),
        expected=answers(200, researcher=403, **NOT_VISIBLE),
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/representation"): Case(
        url=project_url("/representation"), expected=answers(200, **LEAD_ACTIONS)
    ),
}

# Withdrawal ends the membership: the world is prepared afresh (membership back) for each persona.
ONE_SHOT = {("POST", "/api/v1/projects/{project_id:uuid}/coresearchers/{coresearcher_id:uuid}/withdraw")}
