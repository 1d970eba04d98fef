"""Driving the portal like a browser: cookies kept, CSRF tokens read from each form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape

import httpx
from litestar import Litestar

from tests.conftest import PASSWORD

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


@asynccontextmanager
async def browser(
    app: Litestar, base_url: str = "https://portal.example.no"
) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on the portal's public name (HTTPS: Secure cookies are sent)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        yield client


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF_INPUT.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return unescape(found.group(1))


async def submit(
    client: httpx.AsyncClient, page: str, action: str, fields: dict[str, str] | None = None
) -> httpx.Response:
    """Open `page`, then post `fields` to `action` with the page's CSRF token."""
    opened = await client.get(page)
    assert opened.status_code == 200, opened.text
    return await client.post(action, data={"_csrf_token": csrf_token(opened.text), **(fields or {})})


async def portal_sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    """Sign in through the form; asserts the portal answered with the home page redirect."""
    response = await submit(client, "/portal/login", "/portal/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/portal/"
    return response
