"""The portal over HTTP: sign-in, sessions and every page of a co-researcher with data."""

from __future__ import annotations

import httpx
from litestar import Litestar

from tests.conftest import World
from tests.portal_helpers import browser, portal_sign_in


async def test_sign_in_leads_to_the_home_page(client: httpx.AsyncClient, app: Litestar, world: World) -> None:
    async with browser(app) as portal:
        await portal_sign_in(portal, world.people["co_researcher"].email)
        home = await portal.get("/portal/")
    assert home.status_code == 200, home.text
    assert "<h1>Hei, co_researcher</h1>" in home.text
