"""Benefit periods: paid minutes per 14-day period on the person's grid, sums across a period
boundary, AAP flags, and who may see them (the person and their leads; others 404)."""

import httpx

from tests.conftest import World
from tests.test_agreements import active
from tests.test_claims import move, rate_tables
from tests.test_time_entries import entry, post

API = "/api/v1"


async def periods(client: httpx.AsyncClient, world: World, person: str) -> httpx.Response:
    co = world.people["co_researcher"].id
    return await client.get(
        f"{API}/coresearchers/{co}/benefit-periods?from=2026-03-10&to=2026-03-20",
        headers=world.people[person].headers,
    )


async def work_either_side_of_a_boundary(client: httpx.AsyncClient, world: World) -> None:
    """On the grid of a Wednesday anchor (Monday 2026-03-02): 100 min on Sunday 03-15 (pays 90)
    and 50 min on Monday 03-16 (pays 60), approved; 20 min on 03-17 unclaimed (pays 30)."""
    await active(
        client,
        world,
        starts_on="2026-01-01",
        ends_on="2099-12-31",
        rate_table_id=await rate_tables(client, world),
    )
    lead = world.people["lead"]
    for day, minutes in (("2026-03-15", 100), ("2026-03-16", 50)):
        made = await post(client, lead, world, "time-entries", entry(world, worked_on=day, minutes=minutes))
        assert made.status_code == 201, made.text
    headers = {**lead.headers, "Idempotency-Key": f"{world.project_id}-benefit"}
    body = {
        "coresearcher_id": world.people["co_researcher"].id,
        "period_start": "2026-03-01",
        "period_end": "2026-03-16",
    }
    claimed = await client.post(f"{API}/projects/{world.project_id}/claims", json=body, headers=headers)
    assert claimed.status_code == 201, claimed.text
    assert (await move(client, lead, claimed.json()["id"], "attest")).status_code == 200
    assert (
        await move(client, world.people["research_leader"], claimed.json()["id"], "approve")
    ).status_code == 200
    later = await post(client, lead, world, "time-entries", entry(world, worked_on="2026-03-17", minutes=20))
    assert later.status_code == 201, later.text


async def set_benefit(client: httpx.AsyncClient, world: World, status: str) -> None:
    co = world.people["co_researcher"]
    response = await client.patch(
        f"{API}/coresearchers/{co.id}",
        json={"benefit_status": status, "benefit_period_anchor": "2026-03-04"},
        headers=co.headers,
    )
    assert response.status_code == 200, response.text


async def test_paid_minutes_are_summed_per_period_across_the_boundary_with_aap_flags(
    client: httpx.AsyncClient, world: World
) -> None:
    await work_either_side_of_a_boundary(client, world)
    await set_benefit(client, world, "aap")
    response = await periods(client, world, "co_researcher")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["aap"] is True and body["anchor"] == "2026-03-02"
    first, second = body["items"]
    assert (first["starts_on"], first["ends_on"]) == ("2026-03-02", "2026-03-15")
    assert (second["starts_on"], second["ends_on"]) == ("2026-03-16", "2026-03-29")
    assert (first["paid_minutes"], first["pending_minutes"]) == (90, 0)
    assert (second["paid_minutes"], second["pending_minutes"]) == (60, 30)
    assert first["limit_minutes"] == 2700 and first["share"] == 0.02
    assert first["any_paid"] is True and first["over_limit"] is False and first["warning"] is False
    warning = await client.get(f"{API}/me/benefit-warning", headers=world.people["co_researcher"].headers)
    assert warning.status_code == 200 and warning.json() is None


async def test_people_not_on_aap_get_sums_without_flags_and_others_get_404(
    client: httpx.AsyncClient, world: World
) -> None:
    await work_either_side_of_a_boundary(client, world)
    await set_benefit(client, world, "disability")
    response = await periods(client, world, "lead")
    assert response.status_code == 200, response.text
    first, second = response.json()["items"]
    assert (first["paid_minutes"], second["paid_minutes"]) == (90, 60)
    assert first["limit_minutes"] is None and first["over_limit"] is None and first["any_paid"] is None
    for person in ("researcher", "research_leader", "other_co_researcher", "outsider"):
        assert (await periods(client, world, person)).status_code == 404, person


async def test_to_before_from_is_a_400(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    response = await client.get(
        f"{API}/coresearchers/{co.id}/benefit-periods?from=2026-03-20&to=2026-03-10", headers=co.headers
    )
    assert response.status_code == 400 and response.headers["content-type"].startswith("application/problem")
