"""Authorization-matrix entries for the payments area's routes (merged into test_authorization.MATRIX).

Rate tables are written by admins only; they are read by admins, research leaders and anyone who
leads a project (the outsider leads their own), who choose one for an agreement. Nothing in them
is per project, so the others get 403, not 404.

Time entries and expenses are recorded by project staff for a co-researcher and by the
co-researcher for themselves (another co-researcher's id: 403), and listed by every member.
"""

import httpx

from tests.authz_agreements import agreement_body
from tests.authz_common import VISIBLE_TO_MEMBERS, Case, admin_only, answers, project_url
from tests.conftest import World


def rate_table_body(persona: str, w: World) -> dict:
    return {
        "name": f"Takst {persona}",
        "hourly_rate_ore": 35_500,
        "rounding_minutes": 30,
        "minimum_in_person_minutes": 60,
        "valid_from": "2025-01-01",
    }


MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/rate-tables"): Case(
        url=lambda w: "/api/v1/rate-tables", body=rate_table_body, expected=admin_only(201)
    ),
    ("GET", "/api/v1/rate-tables"): Case(
        url=lambda w: "/api/v1/rate-tables",
        expected=answers(200, researcher=403, co_researcher=403, other_co_researcher=403),
    ),
}


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """An active agreement for the co-researcher in `world.project_id`, so entries can be made."""
    lead, co = world.people["lead"].headers, world.people["co_researcher"].headers
    drafted = await client.post(
        f"/api/v1/projects/{world.project_id}/agreements",
        json={**agreement_body("lead", world), "starts_on": "2026-01-01", "ends_on": "2099-12-31"},
        headers=lead,
    )
    assert drafted.status_code == 201, drafted.text
    agreement_id = drafted.json()["id"]
    for move, headers in (("send", lead), ("accept", co)):
        response = await client.post(f"/api/v1/agreements/{agreement_id}/{move}", headers=headers)
        assert response.status_code == 200, response.text
    return {}


def time_entry_body(persona: str, w: World) -> dict:
    return {
        "coresearcher_id": w.people["co_researcher"].id,
        "worked_on": "2026-03-10",
        "minutes": 60,
        "description": f"Arbeid registrert av {persona}",
    }


def expense_body(persona: str, w: World) -> dict:
    return {
        "coresearcher_id": w.people["co_researcher"].id,
        "incurred_on": "2026-03-10",
        "kind": "travel",
        "amount_ore": 5_000,
        "description": f"Reise registrert av {persona}",
    }


# Staff and the co-researcher themselves record; the other co-researcher and the outsider do not
# see the project. Every member lists (a co-researcher only their own).
MATRIX |= {
    ("POST", "/api/v1/projects/{project_id:uuid}/time-entries"): Case(
        url=project_url("/time-entries"), body=time_entry_body, expected=answers(201, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/time-entries"): Case(
        url=project_url("/time-entries"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("POST", "/api/v1/projects/{project_id:uuid}/expenses"): Case(
        url=project_url("/expenses"), body=expense_body, expected=answers(201, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/expenses"): Case(
        url=project_url("/expenses"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
}
