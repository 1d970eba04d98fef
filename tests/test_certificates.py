"""The certificate of participation: the right hours, phases and training from a fixture whose
totals are known by hand, æøå in the PDF's text, who may have it, and a fixed number of queries."""

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import httpx
import pypdf
import pytest

from coresearch.demo import load_demo
from coresearch.domain.certificates.schemas import Language
from coresearch.domain.certificates.wording import day
from coresearch.lib import db
from coresearch.lib.records import today
from tests.conftest import Backend, Person, World, add_member, make_person, sign_in
from tests.test_agreements import act, active
from tests.test_demo import ASE_EMAIL
from tests.test_involvement import new_activity
from tests.test_time_entries import attend, entry, meeting, post
from tests.test_work import new_task

API = "/api/v1"
PERSON_NAME = "Åse Bjørnø Ærlig"
LEAD_NAME = "Kåre Løvås Grønnæs"
# Hand-computed: 90 + 47 by hand, 105 for the meeting attended (2 h less a 15-minute break),
# 4 x 120 for the four activities the person confirmed (entries made from activities) and 180 for
# the course this project paid (an entry made from training); 70 minutes of a meeting attended and
# then withdrawn, another co-researcher's 600 minutes in the project, the course with no project
# and the person's own 999 minutes in another project do not count.
EXPECTED_MINUTES = 90 + 47 + 105 + 4 * 120 + 180


def text_of(document: bytes) -> str:
    """The PDF's text with line breaks as spaces (sentences wrap across lines)."""
    reader = pypdf.PdfReader(io.BytesIO(document))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def url(world: World, person: str = "co_researcher", project: str | None = None, lang: str = "nb") -> str:
    project_id = project or world.project_id
    return f"{API}/projects/{project_id}/coresearchers/{world.people[person].id}/certificate?lang={lang}"


async def rename(client: httpx.AsyncClient, world: World, persona: str, name: str) -> None:
    response = await client.patch(
        f"{API}/users/{world.people[persona].id}",
        json={"full_name": name},
        headers=world.people["admin"].headers,
    )
    assert response.status_code == 200, response.text


async def train(client: httpx.AsyncClient, lead: Person, co: Person, **fields: object) -> None:
    response = await client.post(
        f"{API}/coresearchers/{co.id}/training",
        json={"completed_on": "2026-02-10", "minutes": 180, **fields},
        headers=lead.headers,
    )
    assert response.status_code == 201, response.text


async def other_project_work(client: httpx.AsyncClient, world: World) -> None:
    """The person also works in the outsider's project: 999 minutes and a course paid there."""
    outsider, co = world.people["outsider"], world.people["co_researcher"]
    other = world.other_project_id
    await add_member(client, outsider, other, co, "co_researcher")
    drafted = await client.post(
        f"{API}/projects/{other}/agreements",
        json={
            "coresearcher_id": co.id,
            "contact_person_id": outsider.id,
            "role_title": "Rådgiver",
            "phases": ["design"],
            "starts_on": "2026-01-01",
            "ends_on": "2099-12-31",
        },
        headers=outsider.headers,
    )
    assert drafted.status_code == 201, drafted.text
    await act(client, outsider, drafted.json()["id"], "send")
    await act(client, co, drafted.json()["id"], "accept")
    made = await client.post(
        f"{API}/projects/{other}/time-entries",
        json={**entry(world), "minutes": 999, "worked_on": "2026-03-10"},
        headers=outsider.headers,
    )
    assert made.status_code == 201, made.text
    await train(client, outsider, co, title="Kurs i det andre prosjektet", project_id=other)


async def known_totals(client: httpx.AsyncClient, world: World) -> Person:
    """The fixture: see EXPECTED_MINUTES; contributions in topic, design, data collection and
    analysis; two courses of this project or none. Returns the second co-researcher."""
    lead, co = world.people["lead"], world.people["co_researcher"]
    await rename(client, world, "co_researcher", PERSON_NAME)
    await rename(client, world, "lead", LEAD_NAME)
    await active(client, world, role_title="Medforsker og intervjuer", starts_on="2026-01-01")
    for worked_on, minutes in (("2026-03-10", 90), ("2026-03-11", 47)):
        made = await post(
            client, lead, world, "time-entries", entry(world, worked_on=worked_on, minutes=minutes)
        )
        assert made.status_code == 201, made.text
    attended = await meeting(
        client,
        world,
        phase="design",
        starts_at="2026-03-12T10:00:00+00:00",
        ends_at="2026-03-12T12:00:00+00:00",
        break_minutes=15,
    )
    await attend(client, world, attended, "in_person")
    withdrawn = await meeting(
        client,
        world,
        phase="topic",
        starts_at="2026-03-13T10:00:00+00:00",
        ends_at="2026-03-13T11:10:00+00:00",
        break_minutes=0,
    )
    await attend(client, world, withdrawn, "remote")
    await attend(client, world, withdrawn, None)
    second = await make_person(client, "co_researcher", "Andre Medforsker")
    await add_member(client, lead, world.project_id, second, "co_researcher")
    agreement = await client.post(
        f"{API}/projects/{world.project_id}/agreements",
        json={
            "coresearcher_id": second.id,
            "contact_person_id": lead.id,
            "role_title": "Medforsker",
            "phases": ["analysis"],
            "starts_on": "2026-01-01",
            "ends_on": "2099-12-31",
        },
        headers=lead.headers,
    )
    assert agreement.status_code == 201, agreement.text
    await act(client, lead, agreement.json()["id"], "send")
    await act(client, second, agreement.json()["id"], "accept")
    theirs = await post(
        client, lead, world, "time-entries", entry(world, coresearcher_id=second.id, minutes=600)
    )
    assert theirs.status_code == 201, theirs.text
    project = world.project_id
    await new_activity(client, lead, project, [co], phase="topic", kind="workshop")
    await new_activity(client, lead, project, [co, second], phase="topic", kind="interview")
    await new_activity(client, lead, project, [co], phase="data_collection", kind="interview")
    await new_activity(client, lead, project, [co], phase="data_collection", kind="interview")
    await new_activity(client, lead, project, [second], phase="dissemination", kind="presentation")
    done = await new_task(client, lead, project, phase="analysis", assignee_ids=[co.id])
    changed = await client.patch(f"{API}/tasks/{done['id']}", json={"status": "done"}, headers=lead.headers)
    assert changed.status_code == 200, changed.text
    await new_task(client, lead, project, phase="dissemination", assignee_ids=[co.id])
    await train(
        client, lead, co, title="Innføring i medforskning", project_id=project, provider="Forskerskolen"
    )
    await train(client, lead, co, title="Intervjuteknikk for brukere", minutes=150, completed_on="2026-03-01")
    await other_project_work(client, world)
    return second


async def certificate(client: httpx.AsyncClient, world: World, person: str, **kwargs: str) -> httpx.Response:
    return await client.get(url(world, **kwargs), headers=world.people[person].headers)


async def test_the_certificate_carries_the_hand_counted_hours_phases_and_training(
    client: httpx.AsyncClient, world: World
) -> None:
    await known_totals(client, world)
    response = await certificate(client, world, "co_researcher")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = text_of(response.content)
    assert "ATTEST FOR DELTAKELSE I FORSKNING" in text
    assert (
        f"{PERSON_NAME} har deltatt som medforsker i forskningsprosjektet «Brukerstemmer i psykisk helse»"
        in text
    )
    assert "Helse Vest (prosjektnummer HV-2026-042)" in text
    assert "Medforsker og intervjuer" in text
    assert "fra 1. januar 2026 (pågår)" in text
    # 902 minutes: exact, not rounded to the half hour the rate rules pay.
    assert "Timer i alt 15 timer og 2 minutter" in text
    assert f"{PERSON_NAME} har registrert 15 timer og 2 minutter arbeid i prosjektet." in text
    # Phases in research order: topic (a workshop and an interview; the withdrawn meeting is not
    # counted), design (the meeting attended), data collection (two interviews), analysis (the
    # done task). Dissemination holds only an open task and someone else's presentation.
    assert "Valg av tema og forskningsspørsmål verksted (1), intervju (1) – –" in text
    assert "Utforming av studien – 1 –" in text
    assert "Datainnsamling intervju (2) – –" in text
    assert "Analyse – – 1" in text
    assert "Formidling" not in text and "presentasjon" not in text
    assert "Innføring i medforskning 10. februar 2026 3 timer Forskerskolen" in text
    assert "Intervjuteknikk for brukere 1. mars 2026 2 timer og 30 minutter" in text
    assert "Kurs i det andre prosjektet" not in text
    assert f"Bekreftet av {LEAD_NAME}, prosjektleder" in text
    assert "Andre Medforsker" not in text


async def test_in_english_and_confirmed_by_the_lead_who_downloads_it(
    client: httpx.AsyncClient, world: World
) -> None:
    await known_totals(client, world)
    response = await certificate(client, world, "lead", lang="en")
    assert response.status_code == 200, response.text
    text = text_of(response.content)
    assert "CERTIFICATE OF PARTICIPATION IN RESEARCH" in text
    assert f"{PERSON_NAME} has taken part as a co-researcher in the research project" in text
    assert "Total hours 15 hours and 2 minutes" in text
    assert "Choosing the topic and research question workshop (1), interview (1)" in text
    assert "since 1 January 2026 (ongoing)" in text
    assert f"Confirmed by {LEAD_NAME}, project lead" in text
    disposition = response.headers["content-disposition"]
    assert f"filename*=UTF-8''{quote(f'Certificate {PERSON_NAME}.pdf', safe='')}" in disposition
    assert 'filename="Certificate _se Bj_rn_ _rlig.pdf"' in disposition


async def test_the_period_ends_when_the_agreement_was_terminated(
    client: httpx.AsyncClient, world: World
) -> None:
    agreement = await active(client, world, starts_on="2026-02-01", ends_on="2099-12-31")
    await act(client, world.people["lead"], agreement["id"], "terminate", reason="Prosjektet avsluttet")
    text = text_of((await certificate(client, world, "co_researcher")).content)
    assert f"fra 1. februar 2026 til {day(Language.nb, today())}." in text
    assert "Timer i alt 0 timer" in text
    assert "Det er ikke registrert arbeidstid i prosjektet ennå." in text
    assert "Ingen bidrag er registrert ennå." in text
    assert "Ingen opplæring er registrert." in text


async def test_a_name_with_typst_markup_is_printed_as_written(
    client: httpx.AsyncClient, world: World
) -> None:
    await rename(client, world, "co_researcher", '#panic("x") *Ørn* ]')
    response = await certificate(client, world, "co_researcher")
    assert response.status_code == 200, response.text
    assert '#panic("x") *Ørn* ]' in text_of(response.content)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("co_researcher", 200),
        ("lead", 200),
        ("researcher", 403),
        ("admin", 403),
        ("research_leader", 403),
        ("other_co_researcher", 404),
        ("outsider", 404),
    ],
)
async def test_only_the_person_and_the_projects_leads_get_it(
    client: httpx.AsyncClient, world: World, persona: str, status: int
) -> None:
    response = await certificate(client, world, persona)
    assert response.status_code == status, response.text
    if status >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_project_the_person_is_not_in_answers_404(client: httpx.AsyncClient, world: World) -> None:
    other = world.other_project_id
    assert (await certificate(client, world, "co_researcher", project=other)).status_code == 404
    # The outsider leads the other project, where this person is not a member.
    assert (await certificate(client, world, "outsider", project=other)).status_code == 404
    # The lead of this project asking about a co-researcher of another project.
    response = await client.get(url(world, "other_co_researcher"), headers=world.people["lead"].headers)
    assert response.status_code == 404


async def test_a_withdrawn_coresearcher_is_no_longer_certified_through_the_project(
    client: httpx.AsyncClient, world: World
) -> None:
    co = world.people["co_researcher"]
    left = await client.post(
        f"{API}/projects/{world.project_id}/coresearchers/{co.id}/withdraw", headers=co.headers
    )
    assert left.status_code == 200, left.text
    assert (await certificate(client, world, "co_researcher")).status_code == 404
    assert (await certificate(client, world, "lead")).status_code == 404


async def test_an_unknown_language_is_a_400(client: httpx.AsyncClient, world: World) -> None:
    response = await certificate(client, world, "co_researcher", lang="de")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_issuing_is_audited(client: httpx.AsyncClient, world: World) -> None:
    await known_totals(client, world)
    assert (await certificate(client, world, "lead", lang="en")).status_code == 200
    response = await client.get(
        f"{API}/audit",
        params={"entity": "coresearcher", "entity_id": world.people["co_researcher"].id},
        headers=world.people["admin"].headers,
    )
    assert response.status_code == 200, response.text
    [row] = [item for item in response.json()["items"] if item["action"] == "certificate.issue"]
    assert row["actor_id"] == world.people["lead"].id
    assert row["entity_id"] == world.people["co_researcher"].id
    assert row["changes"]["project_id"]["after"] == world.project_id
    assert row["changes"]["lang"]["after"] == "en"
    assert row["changes"]["minutes"]["after"] == EXPECTED_MINUTES


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Every statement the engine runs while inside the block."""
    engine_class = type(db.current_engine())
    seen: list[str] = []
    original = engine_class.run_querystring

    async def counting(self, querystring, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counting  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        engine_class.run_querystring = original  # type: ignore[method-assign]


async def test_a_fixed_number_of_queries_whatever_the_history(
    client: httpx.AsyncClient, world: World
) -> None:
    await active(client, world)
    lead, co = world.people["lead"], world.people["co_researcher"]
    with counted_queries() as small:
        assert (await certificate(client, world, "co_researcher")).status_code == 200
    await known_totals(client, world)
    for n in range(5):
        await new_activity(client, lead, world.project_id, [co], phase="analysis", kind="other")
        await train(client, lead, co, title=f"Kurs {n}")
        made = await post(client, lead, world, "time-entries", entry(world, minutes=10 + n))
        assert made.status_code == 201, made.text
    with counted_queries() as large:
        assert (await certificate(client, world, "co_researcher")).status_code == 200
    assert len(small) == len(large) > 5, (small, large)


async def test_the_demo_coresearcher_has_hours_and_training_on_her_certificate(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    """Åse in `coresearch demo`: two meetings (3 h 30 and 2 h 45 after breaks) and 2 h, 1 h 30 and
    2 h 30 recorded by hand; two courses (3 h and 4 h); the activities she took part in that record
    no meeting (1 h 30, 2 h 30, 1 h 30 and 4 h). The workshop on the first meeting's day and the
    summing-up on the second's record those meetings, so their 3 h and 2 h are not paid twice.

    210 + 165 (meetings) + 120 + 90 + 150 (by hand) + 180 + 240 (courses) + 90 + 150 + 90 + 240
    (activities) = 1725 minutes = 28 h 45 min (33 h 45 before the link: + 180 + 120).
    """
    loaded = await load_demo(settings=backend.settings, force=True)
    passwords = {account.email: account.password for account in loaded.accounts}
    ase = await sign_in(client, ASE_EMAIL, passwords[ASE_EMAIL])
    me = (await client.get(f"{API}/auth/me", headers=ase)).json()
    response = await client.get(
        f"{API}/projects/{loaded.project_id}/coresearchers/{me['id']}/certificate", headers=ase
    )
    assert response.status_code == 200, response.text
    text = text_of(response.content)
    assert "Åse Bjørnstad har registrert 28 timer og 45 minutter arbeid i prosjektet." in text
    assert "Innføring i medforskning og forskningsetikk" in text and "Mental Helse" in text
    assert "Bekreftet av Ingrid Sæther, prosjektleder" in text
