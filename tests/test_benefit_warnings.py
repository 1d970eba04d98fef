"""The AAP warning where the work is given: on `GET /me/tasks`, and in the answer when staff
assign a task or record attendance that takes a person on AAP over the warning share (never a
refusal; shown only to those who may read the benefit status)."""

import uuid
from datetime import timedelta

import httpx

from coresearch.lib.records import today
from tests.conftest import World
from tests.test_agreements import active
from tests.test_benefit_periods import set_benefit
from tests.test_claims import move, rate_tables
from tests.test_time_entries import entry, meeting, post

API = "/api/v1"
FULL_DAY = 24 * 60  # two of them (2,880 min) are over 60 % of 75 hours (2,700 min)


async def agreement(client: httpx.AsyncClient, world: World) -> None:
    rate_table_id = await rate_tables(client, world)
    await active(client, world, starts_on="2026-01-01", ends_on="2099-12-31", rate_table_id=rate_table_id)


async def two_full_days(client: httpx.AsyncClient, world: World, day: str) -> None:
    for _ in range(2):
        made = await post(
            client, world.people["lead"], world, "time-entries", entry(world, worked_on=day, minutes=FULL_DAY)
        )
        assert made.status_code == 201, made.text


async def test_my_tasks_carry_the_warning_once_the_current_period_pays_over_the_share(
    client: httpx.AsyncClient, world: World
) -> None:
    await agreement(client, world)
    await set_benefit(client, world, "aap")
    co = world.people["co_researcher"]
    mine = await client.get(f"{API}/me/tasks", headers=co.headers)
    assert mine.status_code == 200 and mine.json()["benefit_warning"] is None and mine.json()["items"] == []

    day = today().isoformat()
    await two_full_days(client, world, day)
    headers = {**world.people["lead"].headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"coresearcher_id": co.id, "period_start": day, "period_end": day}
    claimed = await client.post(f"{API}/projects/{world.project_id}/claims", json=body, headers=headers)
    assert claimed.status_code == 201, claimed.text
    assert (await move(client, world.people["lead"], claimed.json()["id"], "attest")).status_code == 200
    assert (
        await move(client, world.people["research_leader"], claimed.json()["id"], "approve")
    ).status_code == 200

    warned = (await client.get(f"{API}/me/tasks", headers=co.headers)).json()["benefit_warning"]
    assert warned is not None and (warned["paid_minutes"], warned["limit_minutes"]) == (2 * FULL_DAY, 2700)
    assert warned == (await client.get(f"{API}/me/benefit-warning", headers=co.headers)).json()


async def test_recording_attendance_over_the_share_warns_the_lead_and_still_records_it(
    client: httpx.AsyncClient, world: World
) -> None:
    await agreement(client, world)
    await set_benefit(client, world, "aap")
    await two_full_days(client, world, "2026-03-12")
    meeting_id = await meeting(client, world)  # 2026-03-12, 115 minutes
    url = f"{API}/meetings/{meeting_id}/attendance/{world.people['co_researcher'].id}"

    by_lead = await client.put(
        url, json={"attended": True, "mode": "remote"}, headers=world.people["lead"].headers
    )
    assert by_lead.status_code == 200, by_lead.text
    warning = by_lead.json()["benefit_warning"]
    assert warning["coresearcher_id"] == world.people["co_researcher"].id
    assert (warning["period_starts_on"], warning["period_ends_on"]) == ("2026-03-02", "2026-03-15")
    assert (warning["paid_minutes"], warning["pending_minutes"], warning["limit_minutes"]) == (
        0,
        2 * FULL_DAY + 120,
        2700,
    )
    # A researcher may not read the benefit status: the same attendance, no warning.
    by_researcher = await client.put(
        url, json={"attended": True, "mode": "in_person"}, headers=world.people["researcher"].headers
    )
    assert by_researcher.status_code == 200 and by_researcher.json()["benefit_warning"] is None
    absent = await client.put(
        url, json={"attended": False, "mode": None}, headers=world.people["lead"].headers
    )
    assert absent.status_code == 200 and absent.json()["benefit_warning"] is None


async def test_assigning_a_task_that_would_cross_the_share_warns_and_creates_it(
    client: httpx.AsyncClient, world: World
) -> None:
    await agreement(client, world)
    co = world.people["co_researcher"]
    due = (today() + timedelta(days=1)).isoformat()
    body = {
        "title": "Transkribere intervjuer",
        "phase": "analysis",
        "due_on": due,
        "estimated_minutes": 3_000,
    }
    lead = world.people["lead"].headers
    not_aap = await client.post(
        f"{API}/projects/{world.project_id}/tasks", json={**body, "assignee_ids": [co.id]}, headers=lead
    )
    assert not_aap.status_code == 201 and not_aap.json()["benefit_warnings"] == []

    await set_benefit(client, world, "aap")
    made = await client.post(f"{API}/projects/{world.project_id}/tasks", json=body, headers=lead)
    assert made.status_code == 201 and made.json()["benefit_warnings"] == []
    assigned = await client.patch(
        f"{API}/tasks/{made.json()['id']}", json={"assignee_ids": [co.id]}, headers=lead
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee_ids"] == [co.id]
    [warning] = assigned.json()["benefit_warnings"]
    assert (warning["coresearcher_id"], warning["pending_minutes"], warning["limit_minutes"]) == (
        co.id,
        3_000,
        2700,
    )
    # Changing only the title gives it to nobody new: no warning.
    renamed = await client.patch(
        f"{API}/tasks/{made.json()['id']}", json={"title": "Transkribere"}, headers=lead
    )
    assert renamed.status_code == 200 and renamed.json()["benefit_warnings"] == []
