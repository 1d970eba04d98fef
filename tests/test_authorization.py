"""The authorization matrix: every API route, every role, exactly the answer the contract gives.

The route list is read from the app, so a new route without an entry here fails this test.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.conftest import PASSWORD, Person

ROLES = ("anonymous", "admin", "research_leader", "researcher", "co_researcher")
STAFF = ("research_leader", "researcher", "co_researcher")


@dataclass(frozen=True)
class Case:
    """How to call one route, and what each role gets."""

    url: Callable[[dict[str, Person]], str]
    expected: dict[str, int]
    body: Callable[[str, dict[str, Person]], Any] | None = None


def everyone(status: int, anonymous: int = 401) -> dict[str, int]:
    return {"anonymous": anonymous, **{role: status for role in ROLES[1:]}}


def admin_only(status: int) -> dict[str, int]:
    return {"anonymous": 401, "admin": status, **{role: 403 for role in STAFF}}


MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/auth/login"): Case(
        url=lambda p: "/api/v1/auth/login",
        body=lambda role, p: {"email": p[role].email if role != "anonymous" else "x@example.no", "password": PASSWORD},
        expected=everyone(200, anonymous=401),
    ),
    ("POST", "/api/v1/auth/logout"): Case(url=lambda p: "/api/v1/auth/logout", expected=everyone(204)),
    ("GET", "/api/v1/auth/me"): Case(url=lambda p: "/api/v1/auth/me", expected=everyone(200)),
    ("POST", "/api/v1/auth/password"): Case(
        url=lambda p: "/api/v1/auth/password",
        body=lambda role, p: {"current_password": PASSWORD, "new_password": "Et-nytt-langt-passord-9"},
        expected=everyone(204),
    ),
    ("POST", "/api/v1/auth/invites/accept"): Case(
        url=lambda p: "/api/v1/auth/invites/accept",
        body=lambda role, p: {"token": "no-such-invite-token", "password": "Et-nytt-langt-passord-9"},
        expected=everyone(422, anonymous=422),
    ),
    ("POST", "/api/v1/users"): Case(
        url=lambda p: "/api/v1/users",
        body=lambda role, p: {"email": f"new-{role}@example.no", "full_name": "Ny", "role": "researcher"},
        expected=admin_only(201),
    ),
    ("GET", "/api/v1/users"): Case(url=lambda p: "/api/v1/users", expected=admin_only(200)),
    ("GET", "/api/v1/users/{user_id:uuid}"): Case(
        url=lambda p: f"/api/v1/users/{p['researcher'].id}", expected=admin_only(200)
    ),
    ("PATCH", "/api/v1/users/{user_id:uuid}"): Case(
        url=lambda p: f"/api/v1/users/{p['researcher'].id}",
        body=lambda role, p: {"full_name": "Endret Navn"},
        expected=admin_only(200),
    ),
    ("GET", "/api/v1/audit"): Case(
        url=lambda p: "/api/v1/audit",
        expected={"anonymous": 401, "admin": 200, "research_leader": 200, "researcher": 403, "co_researcher": 403},
    ),
}


def api_routes(app: Litestar) -> set[tuple[str, str]]:
    routes = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/api/"):
            for method in route.methods - {"OPTIONS", "HEAD"}:
                routes.add((method, route.path))
    return routes


async def test_every_api_route_has_an_entry(app: Litestar) -> None:
    assert api_routes(app) == set(MATRIX), "add the new route to MATRIX with the answer each role gets"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
async def test_each_role_gets_the_contracted_answer(
    client: httpx.AsyncClient, people: dict[str, Person], route: tuple[str, str]
) -> None:
    method, _ = route
    case = MATRIX[route]
    answers = {}
    for role in ROLES:
        headers = people[role].headers if role != "anonymous" else {}
        body = case.body(role, people) if case.body else None
        response = await client.request(method, case.url(people), json=body, headers=headers)
        answers[role] = response.status_code
    assert answers == case.expected
