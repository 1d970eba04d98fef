"""Claims: amounts by the rate version of each day (a change mid-period), the in-person minimum,
rounding, remote, expense lines; every move and who may make it; four eyes; idempotency, also
under 20 concurrent identical requests; a rejected claim's lines claimable again; 404 to others."""

import asyncio
import uuid
from datetime import timedelta

import httpx

from coresearch.domain.payments.tables import Claim, IdempotencyKey, TimeEntry
from coresearch.lib.records import today
from tests.conftest import Person, World
from tests.test_agreements import active
from tests.test_time_entries import attend, entry, expense, meeting, post

API = "/api/v1"
PERIOD = {"period_start": "2026-03-01", "period_end": "2026-03-31"}


async def rate_tables(client: httpx.AsyncClient, world: World) -> str:
    """NOK 355/h from 2025-01-01 and NOK 400/h from 2026-03-15 (one name); the first's id."""
    name = f"Takst {uuid.uuid4()}"
    ids = []
    for rate, valid_from in ((35_500, "2025-01-01"), (40_000, "2026-03-15")):
        response = await client.post(
            f"{API}/rate-tables",
            json={
                "name": name,
                "hourly_rate_ore": rate,
                "rounding_minutes": 30,
                "minimum_in_person_minutes": 60,
                "valid_from": valid_from,
            },
            headers=world.people["admin"].headers,
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids[0]


async def setup(client: httpx.AsyncClient, world: World) -> None:
    """An agreement with the rate table, and work and an outlay in March 2026."""
    rate_table_id = await rate_tables(client, world)
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31", rate_table_id=rate_table_id)
    lead = world.people["lead"]
    assert (await post(client, lead, world, "time-entries", entry(world))).status_code == 201
    in_person = await meeting(
        client,
        world,
        starts_at="2026-03-12T09:00:00+00:00",
        ends_at="2026-03-12T09:20:00+00:00",
        break_minutes=0,
    )
    await attend(client, world, in_person, "in_person")
    remote = await meeting(
        client,
        world,
        starts_at="2026-03-20T09:00:00+00:00",
        ends_at="2026-03-20T09:50:00+00:00",
        break_minutes=0,
    )
    await attend(client, world, remote, "remote")
    assert (await post(client, lead, world, "expenses", expense(world))).status_code == 201


async def claim(
    client: httpx.AsyncClient, world: World, key: str | None = "k", person: str = "lead", **fields: object
) -> httpx.Response:
    headers = dict(world.people[person].headers)
    if key is not None:
        headers["Idempotency-Key"] = f"{world.project_id}-{key}"
    body = {"coresearcher_id": world.people["co_researcher"].id, **PERIOD, **fields}
    return await client.post(f"{API}/projects/{world.project_id}/claims", json=body, headers=headers)


async def move(
    client: httpx.AsyncClient, person: Person, claim_id: str, what: str, **body: object
) -> httpx.Response:
    return await client.post(f"{API}/claims/{claim_id}/{what}", json=body or None, headers=person.headers)


async def test_a_claim_prices_each_day_by_its_rate_version_with_minimum_rounding_and_expenses(
    client: httpx.AsyncClient, world: World
) -> None:
    await setup(client, world)
    response = await claim(client, world)
    assert response.status_code == 201, response.text
    made = response.json()
    lines = [(line["kind"], line["day"], line["paid_minutes"], line["amount_ore"]) for line in made["lines"]]
    assert lines == [
        ("expense", "2026-03-10", None, 14_250),
        ("time", "2026-03-10", 90, 53_250),  # 95 min rounds to 90, at NOK 355
        ("time", "2026-03-12", 60, 35_500),  # 20 min in person: the 60-minute minimum
        ("time", "2026-03-20", 60, 40_000),  # 50 min remote rounds to 60, at the new NOK 400
    ]
    rules = [line["rule"] for line in made["lines"]]
    assert rules[2] == "in person: minimum 60 min; rounded to 30 min; NOK 355/h from 2025-01-01"
    assert rules[3] == "remote: rounded to 30 min; NOK 400/h from 2026-03-15"
    assert made["total_ore"] == 14_250 + 53_250 + 35_500 + 40_000 and made["status"] == "submitted"
    entries = await TimeEntry.select(TimeEntry.claim_id).where(
        TimeEntry.coresearcher == world.people["co_researcher"].id
    )
    assert {str(row["claim_id"]) for row in entries} == {made["id"]}
    again = await claim(client, world, key="other")
    assert again.status_code == 422, again.text


async def test_the_idempotency_key_is_required_and_replays_the_same_claim(
    client: httpx.AsyncClient, world: World
) -> None:
    await setup(client, world)
    missing = await claim(client, world, key=None)
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()["detail"]
    first = await claim(client, world)
    assert first.status_code == 201, first.text
    replay = await claim(client, world)
    assert replay.status_code == 200 and replay.json() == first.json()
    other_body = await claim(client, world, period_end="2026-03-30")
    assert other_body.status_code == 422, other_body.text
    assert await Claim.count().where(Claim.project == world.project_id) == 1


async def test_twenty_concurrent_identical_requests_make_exactly_one_claim(
    client: httpx.AsyncClient, world: World
) -> None:
    await setup(client, world)
    responses = await asyncio.gather(*(claim(client, world, key="burst") for _ in range(20)))
    codes = sorted(response.status_code for response in responses)
    assert set(codes) <= {200, 201, 409} and codes.count(201) == 1, codes
    ids = {response.json()["id"] for response in responses if response.status_code in (200, 201)}
    assert len(ids) == 1
    assert await Claim.count().where(Claim.project == world.project_id) == 1
    assert await IdempotencyKey.count().where(IdempotencyKey.key == f"{world.project_id}-burst") == 1


async def test_moves_who_may_make_them_and_four_eyes(client: httpx.AsyncClient, world: World) -> None:
    await setup(client, world)
    p = world.people
    claim_id = (await claim(client, world)).json()["id"]
    assert (await move(client, p["co_researcher"], claim_id, "attest")).status_code == 403
    assert (await move(client, p["researcher"], claim_id, "attest")).status_code == 404
    assert (await move(client, p["research_leader"], claim_id, "approve")).status_code == 409
    assert (await move(client, p["lead"], claim_id, "attest")).status_code == 200
    assert (await move(client, p["lead"], claim_id, "attest")).status_code == 409
    assert (await move(client, p["lead"], claim_id, "approve")).status_code == 403
    assert (
        await move(client, p["admin"], claim_id, "mark-paid", paid_on="2026-04-20", reference="x")
    ).status_code == 409
    approved = await move(client, p["research_leader"], claim_id, "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["expected_payment_on"] is not None
    assert (await move(client, p["lead"], claim_id, "reject", reason="Feil")).status_code == 409
    body = {"paid_on": (today() + timedelta(days=3)).isoformat(), "reference": "Utbetaling 42"}
    assert (await move(client, p["lead"], claim_id, "mark-paid", **body)).status_code == 403
    early = {**body, "paid_on": (today() - timedelta(days=1)).isoformat()}
    before_submission = await move(client, p["admin"], claim_id, "mark-paid", **early)
    assert (
        before_submission.status_code == 422 and before_submission.json()["errors"][0]["field"] == "paid_on"
    )
    paid = await move(client, p["admin"], claim_id, "mark-paid", **body)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid" and paid.json()["expected_payment_on"] is None
    assert paid.json()["days_to_payment"] == 3


async def test_the_attesting_research_leader_may_not_approve(client: httpx.AsyncClient, world: World) -> None:
    await setup(client, world)
    leader = world.people["research_leader"]
    await client.put(
        f"{API}/projects/{world.project_id}/members/{leader.id}",
        json={"role": "lead"},
        headers=world.people["lead"].headers,
    )
    claim_id = (await claim(client, world)).json()["id"]
    assert (await move(client, leader, claim_id, "attest")).status_code == 200
    refused = await move(client, leader, claim_id, "approve")
    assert refused.status_code == 403 and "attested" in refused.json()["detail"]


async def test_a_rejected_claims_lines_are_claimable_again(client: httpx.AsyncClient, world: World) -> None:
    await setup(client, world)
    first = (await claim(client, world)).json()
    rejected = await move(
        client, world.people["research_leader"], first["id"], "reject", reason="Feil periode"
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert (await move(client, world.people["lead"], first["id"], "attest")).status_code == 409
    second = await claim(client, world, key="again")
    assert second.status_code == 201, second.text
    assert second.json()["total_ore"] == first["total_ore"] and second.json()["id"] != first["id"]


async def test_only_lead_oversight_and_payee_see_a_claim(client: httpx.AsyncClient, world: World) -> None:
    await setup(client, world)
    claim_id = (await claim(client, world)).json()["id"]
    for persona, status in {
        "lead": 200,
        "admin": 200,
        "research_leader": 200,
        "co_researcher": 200,
        "researcher": 404,
        "other_co_researcher": 404,
        "outsider": 404,
    }.items():
        response = await client.get(f"{API}/claims/{claim_id}", headers=world.people[persona].headers)
        assert response.status_code == status, (persona, response.text)
    own = await client.get(f"{API}/me/payments", headers=world.people["co_researcher"].headers)
    assert [c["id"] for c in own.json()["items"]] == [claim_id] and len(own.json()["items"][0]["lines"]) == 4
    other = await client.get(f"{API}/me/payments", headers=world.people["other_co_researcher"].headers)
    assert other.json()["items"] == []
    assert (await claim(client, world, person="researcher")).status_code == 403
