"""Tasks, meetings and attendance: the contract, who sees what, pagination and the audit trail."""

import uuid
from functools import partial

import httpx
import pytest

from tests.conftest import Person, World, add_member

API = "/api/v1"
TASK = {"title": "Les gjennom intervjuguiden", "phase": "data_collection"}
MEETING = {
    "title": "Arbeidsmøte i referansegruppa",
    "phase": "design",
    "starts_at": "2026-03-02T10:00:00+01:00",
    "ends_at": "2026-03-02T12:00:00+01:00",
}


async def new_task(client: httpx.AsyncClient, person: Person, project_id: str, **fields: object) -> dict:
    response = await client.post(
        f"{API}/projects/{project_id}/tasks", json={**TASK, **fields}, headers=person.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def new_meeting(client: httpx.AsyncClient, person: Person, project_id: str, **fields: object) -> dict:
    response = await client.post(
        f"{API}/projects/{project_id}/meetings", json={**MEETING, **fields}, headers=person.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def slot(start: str, end: str) -> dict[str, str]:
    """A meeting's times from two UTC `YYYY-MM-DDTHH:MM` strings."""
    return {"starts_at": f"{start}:00Z", "ends_at": f"{end}:00Z"}


async def titles(client: httpx.AsyncClient, person: Person, url: str, **params: object) -> list[str]:
    response = await client.get(url, params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_staff_create_a_task_with_deduplicated_sorted_assignees(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    fields = {"assignee_ids": [co.id, researcher.id, co.id], "due_on": "2026-05-01", "estimated_minutes": 90}
    task = await new_task(client, lead, world.project_id, **fields)
    assert task["assignee_ids"] == sorted([co.id, researcher.id])
    assert task["status"] == "todo" and task["project_id"] == world.project_id
    assert task["due_on"] == "2026-05-01" and task["estimated_minutes"] == 90
    read = await client.get(f"{API}/tasks/{task['id']}", headers=co.headers)
    # Creating answers the task with its benefit warnings (none here: nobody is on AAP).
    assert task.pop("benefit_warnings") == []
    assert read.status_code == 200 and read.json() == task


async def test_norwegian_text_survives_the_round_trip(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    text = "Å forstå pårørendes erfaringer – «bruker spør bruker» på sjukehus i Førde"
    task = await new_task(client, lead, world.project_id, title="Blåbærtur og ærend", description=text)
    meeting = await new_meeting(client, lead, world.project_id, location="Møterom Æsøy", agenda=text)
    got_task = (await client.get(f"{API}/tasks/{task['id']}", headers=lead.headers)).json()
    got_meeting = (await client.get(f"{API}/meetings/{meeting['id']}", headers=lead.headers)).json()
    assert (got_task["title"], got_task["description"]) == ("Blåbærtur og ærend", text)
    assert (got_meeting["location"], got_meeting["agenda"]) == ("Møterom Æsøy", text)


@pytest.mark.validation_only
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phase": "planning"}, "phase"),
        ({"estimated_minutes": 0}, "estimated_minutes"),
        ({"estimated_minutes": 10_001}, "estimated_minutes"),
        ({"estimated_minutes": 12.5}, "estimated_minutes"),
        ({"title": ""}, "title"),
        ({"title": "Nul\u0000tegn"}, "title"),
        ({"due_on": "1. mai"}, "due_on"),
        ({"assignee_ids": [str(uuid.uuid4()) for _ in range(51)]}, "assignee_ids"),
        ({"owner": "meg"}, "owner"),
    ],
)
async def test_malformed_task_is_refused_with_400(
    client: httpx.AsyncClient, world: World, fields: dict, field: str
) -> None:
    response = await client.post(
        f"{API}/projects/{world.project_id}/tasks",
        json={**TASK, **fields},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 400
    assert any(field in e["field"] or field in e["message"] for e in response.json()["errors"])


async def test_assignees_must_be_current_members(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    stranger, unknown = world.people["other_co_researcher"].id, str(uuid.uuid4())
    task = await new_task(client, lead, world.project_id)
    created = await client.post(
        f"{API}/projects/{world.project_id}/tasks",
        json={**TASK, "assignee_ids": [world.people["co_researcher"].id, stranger]},
        headers=lead.headers,
    )
    patched = await client.patch(
        f"{API}/tasks/{task['id']}", json={"assignee_ids": [unknown]}, headers=lead.headers
    )
    for response, who in ((created, stranger), (patched, unknown)):
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "assignee_ids" and who in error["message"]
    listed = (await client.get(f"{API}/projects/{world.project_id}/tasks", headers=lead.headers)).json()
    assert [t["id"] for t in listed["items"]] == [task["id"]] and listed["items"][0]["assignee_ids"] == []


async def test_staff_change_every_field_and_status_moves_freely(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, researcher, co = (world.people[p] for p in ("lead", "researcher", "co_researcher"))
    task = await new_task(client, lead, world.project_id, assignee_ids=[co.id], due_on="2026-05-01")
    url = f"{API}/tasks/{task['id']}"
    changed = await client.patch(
        url,
        json={
            "title": "Pilotintervju",
            "phase": "analysis",
            "assignee_ids": [researcher.id],
            "due_on": None,
            "estimated_minutes": 45,
            "status": "done",
        },
        headers=researcher.headers,
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["title"], body["phase"], body["status"]) == ("Pilotintervju", "analysis", "done")
    assert body["assignee_ids"] == [researcher.id] and body["due_on"] is None
    assert body["estimated_minutes"] == 45 and body["updated_at"] > task["updated_at"]
    for status in ("todo", "in_progress", "todo", "done", "in_progress"):
        response = await client.patch(url, json={"status": status}, headers=lead.headers)
        assert response.status_code == 200 and response.json()["status"] == status


async def test_an_assigned_co_researcher_may_change_only_the_status(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    url = f"{API}/tasks/{(await new_task(client, lead, world.project_id, assignee_ids=[co.id]))['id']}"
    assert (await client.patch(url, json={"title": "Mitt"}, headers=co.headers)).status_code == 403
    both = await client.patch(url, json={"status": "done", "due_on": "2026-01-01"}, headers=co.headers)
    assert both.status_code == 403
    done = await client.patch(url, json={"status": "done"}, headers=co.headers)
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["title"] == TASK["title"] and done.json()["due_on"] is None


async def test_a_co_researcher_cannot_see_tasks_not_assigned_to_them(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, researcher = (world.people[p] for p in ("lead", "co_researcher", "researcher"))
    mine = await new_task(client, lead, world.project_id, title="Min", assignee_ids=[co.id])
    theirs = await new_task(client, lead, world.project_id, title="Forskerens", assignee_ids=[researcher.id])
    await new_task(client, lead, world.project_id, title="Ingen sin")
    url = f"{API}/projects/{world.project_id}/tasks"
    assert await titles(client, co, url) == ["Min"]
    assert await titles(client, co, url, assignee_id=researcher.id) == []
    assert sorted(await titles(client, lead, url)) == ["Forskerens", "Ingen sin", "Min"]
    assert (await client.get(f"{API}/tasks/{theirs['id']}", headers=co.headers)).status_code == 404
    patched = await client.patch(f"{API}/tasks/{theirs['id']}", json={"status": "done"}, headers=co.headers)
    assert patched.status_code == 404
    assert (await client.get(f"{API}/tasks/{mine['id']}", headers=co.headers)).status_code == 200


async def test_people_outside_the_project_get_404_everywhere(client: httpx.AsyncClient, world: World) -> None:
    lead, outsider, co = world.people["lead"], world.people["outsider"], world.people["co_researcher"]
    task = await new_task(client, lead, world.project_id, assignee_ids=[co.id])
    meeting = await new_meeting(client, lead, world.project_id)
    calls = [
        ("GET", f"/projects/{world.project_id}/tasks", None),
        ("POST", f"/projects/{world.project_id}/tasks", TASK),
        ("GET", f"/projects/{world.project_id}/meetings", None),
        ("POST", f"/projects/{world.project_id}/meetings", MEETING),
        ("GET", f"/tasks/{task['id']}", None),
        ("PATCH", f"/tasks/{task['id']}", {"status": "done"}),
        ("GET", f"/meetings/{meeting['id']}", None),
        ("PATCH", f"/meetings/{meeting['id']}", {"title": "Kapret"}),
        ("GET", f"/meetings/{meeting['id']}/attendance", None),
        ("PUT", f"/meetings/{meeting['id']}/attendance/{co.id}", {"attended": False}),
        ("GET", f"/tasks/{uuid.uuid4()}", None),
        ("GET", f"/meetings/{uuid.uuid4()}", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, API + path, json=body, headers=outsider.headers)
        assert response.status_code == 404, (method, path)
    assert (await client.get(f"{API}/tasks/{task['id']}", headers=lead.headers)).json()["status"] == "todo"


async def test_task_filters(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    await new_task(client, lead, world.project_id, title="A", phase="topic", due_on="2026-02-01")
    b = await new_task(client, lead, world.project_id, title="B", due_on="2026-03-01", assignee_ids=[co.id])
    await new_task(client, lead, world.project_id, title="C", due_on="2026-04-01")
    await new_task(client, lead, world.project_id, title="D")
    await client.patch(f"{API}/tasks/{b['id']}", json={"status": "done"}, headers=co.headers)
    url = f"{API}/projects/{world.project_id}/tasks"
    assert await titles(client, lead, url, phase="topic") == ["A"]
    assert await titles(client, lead, url, status="done") == ["B"]
    assert await titles(client, lead, url, status="todo") == ["A", "C", "D"]
    assert await titles(client, lead, url, assignee_id=co.id) == ["B"]
    assert await titles(client, lead, url, due_after="2026-02-01", due_before="2026-04-01") == ["B"]
    for bad in (
        {"phase": "planning"},
        {"due_before": "snart"},
        {"cursor": "bm90LWEtY3Vyc29y"},
        {"limit": 201},
    ):
        assert (await client.get(url, params=bad, headers=lead.headers)).status_code == 400, bad


async def test_my_tasks_span_my_projects_by_due_date_undated_last(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, outsider, co = world.people["lead"], world.people["outsider"], world.people["co_researcher"]
    other_co = world.people["other_co_researcher"]
    await add_member(client, outsider, world.other_project_id, co, "co_researcher")
    here = partial(new_task, client, lead, world.project_id, assignee_ids=[co.id])
    there = partial(new_task, client, outsider, world.other_project_id, assignee_ids=[co.id])
    await here(title="Udatert 1")
    await here(title="Mai", due_on="2026-05-03")
    await there(title="April", due_on="2026-04-01")
    await there(title="Udatert 2")
    await there(title="Ikke min", due_on="2026-01-01", assignee_ids=[other_co.id])
    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"{API}/me/tasks", params=params, headers=co.headers)).json()
        seen += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert [t["title"] for t in seen[:2]] == ["April", "Mai"]
    assert sorted(t["title"] for t in seen[2:]) == ["Udatert 1", "Udatert 2"]
    assert {t["project_id"] for t in seen} == {world.project_id, world.other_project_id}
    assert await titles(client, other_co, f"{API}/me/tasks") == ["Ikke min"]
    assert await titles(client, lead, f"{API}/me/tasks") == []
    await client.delete(f"{API}/projects/{world.other_project_id}/members/{co.id}", headers=outsider.headers)
    assert await titles(client, co, f"{API}/me/tasks") == ["Mai", "Udatert 1"]


@pytest.mark.parametrize("first_page", [2, 4], ids=["cursor-on-a-dated-task", "cursor-on-an-undated-task"])
async def test_task_pages_are_stable_under_inserts(
    client: httpx.AsyncClient, world: World, first_page: int
) -> None:
    lead = world.people["lead"]
    for day in ("2026-03-01", "2026-03-01", "2026-04-01", None, None, None):
        await new_task(client, lead, world.project_id, title=f"Opprinnelig {day}", due_on=day)
    url = f"{API}/projects/{world.project_id}/tasks"
    page = (await client.get(url, params={"limit": first_page}, headers=lead.headers)).json()
    before = await new_task(client, lead, world.project_id, title="Tidlig", due_on="2026-01-01")
    after = await new_task(client, lead, world.project_id, title="Udatert ny")
    rest = (
        await client.get(url, params={"limit": 200, "cursor": page["next_cursor"]}, headers=lead.headers)
    ).json()
    ids = [t["id"] for t in page["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) and rest["next_cursor"] is None
    assert before["id"] not in ids
    assert len(set(ids) - {after["id"]}) == 6
    # The undated newcomer sorts by id among the undated: it appears iff it sorts after the cursor.
    last_undated = page["items"][-1]["due_on"] is None
    assert (after["id"] in ids) == (not last_undated or after["id"] > page["items"][-1]["id"])


async def test_meeting_times_are_stored_in_utc_and_listed_in_order(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    evening = {"starts_at": "2026-03-02T18:00:00+01:00", "ends_at": "2026-03-02T20:00:00+01:00"}
    late = await new_meeting(client, lead, world.project_id, title="Sent", break_minutes=10, **evening)
    await new_meeting(client, lead, world.project_id, title="Tidlig")
    assert (late["starts_at"], late["ends_at"]) == ("2026-03-02T17:00:00Z", "2026-03-02T19:00:00Z")
    assert await titles(client, co, f"{API}/projects/{world.project_id}/meetings") == ["Tidlig", "Sent"]
    moved = await client.patch(
        f"{API}/meetings/{late['id']}",
        json={"starts_at": "2026-03-01T08:00:00Z", "ends_at": "2026-03-01T09:30:00Z"},
        headers=lead.headers,
    )
    assert moved.status_code == 200 and moved.json()["break_minutes"] == 10
    assert await titles(client, co, f"{API}/projects/{world.project_id}/meetings") == ["Sent", "Tidlig"]
    assert (await client.get(f"{API}/meetings/{late['id']}", headers=co.headers)).json() == moved.json()


@pytest.mark.validation_only
@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"ends_at": "2026-03-02T09:00:00+01:00"}, 422, "ends_at"),
        ({"ends_at": MEETING["starts_at"]}, 422, "ends_at"),
        ({"ends_at": "2026-03-03T10:00:01+01:00"}, 422, "ends_at"),
        ({"break_minutes": 121}, 422, "break_minutes"),
        ({"break_minutes": -1}, 400, "break_minutes"),
        ({"starts_at": "2026-03-02T10:00:00"}, 400, "starts_at"),
        ({"phase": "meeting"}, 400, "phase"),
        (
            {"starts_at": "9999-12-31T20:00:00-05:00", "ends_at": "9999-12-31T21:00:00-05:00"},
            422,
            "starts_at",
        ),
    ],
)
async def test_invalid_meeting_is_refused(
    client: httpx.AsyncClient, world: World, fields: dict, status: int, field: str
) -> None:
    response = await client.post(
        f"{API}/projects/{world.project_id}/meetings",
        json={**MEETING, **fields},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == status
    assert any(field in e["field"] for e in response.json()["errors"])


async def test_a_change_that_would_end_a_meeting_before_it_starts_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    meeting = await new_meeting(client, lead, world.project_id, break_minutes=30)
    url = f"{API}/meetings/{meeting['id']}"
    early = await client.patch(url, json={"ends_at": "2026-03-02T08:00:00Z"}, headers=lead.headers)
    short = await client.patch(url, json={"ends_at": "2026-03-02T09:20:00Z"}, headers=lead.headers)
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "ends_at"
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "break_minutes"
    assert (await client.get(url, headers=lead.headers)).json()["ends_at"] == "2026-03-02T11:00:00Z"


async def test_meeting_filters_by_phase_and_days(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    meet = partial(new_meeting, client, lead, world.project_id)
    for day, phase in (("01", "topic"), ("02", "design"), ("03", "design")):
        await meet(
            title=f"{int(day)}. mars", phase=phase, **slot(f"2026-03-{day}T23:00", f"2026-03-{day}T23:59")
        )
    url = f"{API}/projects/{world.project_id}/meetings"
    assert await titles(client, lead, url, phase="design") == ["2. mars", "3. mars"]
    assert await titles(client, lead, url, **{"from": "2026-03-02", "to": "2026-03-02"}) == ["2. mars"]
    assert await titles(client, lead, url, **{"from": "2026-03-02"}) == ["2. mars", "3. mars"]
    assert await titles(client, lead, url, to="2026-03-01") == ["1. mars"]
    assert len(await titles(client, lead, url, to="9999-12-31")) == 3


async def test_meeting_pages_are_stable_under_inserts(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    meet = partial(new_meeting, client, lead, world.project_id)
    for hour in (9, 10, 10, 11, 12):
        await meet(title=f"Kl {hour}", **slot(f"2026-03-02T{hour:02}:00", f"2026-03-02T{hour:02}:30"))
    url = f"{API}/projects/{world.project_id}/meetings"
    page = (await client.get(url, params={"limit": 2}, headers=lead.headers)).json()
    before = await meet(title="Før", **slot("2026-03-01T09:00", "2026-03-01T10:00"))
    after = await meet(title="Etter", **slot("2026-03-05T09:00", "2026-03-05T10:00"))
    rest = (await client.get(url, params={"cursor": page["next_cursor"]}, headers=lead.headers)).json()
    ids = [m["id"] for m in page["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 6
    assert before["id"] not in ids and ids[-1] == after["id"]


async def test_attendance_is_an_upsert_per_co_researcher(client: httpx.AsyncClient, world: World) -> None:
    lead, co = world.people["lead"], world.people["co_researcher"]
    meeting = await new_meeting(client, lead, world.project_id)
    url = f"{API}/meetings/{meeting['id']}/attendance"
    first = await client.put(
        f"{url}/{co.id}", json={"attended": True, "mode": "in_person"}, headers=lead.headers
    )
    second = await client.put(
        f"{url}/{co.id}",
        json={"attended": True, "mode": "remote"},
        headers=world.people["researcher"].headers,
    )
    assert first.status_code == second.status_code == 200
    assert first.json()["full_name"] == "co_researcher" and second.json()["mode"] == "remote"
    [row] = (await client.get(url, headers=lead.headers)).json()
    assert (row["user_id"], row["attended"], row["mode"]) == (co.id, True, "remote")
    absent = await client.put(f"{url}/{co.id}", json={"attended": False}, headers=lead.headers)
    assert absent.status_code == 200 and (absent.json()["attended"], absent.json()["mode"]) == (False, None)
    assert len((await client.get(url, headers=lead.headers)).json()) == 1


@pytest.mark.parametrize(
    ("who", "body", "status", "field"),
    [
        ("co_researcher", {"attended": True}, 422, "mode"),
        ("co_researcher", {"attended": False, "mode": "remote"}, 422, "mode"),
        ("co_researcher", {"attended": True, "mode": "telepathy"}, 400, "mode"),
        ("co_researcher", {"mode": "remote"}, 400, "attended"),
        ("researcher", {"attended": True, "mode": "in_person"}, 422, "user_id"),
        ("other_co_researcher", {"attended": True, "mode": "in_person"}, 422, "user_id"),
    ],
)
async def test_invalid_attendance_is_refused(
    client: httpx.AsyncClient, world: World, who: str, body: dict, status: int, field: str
) -> None:
    lead = world.people["lead"]
    meeting = await new_meeting(client, lead, world.project_id)
    url = f"{API}/meetings/{meeting['id']}/attendance"
    response = await client.put(f"{url}/{world.people[who].id}", json=body, headers=lead.headers)
    assert response.status_code == status
    assert any(field in e["field"] or field in e["message"] for e in response.json()["errors"])
    assert (await client.get(url, headers=lead.headers)).json() == []


async def test_changes_are_audited_with_actor_and_changed_fields(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, co, admin = world.people["lead"], world.people["co_researcher"], world.people["admin"]
    task = await new_task(client, lead, world.project_id, assignee_ids=[co.id])
    await client.patch(f"{API}/tasks/{task['id']}", json={"status": "in_progress"}, headers=co.headers)
    await client.patch(f"{API}/tasks/{task['id']}", json={"assignee_ids": []}, headers=lead.headers)
    meeting = await new_meeting(client, lead, world.project_id)
    await client.put(
        f"{API}/meetings/{meeting['id']}/attendance/{co.id}",
        json={"attended": True, "mode": "remote"},
        headers=lead.headers,
    )

    async def audit(entity: str) -> list[dict]:
        response = await client.get(f"{API}/audit", params={"entity": entity}, headers=admin.headers)
        return response.json()["items"][::-1]

    create, by_co, by_lead = await audit("task")
    assert create["action"] == "task.create" and create["entity_id"] == task["id"]
    assert create["changes"]["title"] == {"before": None, "after": TASK["title"]}
    assert (by_co["actor_id"], by_co["changes"]) == (
        co.id,
        {"status": {"before": "todo", "after": "in_progress"}},
    )
    assert by_lead["changes"] == {"assignee_ids": {"before": [co.id], "after": []}}
    created, attended = await audit("meeting")
    assert created["changes"]["starts_at"]["after"].startswith("2026-03-02T09:00:00")
    assert attended["action"] == "meeting.attendance" and attended["entity_id"] == meeting["id"]
    assert attended["changes"] == {
        "attended": {"before": None, "after": True},
        "mode": {"before": None, "after": "remote"},
        "user_id": {"before": None, "after": co.id},
    }
