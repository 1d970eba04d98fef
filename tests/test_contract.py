"""The API is exactly as strict as documented, and the OpenAPI document describes what it answers."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from tests.conftest import Person, World, make_person

JSON_ERRORS = "application/problem+json"


@pytest.fixture
async def schema(client: httpx.AsyncClient) -> dict:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


async def test_every_error_is_documented_as_a_problem(schema: dict) -> None:
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    for method, path, operation in operations(schema):
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert errors or path == "/health/live", f"{method} {path} documents no error"
        for status, response in errors.items():
            assert list(response["content"]) == [JSON_ERRORS], f"{method} {path} {status}"
            assert response["content"][JSON_ERRORS]["schema"] == {"$ref": "#/components/schemas/Problem"}


async def test_statuses_follow_from_what_each_operation_is(schema: dict) -> None:
    for method, path, operation in operations(schema):
        statuses = set(operation["responses"])
        public = path.startswith("/health") or path in {"/api/v1/auth/login", "/api/v1/auth/invites/accept"}
        assert ("401" in statuses) == (not public) or path == "/api/v1/auth/login", f"{method} {path}"
        assert bool(operation.get("security")) == (not public), f"{method} {path} security"
        if "{" in path:
            assert {"403" if not public else "404", "404"} <= statuses, f"{method} {path}"
        if "requestBody" in operation:
            assert {"400", "413", "415", "422"} <= statuses, f"{method} {path}"
        if method != "GET":
            assert "409" in statuses, f"{method} {path}"
        if path != "/health/live":
            assert "503" in statuses, f"{method} {path}"
    login = schema["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"401", "429"} <= set(login)
    content = schema["paths"]["/api/v1/documents/{document_id}/content"]["get"]["responses"]
    assert {"200", "304", "307"} <= set(content)
    assert "application/pdf" in content["200"]["content"]
    assert schema.get("security") is None


async def test_bodies_that_refuse_unknown_fields_say_so(schema: dict, app: Litestar) -> None:
    components = schema["components"]["schemas"]
    for name in ("UserCreate", "UserUpdate", "LoginRequest", "ProjectCreate", "TaskUpdate", "MeetingCreate"):
        assert components[name]["additionalProperties"] is False, name
    assert "additionalProperties" not in components["User"]


@pytest.mark.parametrize(
    ("field", "value"), [("is_active", "false"), ("is_active", 0), ("role", 1), ("full_name", 5)]
)
async def test_bodies_are_decoded_strictly(
    client: httpx.AsyncClient, people: dict[str, Person], field: str, value: object
) -> None:
    admin, researcher = people["admin"], people["researcher"]
    response = await client.patch(
        f"/api/v1/users/{researcher.id}", json={field: value}, headers=admin.headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/validation")
    assert response.json()["errors"][0]["field"] == field
    user = (await client.get(f"/api/v1/users/{researcher.id}", headers=admin.headers)).json()
    assert user["is_active"] is True


async def test_a_string_is_not_an_integer(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    body = {"title": "Intervjuguide", "phase": "topic", "estimated_minutes": "5"}
    response = await client.post(
        f"/api/v1/projects/{world.project_id}/tasks", json=body, headers=lead.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "estimated_minutes", "message": "Expected `int | null`, got `str`"}
    ]


async def test_unknown_fields_are_named(client: httpx.AsyncClient, people: dict[str, Person]) -> None:
    admin = people["admin"]
    response = await client.patch(f"/api/v1/users/{admin.id}", json={"nickname": "x"}, headers=admin.headers)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "nickname", "message": "is not a field of this body"}]


@pytest.mark.parametrize("email", ["0@0", "a@b", "kari@localhost", "a..b@example.no", "kari@example.test"])
async def test_email_addresses_must_be_deliverable_in_form(
    client: httpx.AsyncClient, people: dict[str, Person], email: str
) -> None:
    admin = people["admin"]
    created = await client.post(
        "/api/v1/users",
        json={"email": email, "full_name": "Kari", "role": "researcher"},
        headers=admin.headers,
    )
    assert created.status_code == 400, created.text
    assert created.json()["errors"][0]["field"] == "email"
    changed = await client.patch(f"/api/v1/users/{admin.id}", json={"email": email}, headers=admin.headers)
    assert changed.status_code == 400


async def test_ordinary_and_internal_addresses_are_accepted(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    for email in ("Ola.Nordmann@Sykehuset.no", "forsker@helse.local", "bjørn@universitetet.no"):
        body = {"email": email, "full_name": "Ny", "role": "researcher"}
        response = await client.post("/api/v1/users", json=body, headers=admin.headers)
        assert response.status_code == 201, response.text
        assert response.json()["email"] == email.lower()


async def test_only_the_bearer_scheme_is_accepted(client: httpx.AsyncClient) -> None:
    person = await make_person(client, "researcher")
    token = person.headers["Authorization"].removeprefix("Bearer ")
    for scheme in ("Basic", "Token", "JWT", "bearerx"):
        response = await client.get("/api/v1/auth/me", headers={"Authorization": f"{scheme} {token}"})
        assert response.status_code == 401, scheme
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"bearer {token}"})
    ).status_code == 200


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic dXNlcjpwYXNz"}]
)
async def test_every_401_challenges_and_is_typed(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get("/api/v1/projects", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "https://coresearch.no/problems/unauthorized"
    assert response.headers["x-request-id"]


async def test_framework_answers_carry_documented_types_and_a_request_id(
    client: httpx.AsyncClient, people: dict[str, Person]
) -> None:
    forbidden = await client.get("/api/v1/users", headers=people["researcher"].headers)
    assert forbidden.status_code == 403
    assert forbidden.json()["type"] == "https://coresearch.no/problems/forbidden"
    for response in (
        forbidden,
        await client.get("/api/v1/no-such-thing"),
        await client.put("/api/v1/auth/me"),
        await client.get("/health/live"),
    ):
        assert response.headers["x-request-id"], response.request.url
    given = await client.get("/api/v1/no-such-thing", headers={"X-Request-ID": "abcdef12-given"})
    assert given.headers["x-request-id"] == "abcdef12-given"


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("meetings", "from=2026-05-02&to=2026-05-01", "from"),
        ("activities", "from=2026-05-02&to=2026-05-01", "from"),
        ("tasks", "due_after=2026-05-01&due_before=2026-05-01", "due_after"),
    ],
)
async def test_date_ranges_are_checked_alike_in_every_list(
    client: httpx.AsyncClient, world: World, path: str, query: str, field: str
) -> None:
    url = f"/api/v1/projects/{world.project_id}/{path}?{query}"
    response = await client.get(url, headers=world.people["lead"].headers)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["type"].endswith("/validation")
    assert [error["field"] for error in problem["errors"]] == [field]
