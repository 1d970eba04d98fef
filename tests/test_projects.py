"""Projects, members and phases: the contract and the object-level access rules."""

import httpx
import pytest

from tests.conftest import World, add_member, create_project, make_person

PHASES = ["topic", "design", "informants", "data_collection", "analysis", "dissemination"]


async def test_creator_becomes_lead_and_six_phases_exist(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    project = (await client.get(f"/api/v1/projects/{world.project_id}", headers=lead.headers)).json()
    phases = (await client.get(f"/api/v1/projects/{world.project_id}/phases", headers=lead.headers)).json()
    members = (await client.get(f"/api/v1/projects/{world.project_id}/members", headers=lead.headers)).json()

    assert project["my_role"] == "lead" and project["status"] == "planning"
    assert project["title"] == "Brukerstemmer i psykisk helse"
    assert [p["phase"] for p in phases] == PHASES
    assert all(p["status"] == "not_started" and p["planned_level"] is None for p in phases)
    assert {m["user_id"]: m["role"] for m in members} == {
        lead.id: "lead",
        world.people["researcher"].id: "researcher",
        world.people["co_researcher"].id: "co_researcher",
    }


async def test_norwegian_text_survives_the_round_trip(client: httpx.AsyncClient, world: World) -> None:
    text = "Å forstå pårørendes erfaringer – «bruker spør bruker» på sjukehus i Førde"
    await client.patch(
        f"/api/v1/projects/{world.project_id}", json={"summary": text}, headers=world.people["lead"].headers
    )
    project = (
        await client.get(
            f"/api/v1/projects/{world.project_id}", headers=world.people["co_researcher"].headers
        )
    ).json()
    assert project["summary"] == text


async def test_lists_show_only_visible_projects(client: httpx.AsyncClient, world: World) -> None:
    async def titles(persona: str) -> set[str]:
        page = (await client.get("/api/v1/projects", headers=world.people[persona].headers)).json()
        return {project["id"] for project in page["items"]}

    both = {world.project_id, world.other_project_id}
    assert await titles("co_researcher") == {world.project_id}
    assert await titles("other_co_researcher") == {world.other_project_id}
    assert await titles("outsider") == {world.other_project_id}
    assert await titles("research_leader") == both
    assert await titles("admin") == both


async def test_a_new_user_without_projects_sees_an_empty_list(
    client: httpx.AsyncClient, world: World
) -> None:
    newcomer = await make_person(client, "co_researcher", "Nykommer")
    page = (await client.get("/api/v1/projects", headers=newcomer.headers)).json()
    assert page == {"items": [], "next_cursor": None}


async def test_project_pages_are_stable_under_inserts(client: httpx.AsyncClient, world: World) -> None:
    leader = world.people["research_leader"]
    for number in range(3):
        await create_project(client, leader, f"Prosjekt {number}")
    first = (await client.get("/api/v1/projects?limit=2", headers=leader.headers)).json()
    await create_project(client, leader, "Kom inn midt i bla-gjennom")
    rest = (
        await client.get(f"/api/v1/projects?limit=200&cursor={first['next_cursor']}", headers=leader.headers)
    ).json()
    ids = [p["id"] for p in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 6
    assert rest["next_cursor"] is None


@pytest.mark.validation_only
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-30"}, "ends_on"),
        ({"starts_on": "not-a-date"}, "starts_on"),
        ({"title": ""}, "title"),
        ({"involvement_budget_ore": -1}, "involvement_budget_ore"),
        ({"involvement_budget_ore": 12.5}, "involvement_budget_ore"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
async def test_invalid_project_is_refused_with_field_errors(
    client: httpx.AsyncClient, world: World, body: dict, field: str
) -> None:
    payload = {
        "title": "T",
        "funder": "Helse Sør-Øst",
        "grant_reference": "HSØ-1",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        **body,
    }
    response = await client.post("/api/v1/projects", json=payload, headers=world.people["lead"].headers)
    assert response.status_code in (400, 422)
    assert any(field in error["field"] or field in error["message"] for error in response.json()["errors"])


async def test_status_moves_forward_one_step_only(client: httpx.AsyncClient, world: World) -> None:
    url, headers = f"/api/v1/projects/{world.project_id}", world.people["lead"].headers
    skip = await client.patch(url, json={"status": "completed"}, headers=headers)
    forward = await client.patch(url, json={"status": "active"}, headers=headers)
    backward = await client.patch(url, json={"status": "planning"}, headers=headers)
    assert skip.status_code == 409
    assert forward.status_code == 200 and forward.json()["status"] == "active"
    assert backward.status_code == 409


async def test_the_only_lead_cannot_leave_or_be_demoted(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    member_url = f"/api/v1/projects/{world.project_id}/members/{lead.id}"
    assert (await client.delete(member_url, headers=lead.headers)).status_code == 409
    assert (
        await client.put(member_url, json={"role": "researcher"}, headers=lead.headers)
    ).status_code == 409
    await add_member(client, lead, world.project_id, world.people["researcher"], "lead")
    assert (
        await client.put(member_url, json={"role": "researcher"}, headers=lead.headers)
    ).status_code == 200


async def test_a_co_researcher_account_can_only_be_a_co_researcher_member(
    client: httpx.AsyncClient, world: World
) -> None:
    target = world.people["other_co_researcher"]
    response = await client.put(
        f"/api/v1/projects/{world.project_id}/members/{target.id}",
        json={"role": "lead"},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 422


async def test_adding_an_unknown_user_is_404(client: httpx.AsyncClient, world: World) -> None:
    response = await client.put(
        f"/api/v1/projects/{world.project_id}/members/00000000-0000-0000-0000-000000000000",
        json={"role": "researcher"},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 404


async def test_removed_member_loses_sight_of_the_project(client: httpx.AsyncClient, world: World) -> None:
    co = world.people["co_researcher"]
    url = f"/api/v1/projects/{world.project_id}"
    assert (
        await client.delete(f"{url}/members/{co.id}", headers=world.people["lead"].headers)
    ).status_code == 204
    assert (await client.get(url, headers=co.headers)).status_code == 404


async def test_phase_is_planned_by_the_lead(client: httpx.AsyncClient, world: World) -> None:
    url = f"/api/v1/projects/{world.project_id}/phases"
    lead = world.people["lead"]
    updated = await client.patch(
        f"{url}/analysis",
        json={
            "planned_level": "collaborate",
            "status": "ongoing",
            "notes": "Analyseverksted i mars",
            "budget_ore": 2_500_000,
        },
        headers=lead.headers,
    )
    unknown = await client.patch(f"{url}/brainstorm", json={"status": "ongoing"}, headers=lead.headers)
    bad_level = await client.patch(f"{url}/analysis", json={"planned_level": "dictate"}, headers=lead.headers)

    assert updated.status_code == 200
    assert updated.json() | {"updated_at": None} == {
        "phase": "analysis",
        "position": 5,
        "planned_level": "collaborate",
        "status": "ongoing",
        "notes": "Analyseverksted i mars",
        "budget_ore": 2_500_000,
        "updated_at": None,
    }
    assert unknown.status_code == 404
    assert bad_level.status_code == 400


async def test_project_changes_are_audited(client: httpx.AsyncClient, world: World) -> None:
    await client.patch(
        f"/api/v1/projects/{world.project_id}",
        json={"title": "Nytt navn"},
        headers=world.people["lead"].headers,
    )
    rows = (
        await client.get(
            f"/api/v1/audit?entity=project&entity_id={world.project_id}",
            headers=world.people["admin"].headers,
        )
    ).json()["items"]
    actions = [row["action"] for row in rows]
    assert actions[0] == "project.update"
    assert rows[0]["changes"] == {"title": {"before": "Brukerstemmer i psykisk helse", "after": "Nytt navn"}}
    assert "project.create" in actions and actions.count("project.member_put") == 2
