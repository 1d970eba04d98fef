"""Funder reports: every figure of a small project whose totals are known by hand, consent naming,
the CSV and PDF, the lead's versioned text, the frozen copy, access, the portfolio, and a fixed
number of queries whatever the project's size."""

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime

import httpx
import pypdf
import pytest

from coresearch.domain.payments.tables import Claim, ClaimLine
from coresearch.lib import db
from tests.authz_payments import prepare as prepare_payments
from tests.conftest import Person, World, add_member, create_project, make_person

API = "/api/v1"
PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}
COMMENT = "Vi ble hørt – særlig på møtet på Ørland"


def url(world: World, suffix: str = "") -> str:
    return f"{API}/projects/{world.project_id}/reports/involvement{suffix}"


async def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def activity(client: httpx.AsyncClient, world: World, **fields: object) -> None:
    body = {"summary": "", "what_changed": "", "why_it_matters": "", **fields}
    await ok(
        await client.post(
            f"{API}/projects/{world.project_id}/activities", json=body, headers=world.people["lead"].headers
        ),
        201,
    )


async def backdate(claim_id: str, created: datetime) -> None:
    """Claims are made today; the report's days to payment need them made on known days."""
    await Claim.update({Claim.created_at: created}).where(Claim.id == uuid.UUID(claim_id))


async def paid_claim(
    client: httpx.AsyncClient,
    world: World,
    *,
    day: str,
    month: str,
    amount: int,
    created: datetime,
    paid_on: str | None,
) -> str:
    """An expense claim for `month`, attested and approved, and paid on `paid_on` (None: unpaid)."""
    lead, leader = world.people["lead"].headers, world.people["research_leader"].headers
    co = world.people["co_researcher"].id
    await ok(
        await client.post(
            f"{API}/projects/{world.project_id}/expenses",
            json={
                "coresearcher_id": co,
                "incurred_on": day,
                "kind": "travel",
                "amount_ore": amount,
                "description": "Reise",
            },
            headers=lead,
        ),
        201,
    )
    last = {"03": "31", "04": "30", "05": "31"}[month]
    claim = await ok(
        await client.post(
            f"{API}/projects/{world.project_id}/claims",
            json={
                "coresearcher_id": co,
                "period_start": f"2026-{month}-01",
                "period_end": f"2026-{month}-{last}",
            },
            headers={**lead, "Idempotency-Key": str(uuid.uuid4())},
        ),
        201,
    )
    await backdate(claim["id"], created)
    await ok(await client.post(f"{API}/claims/{claim['id']}/attest", headers=lead))
    await ok(await client.post(f"{API}/claims/{claim['id']}/approve", headers=leader))
    if paid_on:
        await ok(
            await client.post(
                f"{API}/claims/{claim['id']}/mark-paid",
                json={"paid_on": paid_on, "reference": "Bilag 1"},
                headers=leader,
            )
        )
    return str(claim["id"])


@pytest.fixture
async def reported(client: httpx.AsyncClient, world: World) -> dict[str, Person]:
    """The world's project with three co-researchers and a period whose every figure is known."""
    lead = world.people["lead"]
    co1 = world.people["co_researcher"]
    co2 = await make_person(client, "co_researcher", "Bjørn Hågensen")
    co3 = await make_person(client, "co_researcher", "Cecilie Ås")
    for person in (co2, co3):
        await add_member(client, lead, world.project_id, person, "co_researcher")
    await ok(
        await client.patch(
            f"{API}/users/{co1.id}", json={"full_name": "Åse Ødegård"}, headers=world.people["admin"].headers
        )
    )
    await ok(
        await client.patch(
            f"{API}/coresearchers/{co1.id}",
            json={"organisation": "Mental Helse Tromsø", "experience_kind": "own"},
            headers=co1.headers,
        )
    )
    for person, scopes in (
        (co1, ("name_in_reports", "organisation_in_reports")),
        (co3, ("name_in_reports",)),
    ):
        for scope in scopes:
            await ok(
                await client.put(
                    f"{API}/coresearchers/{person.id}/consents/{scope}",
                    json={"granted": True},
                    headers=person.headers,
                )
            )
    project = f"{API}/projects/{world.project_id}"
    await ok(await client.patch(project, json={"involvement_budget_ore": 5_000_000}, headers=lead.headers))
    await ok(
        await client.patch(
            f"{project}/phases/design",
            json={"planned_level": "collaborate", "notes": "Medforskerne utformer intervjuguiden."},
            headers=lead.headers,
        )
    )
    await ok(
        await client.patch(
            f"{project}/phases/analysis", json={"planned_level": "involve"}, headers=lead.headers
        )
    )
    await activity(
        client,
        world,
        phase="design",
        kind="workshop",
        level="collaborate",
        occurred_on="2026-03-10",
        minutes=120,
        participant_ids=[co1.id, co2.id],
        what_changed="Intervjuguiden fikk spørsmål om pårørende",
        why_it_matters="Pårørendes erfaringer kommer med i studien",
    )
    await activity(
        client,
        world,
        phase="design",
        kind="meeting",
        level="consult",
        occurred_on="2026-03-20",
        minutes=60,
        participant_ids=[co1.id],
    )
    await activity(
        client,
        world,
        phase="analysis",
        kind="analysis_session",
        level="involve",
        occurred_on="2026-04-05",
        minutes=90,
        participant_ids=[co3.id],
    )
    await activity(  # before the period: counted nowhere
        client,
        world,
        phase="topic",
        kind="meeting",
        level="lead",
        occurred_on="2025-12-15",
        minutes=45,
        participant_ids=[co1.id, co2.id, co3.id],
        what_changed="Utenfor perioden",
    )
    for due_on, done in (("2026-04-01", True), ("2025-11-01", True), ("2026-05-01", False)):
        task = await ok(
            await client.post(
                f"{project}/tasks",
                json={"title": "Les utkast", "phase": "design", "due_on": due_on},
                headers=lead.headers,
            ),
            201,
        )
        if done:
            await ok(
                await client.patch(f"{API}/tasks/{task['id']}", json={"status": "done"}, headers=lead.headers)
            )
    await ok(
        await client.post(
            f"{API}/coresearchers/{co1.id}/training",
            json={
                "title": "Kurs i brukermedvirkning",
                "completed_on": "2026-05-02",
                "minutes": 180,
                "project_id": world.project_id,
            },
            headers=lead.headers,
        ),
        201,
    )
    await prepare_payments(client, world)  # an active agreement and a submitted March claim of 50 kr
    leader = world.people["research_leader"].headers
    first = (await ok(await client.get(f"{API}/me/payments", headers=co1.headers)))["items"][0]["id"]
    # The days to payment count from the UTC date of submission: 14 and 20 days.
    await backdate(first, datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    await ok(await client.post(f"{API}/claims/{first}/attest", headers=lead.headers))
    await ok(await client.post(f"{API}/claims/{first}/approve", headers=leader))
    await ok(
        await client.post(
            f"{API}/claims/{first}/mark-paid",
            json={"paid_on": "2026-03-15", "reference": "B1"},
            headers=leader,
        )
    )
    second = await paid_claim(
        client,
        world,
        day="2026-04-10",
        month="04",
        amount=7_500,
        created=datetime(2026, 4, 1, 0, 30, tzinfo=UTC),
        paid_on="2026-04-21",
    )
    await paid_claim(
        client,
        world,
        day="2026-05-10",
        month="05",
        amount=1_000,
        created=datetime(2026, 5, 12, tzinfo=UTC),
        paid_on=None,
    )
    # An expense names no phase; the April line is counted in the design phase for the budget.
    await ClaimLine.update({ClaimLine.phase: "design"}).where(ClaimLine.claim == uuid.UUID(second))
    await ok(
        await client.patch(f"{project}/phases/design", json={"budget_ore": 2_000_000}, headers=lead.headers)
    )
    await ok(
        await client.post(
            f"{project}/time-entries",
            json={
                "coresearcher_id": co1.id,
                "worked_on": "2026-06-10",
                "minutes": 60,
                "description": "Lesing",
            },
            headers=lead.headers,
        ),
        201,
    )
    shown = await ok(
        await client.post(
            f"{project}/evaluation-rounds", json={"title": "Etter verkstedet"}, headers=lead.headers
        ),
        201,
    )
    scores = [(co1, 4, 5, 3, 2, COMMENT), (co2, 5, 5, 4, 3, None), (co3, 3, 5, 2, 4, "")]
    for person, voice, contribute, agenda, change, comment in scores:
        body = {"voice": voice, "contribute": contribute, "agenda": agenda, "change": change}
        if comment is not None:
            body["comment"] = comment
        await ok(
            await client.post(
                f"{API}/evaluation-rounds/{shown['id']}/answers", json=body, headers=person.headers
            ),
            201,
        )
    await ok(await client.post(f"{API}/evaluation-rounds/{shown['id']}/close", headers=lead.headers))
    hidden = await ok(
        await client.post(
            f"{project}/evaluation-rounds", json={"title": "For få svar"}, headers=lead.headers
        ),
        201,
    )
    body = {"voice": 1, "contribute": 1, "agenda": 1, "change": 1, "comment": "Skjult kommentar"}
    await ok(
        await client.post(f"{API}/evaluation-rounds/{hidden['id']}/answers", json=body, headers=co1.headers),
        201,
    )
    await ok(await client.post(f"{API}/evaluation-rounds/{hidden['id']}/close", headers=lead.headers))
    return {"co1": co1, "co2": co2, "co3": co3}


async def report(client: httpx.AsyncClient, world: World, person: str = "lead", **params: str) -> dict:
    response = await client.get(url(world), params={**PERIOD, **params}, headers=world.people[person].headers)
    return await ok(response)


async def test_every_figure_matches_the_records(
    client: httpx.AsyncClient, world: World, reported: dict
) -> None:
    got = await report(client, world)
    assert got["schema_version"] == 1
    assert got["period"] == PERIOD
    assert got["project"]["title"] == "Brukerstemmer i psykisk helse"
    phases = {p["phase"]: p for p in got["phases"]}
    assert list(phases) == ["topic", "design", "informants", "data_collection", "analysis", "dissemination"]
    design, analysis, topic = phases["design"], phases["analysis"], phases["topic"]
    assert (design["activities"], design["coresearchers"], design["minutes"]) == (2, 2, 180)
    assert design["levels"] == {"inform": 0, "consult": 1, "involve": 0, "collaborate": 1, "lead": 0}
    assert design["kinds"]["workshop"] == 1 and design["kinds"]["meeting"] == 1
    assert (design["planned_level"], design["actual_level"], design["tasks_done"]) == (
        "collaborate",
        "collaborate",
        1,
    )
    assert (analysis["activities"], analysis["coresearchers"], analysis["minutes"]) == (1, 1, 90)
    assert (analysis["planned_level"], analysis["actual_level"]) == ("involve", "involve")
    assert (topic["activities"], topic["actual_level"], topic["planned_level"]) == (0, None, None)
    totals = got["totals"]
    assert (totals["activities"], totals["coresearchers"], totals["minutes"], totals["tasks_done"]) == (
        3,
        3,
        270,
        1,
    )
    assert (totals["time_entries"], totals["time_minutes"]) == (1, 60)
    assert got["training"] == {"courses": 1, "people": 1, "minutes": 180}
    assert got["payments"] == {"claims_paid": 2, "paid_ore": 12_500, "median_days_to_payment": 17.0}
    assert got["budget"] == {
        "budget_ore": 5_000_000,
        "phases_budget_ore": 2_000_000,
        "approved_ore": 13_500,
        "paid_ore": 12_500,
        "unphased_approved_ore": 6_000,
        "unphased_paid_ore": 5_000,
    }
    assert (design["budget_ore"], design["approved_ore"], design["paid_ore"]) == (2_000_000, 7_500, 7_500)
    assert (analysis["budget_ore"], analysis["approved_ore"], analysis["paid_ore"]) == (None, 0, 0)
    assert got["evaluations"] == [
        {
            "title": "Etter verkstedet",
            "opened_on": got["evaluations"][0]["opened_on"],
            "answers": 3,
            "voice": 4.0,
            "contribute": 5.0,
            "agenda": 3.0,
            "change": 3.0,
        }
    ]
    assert got["evaluations_withheld"] == 1
    assert got["comments"] == [COMMENT]  # never the withheld round's comment
    assert got["impact_total"] == 1
    assert got["impact"] == [
        {
            "occurred_on": "2026-03-10",
            "phase": "design",
            "kind": "workshop",
            "what_changed": "Intervjuguiden fikk spørsmål om pårørende",
            "why_it_matters": "Pårørendes erfaringer kommer med i studien",
        }
    ]
    assert got["people"] == {
        "involved": 3,
        "unnamed": 1,
        "named": [
            {"name": "Cecilie Ås", "organisation": None, "experience_kind": None},
            {"name": "Åse Ødegård", "organisation": "Mental Helse Tromsø", "experience_kind": None},
        ],
    }
    sections = {s["key"]: s for s in got["sections"]}
    assert list(sections) == ["aim", "methods", "results", "influence", "reflections"]
    assert "Medforskerne utformer intervjuguiden." in sections["aim"]["text"]
    assert "3 aktiviteter" in sections["methods"]["text"]
    assert not any(s["edited"] for s in got["sections"]) and got["text_version"] is None
    english = await report(client, world, lang="en")
    assert english["sections"][0]["heading"] == "1. Aim of involvement"


async def test_consent_changes_the_naming_at_once(
    client: httpx.AsyncClient, world: World, reported: dict
) -> None:
    co3 = reported["co3"]
    await ok(
        await client.put(
            f"{API}/coresearchers/{co3.id}/consents/name_in_reports",
            json={"granted": False},
            headers=co3.headers,
        )
    )
    people = (await report(client, world))["people"]
    assert [p["name"] for p in people["named"]] == ["Åse Ødegård"]
    assert people["unnamed"] == 2
    pdf_text = text_of(await pdf_of(client, world))
    assert "Cecilie" not in pdf_text and "Bjørn" not in pdf_text


async def pdf_of(client: httpx.AsyncClient, world: World, **params: str) -> bytes:
    response = await client.get(
        url(world), params={**PERIOD, "format": "pdf", **params}, headers=world.people["lead"].headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


def text_of(document: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(document))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u00ad\n", "").replace("\u00ad", "")


async def test_pdf_holds_headings_figures_and_norwegian_letters(
    client: httpx.AsyncClient, world: World, reported: dict
) -> None:
    document = await pdf_of(client, world)
    assert document.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(document))
    assert len(reader.pages) >= 2
    text = " ".join(text_of(document).split())
    for expected in (
        "Brukerstemmer i psykisk helse",
        "1. Mål med medvirkningen",
        "5. Kritisk refleksjon",
        "Tall for perioden per fase",
        "Åse Ødegård",
        "Mental Helse Tromsø",
        "kr 125,00",
        "17,0",
        COMMENT,
        "1 / ",
    ):
        assert expected in text, expected
    assert "Skjult kommentar" not in text
    english = " ".join(text_of(await pdf_of(client, world, lang="en")).split())
    assert "1. Aim of involvement" in english and "NOK 125.00" in english


async def test_csv_round_trips(client: httpx.AsyncClient, world: World, reported: dict) -> None:
    response = await client.get(
        url(world), params={**PERIOD, "format": "csv"}, headers=world.people["lead"].headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in rows:
        if not row:
            continue
        if len(row) == 1:
            current = tables.setdefault(row[0], [])
            continue
        current.append(row)
    phases = {row[0]: row for row in tables["Tall for perioden per fase (GRIPP2-LF 4c)"][1:]}
    assert phases["Design"][4:7] == ["2", "2", "3,0"]
    assert phases["Sum"][4:7] == ["3", "3", "4,5"]
    assert tables["Utbetalinger"][1] == ["2", "125,00", "17,0"]
    assert ["Åse Ødegård", "Mental Helse Tromsø", ""] in tables["Medforskere som deltok"]
    impact = tables["Hva endret seg"][1]
    assert impact[2] == "Intervjuguiden fikk spørsmål om pårørende"


async def test_saved_text_is_versioned_and_used(
    client: httpx.AsyncClient, world: World, reported: dict
) -> None:
    lead = world.people["lead"]
    first = await ok(
        await client.put(
            url(world, "/text"),
            params=PERIOD,
            json={"aim": "Vårt mål: bedre tjenester."},
            headers=lead.headers,
        )
    )
    assert (first["version"], first["saved_by"]) == (1, lead.id)
    second = await ok(
        await client.put(
            url(world, "/text"),
            params=PERIOD,
            json={"aim": "Andre utkast.", "reflections": "Det gikk godt."},
            headers=world.people["research_leader"].headers,
        )
    )
    assert second["version"] == 2
    got = await report(client, world)
    sections = {s["key"]: s for s in got["sections"]}
    assert got["text_version"] == 2
    assert sections["aim"]["text"] == "Andre utkast." and sections["aim"]["edited"]
    assert "Medforskerne utformer intervjuguiden." in sections["aim"]["drafted"]
    assert not sections["methods"]["edited"] and sections["methods"]["text"] == sections["methods"]["drafted"]
    other_period = await report(client, world, **{"from": "2026-01-01", "to": "2026-06-30"})
    assert other_period["text_version"] is None
    refused = await client.put(
        url(world, "/text"), params=PERIOD, json={"aim": "x"}, headers=world.people["researcher"].headers
    )
    assert refused.status_code == 403


async def test_a_frozen_report_never_changes(client: httpx.AsyncClient, world: World, reported: dict) -> None:
    lead = world.people["lead"]
    frozen = await ok(await client.post(url(world, "/freeze"), params=PERIOD, headers=lead.headers), 201)
    assert (frozen["kind"], frozen["content_type"], frozen["visibility"]) == (
        "report",
        "application/pdf",
        "private",
    )
    content = f"{API}/documents/{frozen['id']}/content"
    before = (await client.get(content, headers=lead.headers)).content
    assert "Åse Ødegård" in text_of(before)
    await activity(
        client,
        world,
        phase="design",
        kind="workshop",
        level="lead",
        occurred_on="2026-06-01",
        minutes=600,
        participant_ids=[reported["co2"].id],
    )
    co1 = reported["co1"]
    await client.put(
        f"{API}/coresearchers/{co1.id}/consents/name_in_reports", json={"granted": False}, headers=co1.headers
    )
    after = (await client.get(content, headers=lead.headers)).content
    assert after == before
    assert (await report(client, world))["totals"]["activities"] == 4
    assert "Åse Ødegård" not in text_of(await pdf_of(client, world))


async def test_access_follows_the_contract(client: httpx.AsyncClient, world: World) -> None:
    got = {}
    for persona in (
        "admin",
        "research_leader",
        "lead",
        "researcher",
        "co_researcher",
        "other_co_researcher",
        "outsider",
    ):
        response = await client.get(url(world), params=PERIOD, headers=world.people[persona].headers)
        got[persona] = response.status_code
    assert got == {
        "admin": 200,
        "research_leader": 200,
        "lead": 200,
        "researcher": 403,
        "co_researcher": 403,
        "other_co_researcher": 404,
        "outsider": 404,
    }
    backwards = await client.get(
        url(world), params={"from": "2026-12-31", "to": "2026-01-01"}, headers=world.people["lead"].headers
    )
    assert backwards.status_code == 400
    portfolio = {
        persona: (
            await client.get(f"{API}/reports/portfolio", params=PERIOD, headers=world.people[persona].headers)
        ).status_code
        for persona in ("admin", "research_leader", "lead", "co_researcher")
    }
    assert portfolio == {"admin": 200, "research_leader": 200, "lead": 403, "co_researcher": 403}


async def test_portfolio_has_each_project_and_the_totals(
    client: httpx.AsyncClient, world: World, reported: dict
) -> None:
    leader = world.people["research_leader"].headers
    got = await ok(await client.get(f"{API}/reports/portfolio", params=PERIOD, headers=leader))
    rows = {row["project"]["title"]: row for row in got["projects"]}
    ours = rows["Brukerstemmer i psykisk helse"]
    assert (
        ours["activities"],
        ours["coresearchers"],
        ours["minutes"],
        ours["claims_paid"],
        ours["paid_ore"],
    ) == (3, 3, 270, 2, 12_500)
    assert (
        ours["median_days_to_payment"],
        ours["approved_ore"],
        ours["evaluation_rounds"],
        ours["evaluation_answers"],
    ) == (17.0, 13_500, 1, 3)
    assert rows["Pårørendes erfaringer"]["activities"] == 0
    totals = got["totals"]
    assert (totals["projects"], totals["activities"], totals["coresearchers"], totals["paid_ore"]) == (
        2,
        3,
        3,
        12_500,
    )
    funder = await ok(
        await client.get(f"{API}/reports/portfolio", params={**PERIOD, "funder": "Nobody"}, headers=leader)
    )
    assert funder["projects"] == [] and funder["totals"]["projects"] == 0
    csv_body = await client.get(
        f"{API}/reports/portfolio", params={**PERIOD, "format": "csv"}, headers=leader
    )
    rows_csv = list(csv.reader(io.StringIO(csv_body.content.decode("utf-8-sig")), delimiter=";"))
    assert any(row[:3] == ["Brukerstemmer i psykisk helse", "Helse Vest", "3"] for row in rows_csv)
    document = await client.get(
        f"{API}/reports/portfolio", params={**PERIOD, "format": "pdf"}, headers=leader
    )
    assert "Pårørendes erfaringer" in " ".join(text_of(document.content).split())


class QueryCounter:
    """Counts the statements the engine runs while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        engine_class = type(db.current_engine())
        original = engine_class.run_querystring

        async def counted(engine: object, *args: object, **kwargs: object) -> object:
            self.count += 1
            return await original(engine, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(engine_class, "run_querystring", counted)


async def test_the_number_of_queries_does_not_grow_with_the_project(
    client: httpx.AsyncClient, world: World, reported: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = QueryCounter(monkeypatch)
    await report(client, world)
    small = counter.count
    assert small > 10  # the counter sees the report's statements
    co = [reported["co1"].id, reported["co2"].id, reported["co3"].id]
    for n in range(12):
        await activity(
            client,
            world,
            phase=["design", "analysis", "dissemination"][n % 3],
            kind="interview",
            level="involve",
            occurred_on=f"2026-0{n % 9 + 1}-1{n % 9}",
            minutes=30 + n,
            participant_ids=co[: n % 3 + 1],
            what_changed=f"Endring {n}",
        )
    more = await make_person(client, "co_researcher", "Dagny Æsir")
    await add_member(client, world.people["lead"], world.project_id, more, "co_researcher")
    counter.count = 0
    await report(client, world)
    assert counter.count == small
    counter.count = 0
    await client.get(
        f"{API}/reports/portfolio", params=PERIOD, headers=world.people["research_leader"].headers
    )
    portfolio = counter.count
    newcomer = await make_person(client, "researcher", "Ny leder")
    await create_project(client, newcomer, "Ungdom og rus i Ålesund")
    counter.count = 0
    await client.get(
        f"{API}/reports/portfolio", params=PERIOD, headers=world.people["research_leader"].headers
    )
    assert counter.count == portfolio


async def test_concurrent_saves_never_share_a_version(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"].headers
    answers = await asyncio.gather(
        *(
            client.put(
                url(world, "/text"), params=PERIOD, json={"aim": f"Utkast {n} på Ørland"}, headers=lead
            )
            for n in range(4)
        )
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {200, 409} and 200 in statuses, statuses
    versions = [answer.json()["version"] for answer in answers if answer.status_code == 200]
    assert len(versions) == len(set(versions))
    got = await report(client, world)
    assert got["text_version"] == max(versions)
