"""The authorization matrix: every API route, every persona, exactly the answer the contract gives.

The route list is read from the app, so a new route without an entry here fails this test.
Personas: anonymous; admin and research leader (oversight of all projects); the project's lead,
researcher and co-researcher; a co-researcher of another project; a researcher outside it.
"""

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests import (
    authz_agreements,
    authz_certificates,
    authz_coresearchers,
    authz_documents,
    authz_involvement,
    authz_notifications,
    authz_payments,
    authz_privacy,
    authz_recruitment,
    authz_reports,
    authz_work,
)
from tests.authz_common import (
    LEAD_ACTIONS,
    PERSONAS,
    PROJECT_BODY,
    VISIBLE_TO_MEMBERS,
    Case,
    admin_only,
    answers,
    project_url,
)
from tests.conftest import PASSWORD, World

MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/auth/login"): Case(
        url=lambda w: "/api/v1/auth/login",
        body=lambda p, w: {
            "email": w.people[p].email if p != "anonymous" else "x@example.no",
            "password": PASSWORD,
        },
        expected=answers(200),
    ),
    ("POST", "/api/v1/auth/logout"): Case(url=lambda w: "/api/v1/auth/logout", expected=answers(204)),
    ("GET", "/api/v1/auth/me"): Case(url=lambda w: "/api/v1/auth/me", expected=answers(200)),
    ("POST", "/api/v1/auth/password"): Case(
        url=lambda w: "/api/v1/auth/password",
        body=lambda p, w: {"current_password": PASSWORD, "new_password": "Et-nytt-langt-passord-9"},
        expected=answers(204),
    ),
    ("POST", "/api/v1/auth/invites/accept"): Case(
        url=lambda w: "/api/v1/auth/invites/accept",
        body=lambda p, w: {"token": "no-such-invite-token", "password": "Et-nytt-langt-passord-9"},
        expected=answers(422, anonymous=422),
    ),
    ("POST", "/api/v1/users"): Case(
        url=lambda w: "/api/v1/users",
        body=lambda p, w: {"email": f"new-{p}@example.no", "full_name": "Ny", "role": "researcher"},
        expected=admin_only(201),
    ),
    ("GET", "/api/v1/users"): Case(url=lambda w: "/api/v1/users", expected=admin_only(200)),
    ("GET", "/api/v1/users/{user_id:uuid}"): Case(
        url=lambda w: f"/api/v1/users/{w.people['researcher'].id}", expected=admin_only(200)
    ),
    ("PATCH", "/api/v1/users/{user_id:uuid}"): Case(
        url=lambda w: f"/api/v1/users/{w.people['researcher'].id}",
        body=lambda p, w: {"full_name": "Endret Navn"},
        expected=admin_only(200),
    ),
    ("GET", "/api/v1/audit"): Case(
        url=lambda w: "/api/v1/audit", expected=answers(403, admin=200, research_leader=200)
    ),
    ("POST", "/api/v1/projects"): Case(
        url=lambda w: "/api/v1/projects",
        body=lambda p, w: PROJECT_BODY,
        expected=answers(403, research_leader=201, lead=201, researcher=201, outsider=201),
    ),
    ("GET", "/api/v1/projects"): Case(url=lambda w: "/api/v1/projects", expected=answers(200)),
    ("GET", "/api/v1/projects/{project_id:uuid}"): Case(
        url=project_url(), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("PATCH", "/api/v1/projects/{project_id:uuid}"): Case(
        url=project_url(), body=lambda p, w: {"summary": "Oppdatert"}, expected=answers(200, **LEAD_ACTIONS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/members"): Case(
        url=project_url("/members"), expected=answers(200, co_researcher=403, **VISIBLE_TO_MEMBERS)
    ),
    ("PUT", "/api/v1/projects/{project_id:uuid}/members/{user_id:uuid}"): Case(
        url=lambda w: f"/api/v1/projects/{w.project_id}/members/{w.people['admin'].id}",
        body=lambda p, w: {"role": "researcher"},
        expected=answers(200, **LEAD_ACTIONS),
    ),
    ("DELETE", "/api/v1/projects/{project_id:uuid}/members/{user_id:uuid}"): Case(
        url=lambda w: f"/api/v1/projects/{w.project_id}/members/{w.people['researcher'].id}",
        expected=answers(204, **LEAD_ACTIONS),
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/phases"): Case(
        url=project_url("/phases"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("PATCH", "/api/v1/projects/{project_id:uuid}/phases/{phase:str}"): Case(
        url=project_url("/phases/topic"),
        body=lambda p, w: {"planned_level": "collaborate"},
        expected=answers(200, **LEAD_ACTIONS),
    ),
}

# The co-researchers area first: its `prepare` restores the membership the others' objects need.
AREAS = (
    authz_coresearchers,
    authz_work,
    authz_involvement,
    authz_documents,
    authz_agreements,
    authz_recruitment,
    authz_privacy,
    authz_payments,
    authz_certificates,
    authz_reports,
    authz_notifications,
)
for area in AREAS:
    MATRIX |= area.MATRIX

# Routes whose first successful call changes what the next persona sees: the objects are set up
# afresh before each persona (the DELETE would otherwise answer 404 after its first success).
ONE_SHOT = {("DELETE", "/api/v1/projects/{project_id:uuid}/members/{user_id:uuid}")}
for area in AREAS:
    ONE_SHOT |= getattr(area, "ONE_SHOT", set())


async def prepare(client: httpx.AsyncClient, world: World) -> None:
    """Create the objects the areas' routes need (ids go into `world.extra`)."""
    await client.put(
        f"/api/v1/projects/{world.project_id}/members/{world.people['researcher'].id}",
        json={"role": "researcher"},
        headers=world.people["lead"].headers,
    )
    for area in AREAS:
        if hasattr(area, "prepare"):
            world.extra.update(await area.prepare(client, world))


# Only API routes: the portal's pages (`/portal/*`, HTML over the same services with a session
# cookie) are checked persona by persona in tests/test_portal_security.py (404 for another's
# things, CSRF on every form) and tests/test_portal.py.
def api_routes(app: Litestar) -> set[tuple[str, str]]:
    routes = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/api/"):
            for method in route.methods - {"OPTIONS", "HEAD"}:
                routes.add((method, route.path))
    return routes


async def test_every_api_route_has_an_entry(app: Litestar) -> None:
    assert api_routes(app) == set(MATRIX), "add the new route to MATRIX with the answer each persona gets"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
async def test_each_persona_gets_the_contracted_answer(
    client: httpx.AsyncClient, world: World, route: tuple[str, str]
) -> None:
    method, _ = route
    case = MATRIX[route]
    got = {}
    await prepare(client, world)
    for persona in PERSONAS:
        if route in ONE_SHOT and persona != "anonymous":
            await prepare(client, world)
        headers = world.people[persona].headers if persona != "anonymous" else {}
        body = case.body(persona, world) if case.body else None
        if isinstance(case, authz_documents.UploadCase):
            content = {"data": body, "files": case.files(persona, world)}
        else:
            content = {"json": body}
        response = await client.request(method, case.url(world), headers=headers, **content)
        got[persona] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
    assert got == case.expected
