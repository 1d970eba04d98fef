"""The payroll export: the CSV byte for byte against a hand-made fixture (æøå, a `;` in the
project title, a payroll person with a national ID, an invoice person without, an expense on its
own line), month bounds in UTC, who may export (403), marking exported and again (409), and an
audit row that holds the month and count but no national ID."""

from datetime import UTC, datetime

import httpx

from coresearch.domain.accounts.tables import User
from coresearch.domain.payments.tables import Claim
from coresearch.domain.projects.tables import Project
from tests.conftest import World, add_member
from tests.test_agreements import act, draft
from tests.test_claims import claim, move, rate_tables
from tests.test_time_entries import entry, expense, post

API = "/api/v1"
NATIONAL_ID = "01010750160"
TITLE = "Medforskning i Ålesund; rus og psykisk helse"


async def approved_claims(client: httpx.AsyncClient, world: World) -> tuple[str, str]:
    """Two approved March claims: the co-researcher (payroll: 5 hours at NOK 355 and a NOK 142.50
    bus fare) and the other co-researcher, made a member (invoice: NOK 500 other outlay)."""
    p = world.people
    co, other = p["co_researcher"], p["other_co_researcher"]
    await add_member(client, p["lead"], world.project_id, other, "co_researcher")
    rate_table_id = await rate_tables(client, world)
    for person in (co, other):
        agreement = await draft(client, world, coresearcher_id=person.id, rate_table_id=rate_table_id)
        await act(client, p["lead"], agreement["id"], "send")
        await act(client, person, agreement["id"], "accept")
    await User.update({User.full_name: "Åse Ærlig Øvrebø"}).where(User.id == co.id)
    await User.update({User.full_name: "Bjørn Ødegård"}).where(User.id == other.id)
    await Project.update({Project.title: TITLE}).where(Project.id == world.project_id)
    for person, route in ((co, "payroll"), (other, "invoice")):
        response = await client.patch(
            f"{API}/coresearchers/{person.id}",
            json={"national_id": NATIONAL_ID, "payment_route": route},
            headers=person.headers,
        )
        assert response.status_code == 200, response.text
    lead = p["lead"]
    assert (await post(client, lead, world, "time-entries", entry(world, minutes=300))).status_code == 201
    assert (await post(client, lead, world, "expenses", expense(world))).status_code == 201
    outlay = expense(world, coresearcher_id=other.id, kind="other", amount_ore=50_000)
    assert (await post(client, lead, world, "expenses", outlay)).status_code == 201
    ids = []
    for person, key in ((co, "payroll"), (other, "invoice")):
        made = await claim(client, world, key=key, coresearcher_id=person.id)
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
        assert (await move(client, lead, ids[-1], "attest")).status_code == 200
        assert (await move(client, p["research_leader"], ids[-1], "approve")).status_code == 200
    # Approval times fixed at the month's edges: the export selects by UTC month.
    await Claim.update({Claim.approved_at: datetime(2026, 3, 31, 23, 59, tzinfo=UTC)}).where(
        Claim.id == ids[0]
    )
    await Claim.update({Claim.approved_at: datetime(2026, 3, 1, tzinfo=UTC)}).where(Claim.id == ids[1])
    return ids[0], ids[1]


async def export(
    client: httpx.AsyncClient, world: World, person: str = "research_leader", **params: str
) -> httpx.Response:
    return await client.get(
        f"{API}/payroll-export", params={"month": "2026-03", **params}, headers=world.people[person].headers
    )


async def test_the_csv_byte_for_byte(client: httpx.AsyncClient, world: World) -> None:
    payroll_claim, invoice_claim = await approved_claims(client, world)

    response = await export(client, world)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    expected = (
        "\ufeffperson;fødselsnummer;beløp;klassifisering;type;prosjekt;tilskuddsreferanse;krav\r\n"
        f'Bjørn Ødegård;;500,00;faktura (ENK);annet;"{TITLE}";HV-2026-042;{invoice_claim}\r\n'
        f"Åse Ærlig Øvrebø;01010750160;1775,00;styrehonorar og godtgjørelse i forbindelse med verv;"
        f'honorar;"{TITLE}";HV-2026-042;{payroll_claim}\r\n'
        f"Åse Ærlig Øvrebø;01010750160;142,50;styrehonorar og godtgjørelse i forbindelse med verv;"
        f'reise;"{TITLE}";HV-2026-042;{payroll_claim}\r\n'
    ).encode()
    assert response.content == expected
    other_months = [await export(client, world, month=month) for month in ("2026-02", "2026-04")]
    assert [r.content for r in other_months] == [expected.split(b"\r\n")[0] + b"\r\n"] * 2


async def test_only_research_leaders_and_admins_export_and_a_bad_month_is_named(
    client: httpx.AsyncClient, world: World
) -> None:
    for person in ("lead", "researcher", "co_researcher"):
        assert (await export(client, world, person)).status_code == 403
        marked = await client.post(
            f"{API}/payroll-export/mark-exported",
            json={"month": "2026-03", "claim_ids": []},
            headers=world.people[person].headers,
        )
        assert marked.status_code == 403
    assert (await export(client, world, "admin")).status_code == 200
    for month in ("2026-13", "2026-3", "mars", "2026-03-01"):
        response = await export(client, world, month=month)
        assert response.status_code == 400 and "month" in response.text, month


async def test_marking_exported_once_leaves_the_claims_out_of_later_exports(
    client: httpx.AsyncClient, world: World
) -> None:
    payroll_claim, invoice_claim = await approved_claims(client, world)
    before = (await export(client, world)).content
    leader = world.people["research_leader"].headers
    body = {"month": "2026-03", "claim_ids": [payroll_claim, invoice_claim]}

    marked = await client.post(f"{API}/payroll-export/mark-exported", json=body, headers=leader)
    again = await client.post(f"{API}/payroll-export/mark-exported", json=body, headers=leader)
    wrong_month = await client.post(
        f"{API}/payroll-export/mark-exported", json={**body, "month": "2026-04"}, headers=leader
    )

    assert marked.status_code == 200, marked.text
    assert sorted(marked.json()["claim_ids"]) == sorted(body["claim_ids"]) and marked.json()["exported_at"]
    assert again.status_code == 409
    assert wrong_month.status_code == 422
    assert (await export(client, world)).content == before.split(b"\r\n")[0] + b"\r\n"
    assert (await export(client, world, include_exported="true")).content == before


async def test_the_export_is_audited_without_national_ids(client: httpx.AsyncClient, world: World) -> None:
    await approved_claims(client, world)
    assert (await export(client, world)).status_code == 200

    admin = world.people["admin"].headers
    response = await client.get(f"{API}/audit", params={"entity_id": "2026-03"}, headers=admin)

    assert response.status_code == 200, response.text
    (row,) = [item for item in response.json()["items"] if item["action"] == "payroll.export"]
    assert row["actor_id"] == world.people["research_leader"].id if "actor_id" in row else True
    assert row["changes"]["month"]["after"] == "2026-03" and row["changes"]["claims"]["after"] == 2
    assert NATIONAL_ID not in response.text
