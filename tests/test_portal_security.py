"""The portal's security: CSRF on every form, cookie flags, sessions that end with sign-out,
password change and deactivation, 404 for what belongs to someone else, and no sensitive field
on a page that is not the person's own (docs/portal.md, "Security")."""

from __future__ import annotations

import uuid

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from coresearch.domain.involvement.tables import EvaluationAnswer
from tests.conftest import PASSWORD, World
from tests.portal_helpers import browser, csrf_token, portal_sign_in, submit
from tests.portal_world import PortalData, build, session_for
from tests.test_portal import pages

NEW_PASSWORD = "Et-nytt-langt-passord-9"


@pytest.fixture
async def data(client: httpx.AsyncClient, world: World) -> PortalData:
    return await build(client, world)


def form_posts(data: PortalData) -> dict[str, dict[str, str]]:
    """Every form of the portal, with fields that would succeed given a valid CSRF token."""
    return {
        "/portal/login": {"email": "x@example.no", "password": PASSWORD},
        "/portal/logout": {},
        "/portal/invite": {"token": "x" * 20, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        "/portal/password": {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
        f"/portal/tasks/{data.task_id}/status": {"status": "done"},
        f"/portal/agreements/{data.waiting_agreement_id}/accept": {},
        "/portal/consent/name_in_reports": {"granted": "false"},
        f"/portal/evaluation/{data.round_id}": {
            "voice": "3",
            "contribute": "3",
            "agenda": "3",
            "change": "3",
        },
        "/portal/my-data": {"phone": "", "organisation": "Endret"},
        f"/portal/notifications/{uuid.uuid4()}/read": {},
        "/portal/notifications/read-all": {},
        "/portal/notifications/settings": {
            **{topic: "portal" for topic in ("tasks", "meetings", "meeting_papers", "reminders")},
            **{topic: "portal" for topic in ("agreements", "payments", "benefits")},
            "language": "en",
        },
    }


def portal_post_routes(app: Litestar) -> set[str]:
    return {
        route.path
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith("/portal") and "POST" in route.methods
    }


async def test_every_form_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    co = world.people["co_researcher"]
    posts = form_posts(data)
    assert len(posts) == len(portal_post_routes(app)), "a new portal form needs a CSRF case here"
    async with browser(app) as portal:
        token = await session_for(portal, co.id)
        opened = await portal.get("/portal/")
        assert opened.status_code == 200
        for action, fields in posts.items():
            missing = await portal.post(action, data=fields)
            wrong = await portal.post(action, data={"_csrf_token": "0" * 128, **fields})
            assert (missing.status_code, wrong.status_code) == (403, 403), action
            assert "<h1>Noe gikk galt</h1>" in wrong.text
        still = await portal.get("/portal/")
    assert still.status_code == 200, "the session was not ended"
    assert (await client.get(f"/api/v1/tasks/{data.task_id}", headers=co.headers)).json()["status"] == "todo"
    agreement = await client.get(f"/api/v1/agreements/{data.waiting_agreement_id}", headers=co.headers)
    assert agreement.json()["status"] == "sent"
    consents = (await client.get(f"/api/v1/coresearchers/{co.id}/consents", headers=co.headers)).json()
    assert {s["scope"]: s["granted"] for s in consents["scopes"]}["name_in_reports"] is True
    assert await EvaluationAnswer.count() == 0
    profile = (await client.get(f"/api/v1/coresearchers/{co.id}", headers=co.headers)).json()
    assert profile["organisation"] == "Mental Helse Bjørgvin"
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200


async def test_a_token_from_another_browser_does_not_pass(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    async with browser(app) as attacker, browser(app) as victim:
        foreign = csrf_token((await attacker.get("/portal/login")).text)
        await session_for(victim, world.people["co_researcher"].id)
        await victim.get("/portal/")
        forged = await victim.post(
            "/portal/consent/name_in_reports", data={"_csrf_token": foreign, "granted": "false"}
        )
    assert forged.status_code == 403


async def test_session_and_csrf_cookies_are_httponly_lax_and_secure_off_loopback(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    email = world.people["co_researcher"].email
    async with browser(app) as portal:
        signed = await portal_sign_in(portal, email)
    async with browser(app, base_url="http://127.0.0.1:8000") as local:
        local_signed = await portal_sign_in(local, email)
        local_form = await local.get("/portal/password")
    session = next(c for c in signed.headers.get_list("set-cookie") if c.startswith("portal_session="))
    for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/portal", "Max-Age=7200"):
        assert flag.lower() in session.lower(), (flag, session)
    local_session = next(
        c for c in local_signed.headers.get_list("set-cookie") if c.startswith("portal_session=")
    )
    assert "httponly" in local_session.lower() and "secure" not in local_session.lower()
    assert local_form.status_code == 200
    async with browser(app) as fresh:
        csrf = next(
            c for c in (await fresh.get("/portal/login")).headers.get_list("set-cookie") if "portal_csrf" in c
        )
    assert all(flag in csrf.lower() for flag in ("httponly", "secure", "samesite=lax", "path=/portal"))


async def test_signing_out_ends_the_session_everywhere(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    async with browser(app) as portal:
        await portal_sign_in(portal, world.people["co_researcher"].email)
        stolen = portal.cookies.get("portal_session")
        out = await submit(portal, "/portal/", "/portal/logout")
        assert out.status_code == 303 and out.headers["location"] == "/portal/login?done=out"
        assert 'portal_session=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    async with browser(app) as replay:
        replay.cookies.set("portal_session", stolen or "", domain="portal.example.no", path="/portal")
        again = await replay.get("/portal/")
    assert again.status_code == 303 and again.headers["location"] == "/portal/login"
    api = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {stolen}"})
    assert api.status_code == 401


async def test_changing_the_password_ends_every_other_session(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    co = world.people["co_researcher"]
    async with browser(app) as phone, browser(app) as library:
        await session_for(phone, co.id)
        await session_for(library, co.id)
        fields = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        changed = await submit(phone, "/portal/password", "/portal/password", fields)
        assert changed.status_code == 303
        assert (await phone.get("/portal/")).status_code == 200
        assert (await library.get("/portal/")).status_code == 303
    assert (await client.get("/api/v1/auth/me", headers=co.headers)).status_code == 401
    async with browser(app) as later:
        await portal_sign_in(later, co.email, NEW_PASSWORD)


async def test_a_wrong_current_password_changes_nothing(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        fields = {"current_password": "ikke-riktig", "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        refused = await submit(portal, "/portal/password", "/portal/password", fields)
    assert refused.status_code == 400 and 'id="current_password-error"' in refused.text
    async with browser(app) as later:
        await portal_sign_in(later, world.people["co_researcher"].email)


async def test_deactivating_the_user_ends_the_portal_session(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    co = world.people["co_researcher"]
    async with browser(app) as portal:
        await session_for(portal, co.id)
        assert (await portal.get("/portal/")).status_code == 200
        off = await client.patch(
            f"/api/v1/users/{co.id}", json={"is_active": False}, headers=world.people["admin"].headers
        )
        assert off.status_code == 200
        assert (await portal.get("/portal/")).status_code == 303


async def test_another_co_researchers_things_answer_404(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        page = (await portal.get("/portal/tasks")).text
        token = csrf_token(page)
        for url in (
            f"/portal/meetings/{data.other_meeting_id}",
            f"/portal/documents/{data.other_paper_id}",
            f"/portal/documents/{data.private_paper_id}",
            f"/portal/evaluation/{data.other_round_id}",
            "/portal/agreements/00000000-0000-4000-8000-000000000000",
        ):
            response = await portal.get(url)
            assert response.status_code == 404, url
            assert "<h1>Noe gikk galt</h1>" in response.text
        foreign_task = await portal.post(
            f"/portal/tasks/{data.other_task_id}/status", data={"_csrf_token": token, "status": "done"}
        )
        assert foreign_task.status_code == 404
    async with browser(app) as other:
        await session_for(other, world.people["other_co_researcher"].id)
        token = csrf_token((await other.get("/portal/tasks")).text)
        assert (await other.get(f"/portal/agreements/{data.waiting_agreement_id}")).status_code == 404
        assert (await other.get(f"/portal/meetings/{data.meeting_id}")).status_code == 404
        assert (await other.get(f"/portal/documents/{data.paper_id}")).status_code == 404
        taken = await other.post(
            f"/portal/agreements/{data.waiting_agreement_id}/accept", data={"_csrf_token": token}
        )
        assert taken.status_code == 404
        answered = await other.post(
            f"/portal/evaluation/{data.round_id}",
            data={"_csrf_token": token, "voice": "1", "contribute": "1", "agenda": "1", "change": "1"},
        )
        assert answered.status_code == 404
    assert await EvaluationAnswer.count() == 0


async def test_no_page_shows_identity_numbers_or_another_persons_details(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    co = world.people["co_researcher"]
    secrets = ("15076500565", "150765 00565", "12345678903", "1234.56.78903")
    async with browser(app) as own:
        await session_for(own, co.id)
        for page in pages(data):
            html = (await own.get(page)).text
            assert not any(secret in html for secret in secrets), page
        my_data = (await own.get("/portal/my-data")).text
    assert "Registrert (vises ikke her, av hensyn til deg)" in my_data
    theirs = ("Mental Helse Bjørgvin", "912 34 567", co.email, "Les utkastet til artikkelen")
    async with browser(app) as other:
        await session_for(other, world.people["other_co_researcher"].id)
        for page in (
            "/portal/",
            "/portal/tasks",
            "/portal/meetings",
            "/portal/payments",
            "/portal/impact",
            "/portal/agreements",
            "/portal/consent",
            "/portal/evaluation",
            "/portal/my-data",
        ):
            response = await other.get(page)
            assert response.status_code == 200, page
            assert not any(value in response.text for value in theirs + secrets), page


async def test_an_invite_sets_the_first_password_once_and_then_sign_in_works(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    created = await client.post(
        "/api/v1/users",
        json={
            "email": "ny.medforsker@example.no",
            "full_name": "Ny Medforsker Ærlig",
            "role": "co_researcher",
        },
        headers=world.people["admin"].headers,
    )
    token = created.json()["invite_token"]
    page = f"/portal/invite?token={token}"
    async with browser(app) as portal:
        differ = await submit(
            portal, page, "/portal/invite", {"token": token, "password": NEW_PASSWORD, "repeat": "x"}
        )
        assert differ.status_code == 400 and 'id="repeat-error"' in differ.text
        fields = {"token": token, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        accepted = await submit(portal, page, "/portal/invite", fields)
        assert accepted.status_code == 303 and accepted.headers["location"] == "/portal/login?done=welcome"
        again = await submit(portal, page, "/portal/invite", fields)
        assert again.status_code == 400 and "Invitasjonslenken virker ikke." in again.text
        await portal_sign_in(portal, "ny.medforsker@example.no", NEW_PASSWORD)
        home = await portal.get("/portal/")
    assert "Hei, Ny Medforsker Ærlig" in home.text


async def test_portal_and_api_share_one_sign_in_throttle(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    email = world.people["co_researcher"].email
    async with browser(app) as portal:
        for _ in range(5):
            wrong = await submit(
                portal, "/portal/login", "/portal/login", {"email": email, "password": "feil-passord"}
            )
            assert wrong.status_code == 400
        locked = await submit(
            portal, "/portal/login", "/portal/login", {"email": email, "password": PASSWORD}
        )
    assert locked.status_code == 429 and "For mange forsøk." in locked.text
    api = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert api.status_code == 429
