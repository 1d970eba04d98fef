"""Budget versus actual per phase (approved and paid by the lines' phase and day, an unassigned
row, totals, the period) and submission-to-payment times (per claim, the median per project and
across the portfolio, of an even count the mean of the middle two); who may see them."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import httpx

from coresearch.domain.payments.tables import ClaimLine
from coresearch.lib import db
from coresearch.lib.records import today
from tests.conftest import World
from tests.test_claims import claim, move, setup

API = "/api/v1"
_spec = importlib.util.spec_from_file_location(
    "budget_backfill", Path(__file__).parents[1] / "migrations" / "coresearch_0023_budget_phases_backfill.py"
)
assert _spec is not None and _spec.loader is not None
backfill = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backfill)


async def plan(client: httpx.AsyncClient, world: World) -> None:
    """NOK 10,000 in all, NOK 5,000 of it for the analysis phase."""
    lead = world.people["lead"].headers
    total = await client.patch(
        f"{API}/projects/{world.project_id}", json={"involvement_budget_ore": 1_000_000}, headers=lead
    )
    assert total.status_code == 200, total.text
    phase = await client.patch(
        f"{API}/projects/{world.project_id}/phases/analysis", json={"budget_ore": 500_000}, headers=lead
    )
    assert phase.status_code == 200 and phase.json()["budget_ore"] == 500_000, phase.text


async def approved_claim(client: httpx.AsyncClient, world: World) -> str:
    made = await claim(client, world)
    assert made.status_code == 201, made.text
    claim_id = made.json()["id"]
    assert (await move(client, world.people["lead"], claim_id, "attest")).status_code == 200
    assert (await move(client, world.people["research_leader"], claim_id, "approve")).status_code == 200
    return str(claim_id)


async def budget(client: httpx.AsyncClient, world: World, query: str = "", persona: str = "lead") -> dict:
    response = await client.get(
        f"{API}/projects/{world.project_id}/budget{query}", headers=world.people[persona].headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def figures(row: dict) -> tuple:
    return (row["budget_ore"], row["approved_ore"], row["paid_ore"], row["remaining_ore"])


async def test_budget_versus_actual_counts_approved_and_paid_lines_per_phase(
    client: httpx.AsyncClient, world: World
) -> None:
    await plan(client, world)
    await setup(client, world)
    lines = (await claim(client, world)).json()["lines"]
    # The meetings were in the analysis phase; the entry by hand and the expense name none.
    assert [(line["kind"], line["day"], line["phase"]) for line in lines] == [
        ("expense", "2026-03-10", None),
        ("time", "2026-03-10", None),
        ("time", "2026-03-12", "analysis"),
        ("time", "2026-03-20", "analysis"),
    ]
    submitted = await budget(client, world)
    assert submitted["totals"]["approved_ore"] == 0 and submitted["totals"]["remaining_ore"] == 1_000_000

    claim_id = (await claim(client, world)).json()["id"]
    assert (await move(client, world.people["lead"], claim_id, "attest")).status_code == 200
    assert (await move(client, world.people["research_leader"], claim_id, "approve")).status_code == 200
    approved = await budget(client, world)
    by_phase = {row["phase"]: figures(row) for row in approved["phases"]}
    assert list(by_phase) == ["topic", "design", "informants", "data_collection", "analysis", "dissemination"]
    assert by_phase["analysis"] == (500_000, 75_500, 0, 424_500)
    assert by_phase["design"] == (None, 0, 0, None)
    assert figures(approved["unassigned"]) == (None, 67_500, 0, None)
    assert approved["totals"] == {
        "budget_ore": 1_000_000,
        "phases_budget_ore": 500_000,
        "approved_ore": 143_000,
        "paid_ore": 0,
        "remaining_ore": 857_000,
    }

    paid_on = (today() + timedelta(days=2)).isoformat()
    paid = await move(client, world.people["admin"], claim_id, "mark-paid", paid_on=paid_on, reference="U1")
    assert paid.status_code == 200, paid.text
    after = await budget(client, world, persona="research_leader")
    assert {row["phase"]: figures(row) for row in after["phases"]}["analysis"] == (
        500_000,
        75_500,
        75_500,
        424_500,
    )
    assert after["totals"]["paid_ore"] == 143_000

    # The period is the lines' own days: from 15 March only the remote meeting of the 20th.
    late = await budget(client, world, "?from=2026-03-15&to=2026-03-31")
    assert late["from"] == "2026-03-15" and late["totals"]["approved_ore"] == 40_000
    assert figures(late["unassigned"]) == (None, 0, 0, None)


async def test_the_budget_is_for_staff_and_oversight_only(client: httpx.AsyncClient, world: World) -> None:
    for persona, status in {
        "lead": 200,
        "researcher": 200,
        "research_leader": 200,
        "admin": 200,
        "co_researcher": 404,
        "other_co_researcher": 404,
        "outsider": 404,
    }.items():
        response = await client.get(
            f"{API}/projects/{world.project_id}/budget", headers=world.people[persona].headers
        )
        assert response.status_code == status, (persona, response.text)
    backwards = await client.get(
        f"{API}/projects/{world.project_id}/budget?from=2026-03-02&to=2026-03-01",
        headers=world.people["lead"].headers,
    )
    assert backwards.status_code == 400


async def test_the_migration_backfills_the_phase_of_lines_made_before_it(
    client: httpx.AsyncClient, world: World
) -> None:
    await setup(client, world)
    claim_id = (await claim(client, world)).json()["id"]
    # Lines as they were before migration 0023 added the phase.
    await ClaimLine.update({ClaimLine.phase: None}, force=True)

    await db.current_engine().run_ddl(backfill.STATEMENT)

    rows = await ClaimLine.select(ClaimLine.kind, ClaimLine.day, ClaimLine.phase).where(
        ClaimLine.claim == claim_id
    )
    assert sorted((row["day"].isoformat(), row["kind"], row["phase"] or "") for row in rows) == [
        ("2026-03-10", "expense", ""),
        ("2026-03-10", "time", ""),
        ("2026-03-12", "time", "analysis"),
        ("2026-03-20", "time", "analysis"),
    ]


async def test_payment_times_per_claim_per_project_and_across_the_portfolio(
    client: httpx.AsyncClient, world: World
) -> None:
    await setup(client, world)
    first = await approved_claim(client, world)
    paid_on = (today() + timedelta(days=3)).isoformat()
    paid = await move(client, world.people["admin"], first, "mark-paid", paid_on=paid_on, reference="U1")
    assert paid.json()["days_to_payment"] == 3
    # A second paid claim, four days on: the median of 3 and 4 is their mean.
    lead = world.people["lead"]
    again = await client.post(
        f"{API}/projects/{world.project_id}/expenses",
        json={
            "coresearcher_id": world.people["co_researcher"].id,
            "incurred_on": "2026-04-02",
            "kind": "travel",
            "amount_ore": 9_900,
            "description": "Tog Bergen–Voss",
        },
        headers=lead.headers,
    )
    assert again.status_code == 201, again.text
    second = (
        await claim(client, world, key="april", period_start="2026-04-01", period_end="2026-04-30")
    ).json()
    assert (await move(client, lead, second["id"], "attest")).status_code == 200
    assert (await move(client, world.people["research_leader"], second["id"], "approve")).status_code == 200
    paid_on = (today() + timedelta(days=4)).isoformat()
    paid = await move(
        client, world.people["admin"], second["id"], "mark-paid", paid_on=paid_on, reference="U2"
    )
    assert paid.json()["days_to_payment"] == 4

    mine = await client.get(f"{API}/projects/{world.project_id}/payment-times", headers=lead.headers)
    assert mine.status_code == 200, mine.text
    assert (mine.json()["count"], mine.json()["median_days"]) == (2, 3.5)
    [row] = mine.json()["projects"]
    assert row["project_id"] == world.project_id and row["median_days"] == 3.5 and row["count"] == 2

    portfolio = await client.get(f"{API}/payment-times", headers=world.people["research_leader"].headers)
    assert portfolio.status_code == 200 and portfolio.json()["median_days"] == 3.5
    later = await client.get(
        f"{API}/payment-times?from={paid_on}&to={paid_on}", headers=world.people["admin"].headers
    )
    assert (later.json()["count"], later.json()["median_days"]) == (1, 4.0)
    unpaid = await client.get(f"{API}/claims/{second['id']}", headers=lead.headers)
    assert unpaid.json()["days_to_payment"] == 4

    for persona, status in {"researcher": 403, "co_researcher": 404, "outsider": 404, "admin": 200}.items():
        response = await client.get(
            f"{API}/projects/{world.project_id}/payment-times", headers=world.people[persona].headers
        )
        assert response.status_code == status, (persona, response.text)
    for persona in ("lead", "researcher", "co_researcher"):
        response = await client.get(f"{API}/payment-times", headers=world.people[persona].headers)
        assert response.status_code == 403, persona
