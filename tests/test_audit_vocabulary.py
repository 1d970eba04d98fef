"""The audit log records real changes only, under actions from a fixed vocabulary."""

import ast
from pathlib import Path

import httpx
import pytest

from coresearch.domain.audit import service as audit
from coresearch.domain.audit.actions import ACTIONS
from coresearch.domain.audit.tables import AuditEntry
from tests.conftest import World

SOURCE = Path(__file__).resolve().parents[1] / "src/coresearch"


def record_calls() -> list[tuple[str, int, ast.expr | None]]:
    """Every call of the audit writer in the source: (file, line, its `action` argument)."""
    calls = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name == "record":
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
                calls.append((str(path.relative_to(SOURCE)), node.lineno, action))
    return calls


def test_every_action_the_code_writes_is_a_fixed_word_of_the_vocabulary() -> None:
    calls = record_calls()
    assert len(calls) >= 25  # the scan finds the writer's calls at all
    for path, line, action in calls:
        # A constant, never an f-string or a variable: nothing (no id) can be formatted into it.
        assert isinstance(action, ast.Constant), f"{path}:{line}: action must be a literal"
        assert action.value in ACTIONS, f"{path}:{line}: {action.value!r} is not in AuditAction"
    assert all(":" not in action and "{" not in action for action in ACTIONS)


async def test_the_writer_refuses_an_action_outside_the_vocabulary(client: httpx.AsyncClient) -> None:
    rows = await AuditEntry.count()
    with pytest.raises(audit.UnknownAuditAction):
        await audit.record(actor=audit.SYSTEM, action="phase.update:design", entity="project", entity_id="x")
    assert await AuditEntry.count() == rows


async def test_a_change_in_which_nothing_differs_is_not_recorded(client: httpx.AsyncClient) -> None:
    rows = await AuditEntry.count()
    written = await audit.record(
        actor=audit.SYSTEM,
        action="project.update",
        entity="project",
        entity_id="x",
        before={"title": "Samme"},
        after={"title": "Samme"},
    )
    assert written is False and await AuditEntry.count() == rows
    assert await audit.record(actor=audit.SYSTEM, action="auth.logout", entity="user", entity_id="x")
    assert await AuditEntry.count() == rows + 1  # events without before/after are still recorded


async def test_phase_updates_name_the_phase_in_the_changes_and_no_ops_leave_no_row(
    client: httpx.AsyncClient, world: World
) -> None:
    lead, admin = world.people["lead"], world.people["admin"]
    url = f"/api/v1/projects/{world.project_id}/phases/design"
    body = {"planned_level": "collaborate", "status": "ongoing"}
    for _ in range(3):
        assert (await client.patch(url, json=body, headers=lead.headers)).status_code == 200

    response = await client.get(
        "/api/v1/audit", params={"entity_id": world.project_id, "limit": 200}, headers=admin.headers
    )
    phase_rows = [row for row in response.json()["items"] if row["action"].startswith("phase.")]
    assert len(phase_rows) == 1
    assert phase_rows[0]["action"] == "phase.update"
    assert phase_rows[0]["changes"]["phase"] == {"before": "design", "after": "design"}
    assert phase_rows[0]["changes"]["status"]["after"] == "ongoing"
    assert all(row["changes"] for row in response.json()["items"] if row["action"].endswith(".update"))
