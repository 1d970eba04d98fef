"""Authorization-matrix entries for the payments area's routes (merged into test_authorization.MATRIX).

Rate tables are written by admins only; they are read by admins, research leaders and anyone who
leads a project (the outsider leads their own), who choose one for an agreement. Nothing in them
is per project, so the others get 403, not 404.

Time entries and expenses are recorded by project staff for a co-researcher and by the
co-researcher for themselves (another co-researcher's id: 403), and listed by every member.
"""

import uuid
from collections.abc import Callable

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
    return {"claim_id": await submitted_claim(client, world)}


async def submitted_claim(client: httpx.AsyncClient, world: World) -> str:
    """A submitted claim of the co-researcher's expense (no rate table needed), by the lead.

    Its period is the expense's day alone: the other areas' records (an activity, attendance)
    make time entries elsewhere in March, which would need a rate table to price."""
    lead = world.people["lead"].headers
    day = "2026-03-11"
    outlay = await client.post(
        f"/api/v1/projects/{world.project_id}/expenses",
        json={**expense_body("lead", world), "incurred_on": day},
        headers=lead,
    )
    assert outlay.status_code == 201, outlay.text
    made = await client.post(
        f"/api/v1/projects/{world.project_id}/claims",
        json={**claim_body("lead", world), "period_start": day, "period_end": day},
        headers={**lead, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def claim_body(persona: str, w: World) -> dict:
    return {
        "coresearcher_id": w.people["co_researcher"].id,
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
    }


def claim_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/claims/{w.extra['claim_id']}{suffix}"


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


# Claims: the matrix calls without an Idempotency-Key, so whoever may make one gets the 400 that
# names the header (access is checked first). A claim is seen by its project's leads, oversight
# and the co-researcher it pays (the researcher member too gets 404); the moves answer 403 to
# those who see it but may not make them, and 409 from `submitted` for approve and mark-paid.
SEES_CLAIM = dict(researcher=404, other_co_researcher=404, outsider=404)
MATRIX |= {
    ("POST", "/api/v1/projects/{project_id:uuid}/claims"): Case(
        url=project_url("/claims"),
        body=claim_body,
        expected=answers(400, researcher=403, co_researcher=403, **VISIBLE_TO_MEMBERS),
    ),
    ("GET", "/api/v1/claims/{claim_id:uuid}"): Case(url=claim_url(), expected=answers(200, **SEES_CLAIM)),
    ("POST", "/api/v1/claims/{claim_id:uuid}/attest"): Case(
        url=claim_url("/attest"), expected=answers(403, lead=200, **SEES_CLAIM)
    ),
    ("POST", "/api/v1/claims/{claim_id:uuid}/approve"): Case(
        url=claim_url("/approve"), expected=answers(403, research_leader=409, **SEES_CLAIM)
    ),
    ("POST", "/api/v1/claims/{claim_id:uuid}/reject"): Case(
        url=claim_url("/reject"),
        body=lambda p, w: {"reason": f"Avvist av {p}"},
        expected=answers(403, lead=200, research_leader=200, **SEES_CLAIM),
    ),
    ("POST", "/api/v1/claims/{claim_id:uuid}/mark-paid"): Case(
        url=claim_url("/mark-paid"),
        body=lambda p, w: {"paid_on": "2026-04-20", "reference": "Utbetaling 1"},
        expected=answers(403, research_leader=409, admin=409, **SEES_CLAIM),
    ),
    ("GET", "/api/v1/me/payments"): Case(url=lambda w: "/api/v1/me/payments", expected=answers(200)),
    ("GET", "/api/v1/coresearchers/{coresearcher_id:uuid}/benefit-periods"): Case(
        url=lambda w: (
            f"/api/v1/coresearchers/{w.people['co_researcher'].id}/benefit-periods"
            "?from=2026-03-01&to=2026-03-31"
        ),
        expected=answers(404, lead=200, co_researcher=200),
    ),
    ("GET", "/api/v1/me/benefit-warning"): Case(
        url=lambda w: "/api/v1/me/benefit-warning", expected=answers(200)
    ),
}
ONE_SHOT = {
    ("POST", "/api/v1/claims/{claim_id:uuid}/attest"),
    ("POST", "/api/v1/claims/{claim_id:uuid}/reject"),
}

# The payroll export is for research leaders and admins only (nothing per project: 403, not 404);
# marking the submitted claim exported answers 422 (not an approved claim of that month).
MATRIX |= {
    ("GET", "/api/v1/payroll-export"): Case(
        url=lambda w: "/api/v1/payroll-export?month=2026-03",
        expected=answers(403, research_leader=200, admin=200),
    ),
    ("POST", "/api/v1/payroll-export/mark-exported"): Case(
        url=lambda w: "/api/v1/payroll-export/mark-exported",
        body=lambda p, w: {"month": "2026-03", "claim_ids": [w.extra["claim_id"]]},
        expected=answers(403, research_leader=422, admin=422),
    ),
}

# Budget versus actual: the project's leads and researchers and oversight; a co-researcher member
# gets 404 like anyone who does not see the project. Payment times: the leads and oversight (a
# researcher 403); across the portfolio research leaders and admins (nothing per project: 403).
MATRIX |= {
    ("GET", "/api/v1/projects/{project_id:uuid}/budget"): Case(
        url=project_url("/budget?from=2026-03-01&to=2026-03-31"),
        expected=answers(200, co_researcher=404, **VISIBLE_TO_MEMBERS),
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/payment-times"): Case(
        url=project_url("/payment-times"),
        expected=answers(200, researcher=403, co_researcher=404, **VISIBLE_TO_MEMBERS),
    ),
    ("GET", "/api/v1/payment-times"): Case(
        url=lambda w: "/api/v1/payment-times?from=2026-01-01&to=2026-12-31",
        expected=answers(403, research_leader=200, admin=200),
    ),
}
