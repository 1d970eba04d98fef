"""The portal over HTTP for a co-researcher with data: every page renders in both languages
within budget, and each form changes what it says through the domain services."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import httpx
import pytest
from litestar import Litestar

from coresearch.domain.involvement.tables import EvaluationAnswer
from tests.conftest import World
from tests.portal_helpers import browser, csrf_token, portal_sign_in, submit
from tests.portal_world import PortalData, build, session_for
from tests.test_claims import claim, move
from tests.test_time_entries import entry, post

PAGE_BUDGET = 60 * 1024


@pytest.fixture
async def data(client: httpx.AsyncClient, world: World) -> PortalData:
    return await build(client, world)


def pages(data: PortalData) -> list[str]:
    """Every page a co-researcher opens."""
    return [
        "/portal/",
        "/portal/tasks",
        "/portal/meetings",
        f"/portal/meetings/{data.meeting_id}",
        "/portal/payments",
        "/portal/impact",
        "/portal/agreements",
        f"/portal/agreements/{data.waiting_agreement_id}",
        "/portal/consent",
        "/portal/evaluation",
        f"/portal/evaluation/{data.round_id}",
        "/portal/my-data",
        "/portal/password",
        "/portal/notifications",
        "/portal/notifications/settings",
    ]


def one_h1(html: str) -> str:
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(headings) == 1, headings
    return headings[0]


async def test_sign_in_leads_to_the_home_page(client: httpx.AsyncClient, app: Litestar, world: World) -> None:
    async with browser(app) as portal:
        await portal_sign_in(portal, world.people["co_researcher"].email)
        home = await portal.get("/portal/")
    assert home.status_code == 200, home.text
    assert one_h1(home.text) == "Hei, co_researcher"


async def test_a_wrong_password_shows_the_form_again_with_the_error_tied_to_the_field(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    async with browser(app) as portal:
        response = await submit(
            portal,
            "/portal/login",
            "/portal/login",
            {"email": world.people["co_researcher"].email, "password": "feil"},
        )
    assert response.status_code == 400
    assert 'aria-describedby="password-error"' in response.text and 'aria-invalid="true"' in response.text
    assert "E-postadressen eller passordet er feil." in response.text
    assert "portal_session" not in response.headers.get("set-cookie", "")


async def test_every_page_renders_for_a_co_researcher_with_data_in_both_languages(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        for language in ("nb", "en"):
            for page in pages(data):
                response = await portal.get(page, params={"lang": language})
                assert response.status_code == 200, (page, response.text)
                html = response.text
                assert f'<html lang="{language}">' in html, page
                one_h1(html)
                assert len(response.content) < PAGE_BUDGET, (page, len(response.content))
                assert response.headers["content-security-policy"].startswith("default-src 'self'")
                assert response.headers["cache-control"] == "no-store"
                assert "<main" in html and "<nav" in html and "<header" in html and "<footer" in html
                assert "style=" not in html and "<script" not in html, page


async def test_the_home_page_shows_the_next_meeting_open_tasks_latest_payment_and_the_aap_warning(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        home = (await portal.get("/portal/")).text
    assert "Møte i referansegruppa om funnene" in home
    assert "Les utkastet til artikkelen" in home
    assert "kr\u00a01\u00a0430,00" in home  # 142.50 + 532.50 + 355.00 + 400.00
    assert "Kontrollert, venter på godkjenning" in home
    assert 'aria-current="page"' in home


async def test_the_payments_page_shows_lines_and_hours_per_period_for_aap(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        page = (await portal.get("/portal/payments")).text
    assert "1. mars 2026 til 31. mars 2026" in page
    assert "kr\u00a0532,50" in page and "kr\u00a0142,50" in page
    assert "Timer per 14-dagersperiode (AAP)" in page
    assert "Leste gjennom intervjuguiden og skrev kommentarer." in page  # what the line was
    assert "Buss Åsane–sentrum tur/retur" in page


async def test_marking_a_task_in_progress_then_done(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    co = world.people["co_researcher"]
    async with browser(app) as portal:
        await session_for(portal, co.id)
        action = f"/portal/tasks/{data.task_id}/status"
        started = await submit(portal, "/portal/tasks", action, {"status": "in_progress"})
        assert started.status_code == 303
        done = await submit(portal, "/portal/tasks", action, {"status": "done"})
        assert done.status_code == 303
        page = (await portal.get(done.headers["location"])).text
    assert "Oppgaven er oppdatert." in page
    task = await client.get(f"/api/v1/tasks/{data.task_id}", headers=co.headers)
    assert task.json()["status"] == "done"


async def test_a_meeting_page_lists_its_papers_which_download_with_the_visibility_rule(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        page = (await portal.get(f"/portal/meetings/{data.meeting_id}")).text
        paper = await portal.get(f"/portal/documents/{data.paper_id}")
    assert "Sakspapirer: funn fra intervjuene" in page and "Møterom Fløyen, Haukeland" in page
    assert "2\u00a0t" in page and "15\u00a0min pause til sammen" in page
    assert paper.status_code == 200 and paper.content.startswith(b"%PDF")
    assert paper.headers["content-disposition"].startswith("attachment")


async def test_accepting_an_agreement_records_it_and_shows_the_accepted_version(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    page = f"/portal/agreements/{data.waiting_agreement_id}"
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        accepted = await submit(portal, page, f"{page}/accept", {})
        assert accepted.status_code == 303
        shown = (await portal.get(accepted.headers["location"])).text
    assert "Takk. Du har godtatt avtalen." in shown and "Versjon 1, godtatt" in shown
    assert "Jeg godtar avtalen" not in shown
    agreement = await client.get(
        f"/api/v1/agreements/{data.waiting_agreement_id}", headers=world.people["co_researcher"].headers
    )
    assert agreement.json()["status"] == "active"


async def test_an_agreement_changed_after_it_was_read_is_not_accepted_unseen(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    page = f"/portal/agreements/{data.waiting_agreement_id}"
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        opened = await portal.get(page)
        changed = await client.patch(
            f"/api/v1/agreements/{data.waiting_agreement_id}",
            json={"mandate": "Endret etter at medforskeren leste."},
            headers=world.people["lead"].headers,
        )
        assert changed.status_code == 200, changed.text
        revision = re.search(r'name="revision" value="(\d+)"', opened.text)
        assert revision is not None
        stale = await portal.post(
            f"{page}/accept", data={"_csrf_token": csrf_token(opened.text), "revision": revision.group(1)}
        )
    assert stale.status_code == 409 and "<h1>Noe gikk galt</h1>" in stale.text


async def test_consent_is_withdrawn_and_given_with_history(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    co = world.people["co_researcher"]
    async with browser(app) as portal:
        await session_for(portal, co.id)
        withdrawn = await submit(
            portal, "/portal/consent", "/portal/consent/name_in_reports", {"granted": "false"}
        )
        assert withdrawn.status_code == 303
        given = await submit(
            portal, "/portal/consent", "/portal/consent/name_in_publications", {"granted": "true"}
        )
        assert given.status_code == 303
        page = (await portal.get("/portal/consent")).text
    assert "Navnet ditt kan stå i rapporter til dem som betaler for prosjektet." in page
    assert page.count("Navn i rapporter – ") == 2  # given in the world, withdrawn here
    assert "Du trakk tilbake samtykket" in page and "Du har sagt ja." in page
    states = (await client.get(f"/api/v1/coresearchers/{co.id}/consents", headers=co.headers)).json()[
        "scopes"
    ]
    granted = {state["scope"]: state["granted"] for state in states}
    assert granted["name_in_reports"] is False and granted["name_in_publications"] is True


async def test_an_evaluation_is_answered_once_with_the_promise_of_anonymity(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    page = f"/portal/evaluation/{data.round_id}"
    answers = {"voice": "4", "contribute": "5", "agenda": "3", "change": "4", "comment": "Godt møte, æøå"}
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        form = (await portal.get(page)).text
        assert "Svarene dine er anonyme." in form and "Følte du at noen lyttet til deg?" in form
        missing = await portal.post(page, data={"_csrf_token": csrf_token(form), "voice": "4"})
        assert missing.status_code == 400 and 'id="agenda-error"' in missing.text
        sent = await portal.post(page, data={"_csrf_token": csrf_token(form), **answers})
        assert sent.status_code == 303 and sent.headers["location"] == "/portal/evaluation?thanks=1#notice"
        again = await portal.post(page, data={"_csrf_token": csrf_token(form), **answers})
        after = (await portal.get(page)).text
    assert again.status_code == 303
    assert "Du kan ikke svare på denne evalueringen nå." in after
    assert await EvaluationAnswer.count() == 1


async def test_my_data_changes_keep_norwegian_letters_and_the_export_downloads(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    co = world.people["co_researcher"]
    fields = {
        "phone": "+47 912 34 567",
        "organisation": "Brukerrådet i Ålesund og Æsøy",
        "notes": "Trenger pauser, ønsker ståbord",
        "breaks": "on",
    }
    async with browser(app) as portal:
        await session_for(portal, co.id)
        saved = await submit(portal, "/portal/my-data", "/portal/my-data", fields)
        assert saved.status_code == 303
        page = (await portal.get("/portal/my-data")).text
        export = await portal.get("/portal/my-data/export")
    assert "Brukerrådet i Ålesund og Æsøy" in page and "Trenger pauser, ønsker ståbord" in page
    assert 'id="breaks" name="breaks" checked' in page
    profile = (await client.get(f"/api/v1/coresearchers/{co.id}", headers=co.headers)).json()
    assert profile["organisation"] == "Brukerrådet i Ålesund og Æsøy"
    assert profile["accessibility_needs"]["breaks"] is True
    assert export.status_code == 200 and export.headers["content-disposition"].startswith("attachment")
    assert json.loads(export.content)["profile"]["organisation"] == "Brukerrådet i Ålesund og Æsøy"


async def test_the_language_choice_is_remembered_and_dates_follow_it(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        chosen = await portal.get("/portal/payments?lang=en")
        assert "portal_lang=en" in chosen.headers["set-cookie"]
        later = (await portal.get("/portal/payments")).text
        back = (await portal.get("/portal/payments?lang=nb")).text
    assert '<html lang="en">' in later and "1 March 2026 to 31 March 2026" in later
    assert '<a class="language" href="/portal/payments?lang=nb" hreflang="nb" lang="nb">' in later
    assert '<html lang="nb">' in back and "1. mars 2026" in back


async def test_switching_language_keeps_the_invite_link_working(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    async with browser(app) as portal:
        page = (await portal.get("/portal/invite?token=abcdefghijklmnop")).text
    assert 'href="/portal/invite?token=abcdefghijklmnop&amp;lang=en"' in page


async def test_staff_get_a_short_page_pointing_to_the_api(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["lead"].id)
        home = (await portal.get("/portal/")).text
    assert "Disse sidene er laget for medforskere." in home


async def test_the_root_opens_the_portal_and_pages_need_a_session(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    async with browser(app) as portal:
        root = await portal.get("/")
        page = await portal.get("/portal/tasks")
        login = await portal.get("/portal/login")
        unknown = await portal.get("/portal/finnes/ikke")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert root.status_code == 302 and root.headers["location"] == "/portal/"
    assert page.status_code == 303 and page.headers["location"] == "/portal/login"
    assert login.status_code == 200 and one_h1(login.text) == "Logg inn"


async def test_a_field_the_profile_refuses_is_named_next_to_it(
    client: httpx.AsyncClient, app: Litestar, world: World
) -> None:
    async with browser(app) as portal:
        await session_for(portal, world.people["co_researcher"].id)
        refused = await submit(portal, "/portal/my-data", "/portal/my-data", {"organisation": "Æ" * 5000})
    assert refused.status_code == 400
    assert 'aria-describedby="organisation-error"' in refused.text and 'href="#organisation"' in refused.text


async def test_the_home_page_warns_when_paid_hours_near_the_aap_limit(
    client: httpx.AsyncClient, app: Litestar, world: World, data: PortalData
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    today = datetime.now(UTC).date()  # the service's day is UTC
    for _ in range(3):  # 3 × 16 h approved today: over 0.6 × 75 h in the current period
        made = await post(
            client, lead, world, "time-entries", entry(world, worked_on=today.isoformat(), minutes=960)
        )
        assert made.status_code == 201, made.text
    claimed = await claim(
        client, world, key="aap", period_start=today.isoformat(), period_end=today.isoformat()
    )
    assert claimed.status_code == 201, claimed.text
    assert (await move(client, lead, claimed.json()["id"], "attest")).status_code == 200
    assert (
        await move(client, world.people["research_leader"], claimed.json()["id"], "approve")
    ).status_code == 200
    async with browser(app) as portal:
        await session_for(portal, co.id)
        home = (await portal.get("/portal/")).text
    assert "Du nærmer deg grensen for arbeid mens du får AAP" in home
    assert "Grensen er 45\u00a0t." in home
