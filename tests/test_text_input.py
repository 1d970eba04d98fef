"""Text input: NUL (which PostgreSQL cannot store) and control characters are refused with a 400
naming the field, nothing is stored; Norwegian letters and emoji survive the round trip."""

import httpx
import pytest
from asyncpg.exceptions import CharacterNotInRepertoireError

from coresearch.lib.problems import problem_details_config
from tests.conftest import Person, World

API = "/api/v1"
NUL = "\u0000"
PROJECT = {
    "title": "Brukermedvirkning i rus",
    "funder": "Helse Nord",
    "grant_reference": "HN-2026-7",
    "starts_on": "2026-01-01",
    "ends_on": "2027-12-31",
}
TASK = {"title": "Skriv invitasjon", "phase": "design"}
ACTIVITY = {
    "phase": "design",
    "kind": "workshop",
    "occurred_on": "2026-03-02",
    "level": "collaborate",
    "minutes": 90,
}


def assert_refused(response: httpx.Response, field: str, mentions: str = "NUL") -> None:
    """A 400 validation problem naming `field`, saying what is wrong with it."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = [error for error in response.json()["errors"] if error["field"] == field]
    assert errors, response.json()
    assert mentions in errors[0]["message"]


async def get_json(client: httpx.AsyncClient, person: Person, path: str, **params: object) -> dict:
    response = await client.get(f"{API}{path}", params=params, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_nul_in_a_project_title_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    before = await get_json(client, lead, "/projects", limit=200)
    created = await client.post(
        f"{API}/projects", json={**PROJECT, "title": f"Rus{NUL}og psykisk helse"}, headers=lead.headers
    )
    patched = await client.patch(
        f"{API}/projects/{world.project_id}", json={"title": f"Ny{NUL}tittel"}, headers=lead.headers
    )
    assert_refused(created, "title")
    assert_refused(patched, "title")
    assert await get_json(client, lead, "/projects", limit=200) == before


async def test_nul_in_a_task_title_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    response = await client.post(
        f"{API}/projects/{world.project_id}/tasks",
        json={**TASK, "title": f"Skriv{NUL}"},
        headers=lead.headers,
    )
    assert_refused(response, "title")
    assert (await get_json(client, lead, f"/projects/{world.project_id}/tasks"))["items"] == []


async def test_nul_in_an_activity_summary_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    body = {**ACTIVITY, "participant_ids": [lead.id], "summary": f"Vi møttes{NUL} i dag"}
    response = await client.post(
        f"{API}/projects/{world.project_id}/activities", json=body, headers=lead.headers
    )
    assert_refused(response, "summary")
    assert (await get_json(client, lead, f"/projects/{world.project_id}/activities"))["items"] == []


async def test_nul_in_a_user_name_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    admin, lead = world.people["admin"], world.people["lead"]
    body = {"email": "kari.nul@example.no", "full_name": f"Kari{NUL}Nordmann", "role": "co_researcher"}
    created = await client.post(f"{API}/users", json=body, headers=admin.headers)
    patched = await client.patch(
        f"{API}/users/{lead.id}", json={"full_name": f"Lead{NUL}"}, headers=admin.headers
    )
    assert_refused(created, "full_name")
    assert_refused(patched, "full_name")
    users = (await get_json(client, admin, "/users", limit=200))["items"]
    assert "kari.nul@example.no" not in {user["email"] for user in users}
    assert (await get_json(client, admin, f"/users/{lead.id}"))["full_name"] == "lead"


async def test_nul_in_an_evaluation_comment_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    lead = world.people["lead"]
    opened = await client.post(
        f"{API}/projects/{world.project_id}/evaluation-rounds", json={"title": "Runde"}, headers=lead.headers
    )
    scores = {"voice": 4, "contribute": 4, "agenda": 3, "change": 3, "comment": f"Bra{NUL}"}
    response = await client.post(
        f"{API}/evaluation-rounds/{opened.json()['id']}/answers",
        json=scores,
        headers=world.people["co_researcher"].headers,
    )
    assert_refused(response, "comment")
    rounds = await get_json(client, lead, f"/projects/{world.project_id}/evaluation-rounds")
    assert rounds["items"][0]["answer_count"] == 0


async def test_nul_in_a_sign_in_email_is_a_400_not_a_server_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{API}/auth/login", json={"email": f"kari{NUL}@example.no", "password": "Fjellvann-2026"}
    )
    assert_refused(response, "email")


@pytest.mark.parametrize("parameter", ["entity", "entity_id"])
async def test_nul_in_a_text_filter_is_refused(
    client: httpx.AsyncClient, world: World, parameter: str
) -> None:
    response = await client.get(
        f"{API}/audit", params={parameter: f"project{NUL}"}, headers=world.people["admin"].headers
    )
    assert_refused(response, parameter)


async def test_nul_in_a_cursor_is_refused(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"{API}/projects/{world.project_id}/activities",
        params={"cursor": f"WyIyMDI2LTAxLTAxIiw{NUL}"},
        headers=world.people["lead"].headers,
    )
    assert response.status_code == 400


@pytest.mark.validation_only
@pytest.mark.parametrize(
    "title",
    ["Linje 1\nLinje 2", "Etterslep\n", "Med\ttabulator", "Vognretur\r", "Escape \x1b[31m", "C1 \x85 tegn"],
)
async def test_single_line_fields_refuse_control_characters(
    client: httpx.AsyncClient, world: World, title: str
) -> None:
    lead = world.people["lead"]
    response = await client.post(
        f"{API}/projects/{world.project_id}/tasks", json={**TASK, "title": title}, headers=lead.headers
    )
    assert_refused(response, "title", mentions="control characters")
    assert (await get_json(client, lead, f"/projects/{world.project_id}/tasks"))["items"] == []


async def test_multi_line_fields_keep_tabs_and_line_breaks(client: httpx.AsyncClient, world: World) -> None:
    lead = world.people["lead"]
    summary = "Dagsorden:\r\n\t1. Velkommen\n\t2. Intervjuguiden\n"
    body = {**ACTIVITY, "participant_ids": [lead.id], "summary": summary}
    response = await client.post(
        f"{API}/projects/{world.project_id}/activities", json=body, headers=lead.headers
    )
    assert response.status_code == 201, response.text
    assert (await get_json(client, lead, f"/activities/{response.json()['id']}"))["summary"] == summary


async def test_norwegian_letters_and_emoji_survive_the_round_trip(
    client: httpx.AsyncClient, world: World
) -> None:
    admin, lead = world.people["admin"], world.people["lead"]
    title, name, text = "Blåbær, rørosmat og Ærø 🫐", "Åse Øyen-Ærlig 🌻", "Vi lærte mye 👍🏽 – «takk»!"
    project = await client.post(f"{API}/projects", json={**PROJECT, "title": title}, headers=lead.headers)
    task = await client.post(
        f"{API}/projects/{world.project_id}/tasks", json={**TASK, "title": title}, headers=lead.headers
    )
    activity = await client.post(
        f"{API}/projects/{world.project_id}/activities",
        json={**ACTIVITY, "participant_ids": [lead.id], "summary": text},
        headers=lead.headers,
    )
    user = await client.post(
        f"{API}/users",
        json={"email": "ase@example.no", "full_name": name, "role": "co_researcher"},
        headers=admin.headers,
    )
    for response in (project, task, activity, user):
        assert response.status_code == 201, response.text
    assert (await get_json(client, lead, f"/projects/{project.json()['id']}"))["title"] == title
    assert (await get_json(client, lead, f"/tasks/{task.json()['id']}"))["title"] == title
    assert (await get_json(client, lead, f"/activities/{activity.json()['id']}"))["summary"] == text
    assert (await get_json(client, admin, f"/users/{user.json()['id']}"))["full_name"] == name


def test_text_the_database_refuses_is_a_400_wherever_a_field_type_misses_it() -> None:
    to_problem = problem_details_config(())
    refused = CharacterNotInRepertoireError('invalid byte sequence for encoding "UTF8": 0x00')
    problem = to_problem.exception_to_problem_detail_map[CharacterNotInRepertoireError](refused)
    assert problem.status_code == 400
    assert "NUL" in problem.detail
