"""Hostile input on every route: nesting, encoding, sizes, types, control and bidi characters.

The routes come from the app itself, so a new route is covered without new code. Whatever is
sent, the answer is a client error or a success, never a 500, and every error is a problem
(`application/problem+json`) carrying `X-Request-ID`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.conftest import make_person

ANSWERS = {200, 201, 204, 304, 400, 401, 403, 404, 409, 413, 415, 422}
PARAM = re.compile(r"\{(\w+):(\w+)\}")
EXAMPLE_PARAMS = {
    "uuid": lambda: str(uuid.uuid4()),
    "str": lambda: "topic",
    "int": lambda: "1",
    "path": lambda: "x",
}
NESTING = 200_000
JSON = {"content-type": "application/json"}


def routes(app: Litestar, *, with_body: bool = False) -> list[tuple[str, str]]:
    """Every (method, concrete URL) of the app, path ids filled with fresh values."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/schema/assets"):
            continue
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            if with_body and method not in {"POST", "PUT", "PATCH"}:
                continue
            url = PARAM.sub(lambda m: EXAMPLE_PARAMS[m.group(2)](), route.path)
            found.append((method, url))
    return found


@dataclass(frozen=True)
class Hostile:
    """One kind of hostile request: how to spoil it, and whether it needs a body route."""

    spoil: Callable[[str, str], dict]
    body_routes_only: bool = False


CASES = {
    "deeply nested arrays": Hostile(
        lambda m, u: {"content": b"[" * NESTING + b"]" * NESTING, "headers": JSON}, body_routes_only=True
    ),
    "deeply nested objects": Hostile(
        lambda m, u: {"content": b'{"a":' * NESTING + b"1" + b"}" * NESTING, "headers": JSON},
        body_routes_only=True,
    ),
    "invalid UTF-8": Hostile(
        lambda m, u: {"content": b'{"email": "\xff\xfe", "title": "\xc3\x28"}', "headers": JSON},
        body_routes_only=True,
    ),
    "over a mebibyte": Hostile(
        lambda m, u: {"content": b'{"title": "' + b"a" * (1024 * 1024 + 10) + b'"}', "headers": JSON},
        body_routes_only=True,
    ),
    "not JSON": Hostile(
        lambda m, u: {"content": b"title=x", "headers": {"content-type": "text/plain"}}, body_routes_only=True
    ),
    "wrong types everywhere": Hostile(
        lambda m, u: {
            "json": {
                "title": 5,
                "email": ["x"],
                "is_active": "false",
                "voice": "5",
                "minutes": 1.5,
                "role": 0,
                "participant_ids": "x",
            }
        },
        body_routes_only=True,
    ),
    "control and bidi characters in text": Hostile(
        lambda m, u: {
            "json": {
                "title": "a\u0000b\u202e\u0007",
                "summary": "\u2066x\u2069\r\n\u0000",
                "email": "a\u0000@b.no",
            }
        },
        body_routes_only=True,
    ),
    "hostile query values": Hostile(
        lambda m, u: {
            "url": u + "?limit=%ff&cursor=%00%e2%80%ae&from=2026-13-40&to=%0a&status=\u202e&entity=a%00b"
            "&only_with_change=maybe&version=-1&redirect=2&phase=%c3%28"
        }
    ),
    "numbers out of range": Hostile(
        lambda m, u: {"url": u + "?limit=99999999999999999999999&version=1e400&cursor=" + "A" * 5000}
    ),
    "hostile headers": Hostile(
        lambda m, u: {
            "headers": {
                "x-request-id": "\u202eevil\u0007".encode(),
                "if-none-match": "\x00" * 10,
                "authorization": "Bearer \u202e\u0000".encode(),
                "accept": "application/../../etc",
                "content-type": "multipart/form-data; boundary=" + "x" * 5000,
            },
            "content": b"--" + b"x" * 5000 + b"\r\n\r\n",
        }
    ),
}


def is_page(what: str) -> bool:
    """The portal's pages and `GET /` answer in HTML and redirect to sign-in (tests/test_portal*.py)."""
    return " /portal" in what or what.endswith(" /")


def check(response: httpx.Response, what: str) -> None:
    if is_page(what):
        assert response.status_code in ANSWERS | {302, 303}, f"{what}: {response.status_code}"
        assert response.headers.get("x-request-id"), f"{what}: no X-Request-ID"
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("text/html"), what
        return
    assert response.status_code in ANSWERS, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.headers.get("x-request-id"), f"{what}: no X-Request-ID"
    if response.status_code >= 400 and " /schema" not in what:  # the docs pages answer in HTML
        assert response.headers["content-type"].startswith("application/problem+json"), what
        problem = response.json()
        assert problem["status"] == response.status_code, what
        assert problem["type"].startswith("https://coresearch.no/problems/"), what
        assert "http-" not in problem["type"], what


@pytest.mark.parametrize("case", sorted(CASES))
async def test_hostile_input_never_breaks_a_route(
    client: httpx.AsyncClient, app: Litestar, case: str
) -> None:
    hostile = CASES[case]
    admin = await make_person(client, "admin")
    for method, url in routes(app, with_body=hostile.body_routes_only):
        for who, headers in (("anonymous", {}), ("admin", admin.headers)):
            request = hostile.spoil(method, url)
            target = request.pop("url", url)
            request["headers"] = {**request.get("headers", {}), **headers}
            response = await client.request(method, target, **request)
            check(response, f"{case}: {who} {method} {url}")


async def test_signed_in_hostile_bodies_are_refused_with_the_right_status(client: httpx.AsyncClient) -> None:
    admin = await make_person(client, "admin")
    login = "/api/v1/auth/login"
    nested = await client.post(login, content=b"[" * NESTING + b"]" * NESTING, headers=JSON)
    assert nested.status_code == 400
    broken = await client.post(login, content=b'{"email": "\xff", "password": "x"}', headers=JSON)
    assert broken.status_code == 400
    assert broken.json()["type"].endswith("/bad-request")
    too_big = await client.patch(
        f"/api/v1/users/{admin.id}", content=b" " * (1024 * 1024 + 1), headers={**JSON, **admin.headers}
    )
    assert too_big.status_code == 413
    plain = await client.post(
        login, content=b'{"email": "a@b.no", "password": "x"}', headers={"content-type": "text/plain"}
    )
    assert plain.status_code == 415
    assert plain.json()["type"].endswith("/unsupported-media-type")


async def test_options_answers_204_with_every_method_of_the_path(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        url = PARAM.sub(lambda m: EXAMPLE_PARAMS[m.group(2)](), route.path)
        response = await client.options(url)
        assert response.status_code == 204, f"OPTIONS {route.path}: {response.status_code}"
        allowed = {method.strip() for method in response.headers["allow"].split(",")}
        assert allowed == set(route.methods), route.path
        assert response.headers.get("x-request-id")
