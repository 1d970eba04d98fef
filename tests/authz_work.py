"""Authorization-matrix entries for the work area's routes (merged into test_authorization.MATRIX).

`prepare` creates, as the project's lead, a task assigned to the project's co-researcher and a
meeting; the cases read their ids from `world.extra`.
"""

from collections.abc import Callable

import httpx

from tests.authz_common import STAFF_ACTIONS, VISIBLE_TO_MEMBERS, Case, answers, project_url
from tests.conftest import World

TASK_BODY = {"title": "Les gjennom intervjuguiden", "phase": "data_collection", "due_on": "2026-05-01"}
MEETING_BODY = {
    "title": "Arbeidsmøte i referansegruppa",
    "phase": "design",
    "starts_at": "2026-03-02T10:00:00+01:00",
    "ends_at": "2026-03-02T12:00:00+01:00",
    "location": "Møterom Fløyen",
    "break_minutes": 15,
}


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """Create a task assigned to the co-researcher and a meeting in `world.project_id`."""
    lead = world.people["lead"].headers
    task = await client.post(
        f"/api/v1/projects/{world.project_id}/tasks",
        json={**TASK_BODY, "assignee_ids": [world.people["co_researcher"].id]},
        headers=lead,
    )
    meeting = await client.post(
        f"/api/v1/projects/{world.project_id}/meetings", json=MEETING_BODY, headers=lead
    )
    assert task.status_code == meeting.status_code == 201, (task.text, meeting.text)
    return {"task_id": task.json()["id"], "meeting_id": meeting.json()["id"]}


def task_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/tasks/{w.extra['task_id']}{suffix}"


def meeting_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/meetings/{w.extra['meeting_id']}{suffix}"


def task_change(persona: str, w: World) -> dict[str, str]:
    """Co-researchers may change only the status (of tasks assigned to them); staff anything."""
    if persona.endswith("co_researcher"):
        return {"status": "in_progress"}
    return {"title": "Les og kommenter intervjuguiden", "status": "in_progress"}


MATRIX: dict[tuple[str, str], Case] = {
    ("POST", "/api/v1/projects/{project_id:uuid}/tasks"): Case(
        url=project_url("/tasks"),
        body=lambda p, w: {**TASK_BODY, "assignee_ids": [w.people["co_researcher"].id]},
        expected=answers(201, **STAFF_ACTIONS),
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/tasks"): Case(
        url=project_url("/tasks"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/tasks/{task_id:uuid}"): Case(
        url=task_url(), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("PATCH", "/api/v1/tasks/{task_id:uuid}"): Case(
        url=task_url(), body=task_change, expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/me/tasks"): Case(url=lambda w: "/api/v1/me/tasks", expected=answers(200)),
    ("POST", "/api/v1/projects/{project_id:uuid}/meetings"): Case(
        url=project_url("/meetings"), body=lambda p, w: MEETING_BODY, expected=answers(201, **STAFF_ACTIONS)
    ),
    ("GET", "/api/v1/projects/{project_id:uuid}/meetings"): Case(
        url=project_url("/meetings"), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("GET", "/api/v1/meetings/{meeting_id:uuid}"): Case(
        url=meeting_url(), expected=answers(200, **VISIBLE_TO_MEMBERS)
    ),
    ("PATCH", "/api/v1/meetings/{meeting_id:uuid}"): Case(
        url=meeting_url(),
        body=lambda p, w: {"agenda": "1. Velkommen\n2. Intervjuguiden"},
        expected=answers(200, **STAFF_ACTIONS),
    ),
    ("POST", "/api/v1/meetings/{meeting_id:uuid}/cancel"): Case(
        url=meeting_url("/cancel"), expected=answers(200, **STAFF_ACTIONS)
    ),
    ("GET", "/api/v1/meetings/{meeting_id:uuid}/attendance"): Case(
        url=meeting_url("/attendance"), expected=answers(200, **STAFF_ACTIONS)
    ),
    ("PUT", "/api/v1/meetings/{meeting_id:uuid}/attendance/{user_id:uuid}"): Case(
        url=lambda w: f"/api/v1/meetings/{w.extra['meeting_id']}/attendance/{w.people['co_researcher'].id}",
        body=lambda p, w: {"attended": True, "mode": "in_person"},
        expected=answers(200, **STAFF_ACTIONS),
    ),
}

# A meeting is cancelled once; each persona gets a meeting afresh.
ONE_SHOT = {("POST", "/api/v1/meetings/{meeting_id:uuid}/cancel")}
