"""A co-researcher leaves a project: membership, open tasks, future attendance and agreements end
in one audited transaction; done work, past attendance and accepted texts stay."""

import httpx
import pytest

from coresearch.domain.agreements import lifecycle
from coresearch.domain.audit.tables import AuditEntry
from tests.conftest import World, add_member, make_person

API = "/api/v1"
PAST = {"starts_at": "2026-03-02T10:00:00+01:00", "ends_at": "2026-03-02T12:00:00+01:00"}
FUTURE = {"starts_at": "2028-03-02T10:00:00+01:00", "ends_at": "2028-03-02T12:00:00+01:00"}


def withdraw_url(world: World, person_id: str) -> str:
    return f"{API}/projects/{world.project_id}/coresearchers/{person_id}/withdraw"


async def task(client: httpx.AsyncClient, world: World, assignees: list[str], status: str = "todo") -> str:
    lead = world.people["lead"].headers
    body = {"title": f"Oppgave {status}", "phase": "analysis", "assignee_ids": assignees}
    created = await client.post(f"{API}/projects/{world.project_id}/tasks", json=body, headers=lead)
    assert created.status_code == 201, created.text
    if status != "todo":
        moved = await client.patch(
            f"{API}/tasks/{created.json()['id']}", json={"status": status}, headers=lead
        )
        assert moved.status_code == 200, moved.text
    return str(created.json()["id"])


async def meeting_attended(client: httpx.AsyncClient, world: World, when: dict[str, str]) -> str:
    lead, co = world.people["lead"].headers, world.people["co_researcher"].id
    body = {"title": "Arbeidsmøte", "phase": "design", "location": "Fløyen", **when}
    created = await client.post(f"{API}/projects/{world.project_id}/meetings", json=body, headers=lead)
    assert created.status_code == 201, created.text
    meeting_id = str(created.json()["id"])
    put = await client.put(
        f"{API}/meetings/{meeting_id}/attendance/{co}",
        json={"attended": True, "mode": "remote"},
        headers=lead,
    )
    assert put.status_code == 200, put.text
    return meeting_id


async def agreement(client: httpx.AsyncClient, world: World, *, send: bool, accept: bool) -> str:
    lead, co = world.people["lead"], world.people["co_researcher"]
    body = {
        "coresearcher_id": co.id,
        "contact_person_id": lead.id,
        "role_title": "Medforsker",
        "starts_on": "2026-01-01",
        "ends_on": "2099-12-31",
        "phases": ["analysis"],
    }
    created = await client.post(
        f"{API}/projects/{world.project_id}/agreements", json=body, headers=lead.headers
    )
    assert created.status_code == 201, created.text
    agreement_id = str(created.json()["id"])
    if send:
        assert (
            await client.post(f"{API}/agreements/{agreement_id}/send", headers=lead.headers)
        ).status_code == 200
    if accept:
        assert (
            await client.post(f"{API}/agreements/{agreement_id}/accept", headers=co.headers)
        ).status_code == 200
    return agreement_id


async def assignees(client: httpx.AsyncClient, world: World, task_id: str) -> list[str]:
    got = await client.get(f"{API}/tasks/{task_id}", headers=world.people["lead"].headers)
    return [str(i) for i in got.json()["assignee_ids"]]


async def attendance(client: httpx.AsyncClient, world: World, meeting_id: str) -> list[str]:
    got = await client.get(f"{API}/meetings/{meeting_id}/attendance", headers=world.people["lead"].headers)
    assert got.status_code == 200, got.text
    return [str(row["user_id"]) for row in got.json()]


async def test_withdrawing_ends_membership_and_releases_only_what_lies_ahead(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = world.people["lead"], world.people["co_researcher"], world.people["researcher"]
    shared = await task(client, world, [co.id, researcher.id])
    started = await task(client, world, [co.id], "in_progress")
    done = await task(client, world, [co.id], "done")
    past, future = await meeting_attended(client, world, PAST), await meeting_attended(client, world, FUTURE)
    active = await agreement(client, world, send=True, accept=True)
    sent = await agreement(client, world, send=True, accept=False)
    draft = await agreement(client, world, send=False, accept=False)

    response = await client.post(withdraw_url(world, co.id), headers=co.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(body["tasks_unassigned"]) == sorted([shared, started])
    assert body["meetings_attendance_removed"] == [future]
    assert sorted(body["agreements_terminated"]) == sorted([active, sent])
    members = (await client.get(f"{API}/projects/{world.project_id}/members", headers=lead.headers)).json()
    assert co.id not in [str(m["user_id"]) for m in members]
    assert await assignees(client, world, shared) == [researcher.id]
    assert await assignees(client, world, started) == []
    assert await assignees(client, world, done) == [co.id]  # work done stays theirs
    assert co.id in await attendance(client, world, past)
    assert co.id not in await attendance(client, world, future)
    for agreement_id, status in ((active, "terminated"), (sent, "terminated"), (draft, "draft")):
        shown = (await client.get(f"{API}/agreements/{agreement_id}", headers=lead.headers)).json()
        assert shown["status"] == status
        if status == "terminated":
            assert shown["termination_reason"] == "withdrew"
    accepted = (await client.get(f"{API}/agreements/{active}", headers=lead.headers)).json()
    assert accepted["accepted_text"]  # the accepted text stays readable
    # No longer a member: the project is out of sight.
    assert (await client.get(f"{API}/projects/{world.project_id}", headers=co.headers)).status_code == 404


async def test_withdrawal_is_audited_in_the_vocabulary(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    open_task = await task(client, world, [co.id])
    future = await meeting_attended(client, world, FUTURE)
    active = await agreement(client, world, send=True, accept=True)

    assert (
        await client.post(withdraw_url(world, co.id), headers=world.people["lead"].headers)
    ).status_code == 200

    rows = await AuditEntry.select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.actor_id).where(
        AuditEntry.action.is_in(
            ["coresearcher.withdraw", "task.unassign", "meeting.attendance_remove", "agreement.terminate"]
        )
    )
    assert {(row["action"], row["entity_id"]) for row in rows} == {
        ("coresearcher.withdraw", world.project_id),
        ("task.unassign", open_task),
        ("meeting.attendance_remove", future),
        ("agreement.terminate", active),
    }
    assert {str(row["actor_id"]) for row in rows} == {world.people["lead"].id}


async def test_a_failure_part_way_changes_nothing(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    co, lead = world.people["co_researcher"], world.people["lead"]
    open_task = await task(client, world, [co.id])
    future = await meeting_attended(client, world, FUTURE)

    async def broken(**_: object) -> list[str]:
        raise RuntimeError("agreements unavailable")

    monkeypatch.setattr(lifecycle, "terminate_on_withdrawal", broken)
    audit_rows = await AuditEntry.count()
    response = await client.post(withdraw_url(world, co.id), headers=co.headers)

    assert response.status_code == 500
    members = (await client.get(f"{API}/projects/{world.project_id}/members", headers=lead.headers)).json()
    assert co.id in [str(m["user_id"]) for m in members]
    assert await assignees(client, world, open_task) == [co.id]
    assert co.id in await attendance(client, world, future)
    assert await AuditEntry.count() == audit_rows


async def test_only_a_co_researcher_member_can_be_withdrawn(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    # A lead or researcher member is not withdrawn here, and the last lead never can be.
    assert (await client.post(withdraw_url(world, lead.id), headers=lead.headers)).status_code == 404
    assert (
        await client.post(withdraw_url(world, world.people["researcher"].id), headers=lead.headers)
    ).status_code == 404
    assert (await client.post(withdraw_url(world, co.id), headers=co.headers)).status_code == 200
    # Once gone: again is 404, for the person (who no longer sees the project) and for the lead.
    assert (await client.post(withdraw_url(world, co.id), headers=co.headers)).status_code == 404
    assert (await client.post(withdraw_url(world, co.id), headers=lead.headers)).status_code == 404


async def test_a_co_researcher_cannot_withdraw_another(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    peer = await make_person(client, "co_researcher", "peer")
    await add_member(client, lead, world.project_id, peer, "co_researcher")

    response = await client.post(withdraw_url(world, co.id), headers=peer.headers)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    members = (await client.get(f"{API}/projects/{world.project_id}/members", headers=lead.headers)).json()
    assert co.id in [str(m["user_id"]) for m in members]
