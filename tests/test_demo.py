"""`coresearch demo`: a complete Norwegian demo project, loaded once, never into PostgreSQL by accident."""

from __future__ import annotations

from pathlib import Path

import httpx

from coresearch.demo import MARKER_EMAIL, TITLE, load_demo
from tests.conftest import Backend, sign_in
from tests.test_cli import run

LEADER_EMAIL = "ragnhild.overgard@example.no"
ASE_EMAIL = "ase.bjornstad@example.no"


async def _get(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> object:
    response = await client.get(f"/api/v1{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_demo_holds_a_whole_project_and_a_second_load_changes_nothing(
    backend: Backend, client: httpx.AsyncClient
) -> None:
    first = await load_demo(settings=backend.settings, force=True)
    second = await load_demo(settings=backend.settings, force=True)

    assert first.created and not second.created
    assert second.project_id == first.project_id
    assert all(account.password is None for account in second.accounts)
    passwords = {account.email: account.password for account in first.accounts}
    assert len(passwords) == 6 and len(set(passwords.values())) == 6
    lead = await sign_in(client, MARKER_EMAIL, passwords[MARKER_EMAIL])
    leader = await sign_in(client, LEADER_EMAIL, passwords[LEADER_EMAIL])
    project_id = first.project_id

    projects = await _get(client, "/projects", leader)
    assert [p["title"] for p in projects["items"]] == [TITLE]
    project = await _get(client, f"/projects/{project_id}", lead)
    assert project["status"] == "active" and "pårørende" in project["summary"]
    members = await _get(client, f"/projects/{project_id}/members", lead)
    assert {"Åse Bjørnstad", "Øystein Kvæl", "Siv Ødegård Næss", "Ingrid Sæther"} <= {
        m["full_name"] for m in members
    }
    assert len(members) == 5

    phases = await _get(client, f"/projects/{project_id}/phases", lead)
    assert len(phases) == 6 and all(p["planned_level"] for p in phases)
    assert {p["phase"]: p["planned_level"] for p in phases}["data_collection"] == "lead"

    tasks = (await _get(client, f"/projects/{project_id}/tasks", lead))["items"]
    assert 3 <= len(tasks) and all(t["due_on"] for t in tasks)
    assert {t["status"] for t in tasks} == {"todo", "in_progress", "done"}

    meetings = (await _get(client, f"/projects/{project_id}/meetings", lead))["items"]
    assert len(meetings) == 2
    attendance = [await _get(client, f"/meetings/{m['id']}/attendance", lead) for m in meetings]
    assert all(len(rows) == 3 for rows in attendance)
    assert any(not row["attended"] for rows in attendance for row in rows)

    agreements = (await _get(client, f"/projects/{project_id}/agreements", lead))["items"]
    assert [(a["status"], a["version"], a["accepted_version"]) for a in agreements] == [("active", 2, 2)]
    agreement = await _get(client, f"/agreements/{agreements[0]['id']}", lead)
    assert [v["version"] for v in agreement["versions"]] == [1, 2]
    assert "Medforsker: Åse Bjørnstad" in agreement["accepted_text"]
    assert "senest 7 dager" in agreement["versions"][0]["accepted_text"]
    assert "senest 10 dager" in agreement["accepted_text"]

    logged = (await _get(client, f"/projects/{project_id}/activities", lead))["items"]
    assert 6 <= len(logged) <= 10
    assert len({a["phase"] for a in logged}) >= 5
    with_impact = [a for a in logged if a["hoped_to_influence"] and a["what_changed"] and a["why_it_matters"]]
    assert len(with_impact) >= 3
    assert any("første 14 dagene hjemme" in a["what_changed"] for a in logged)

    rounds = (await _get(client, f"/projects/{project_id}/evaluation-rounds", lead))["items"]
    assert [r["status"] for r in rounds] == ["open", "closed"]
    summary = await _get(client, f"/evaluation-rounds/{rounds[1]['id']}/summary", lead)
    assert summary["count"] == rounds[1]["answer_count"] >= 3
    assert summary["questions"]["voice"]["mean"] is not None and summary["comments"]

    ase = await sign_in(client, ASE_EMAIL, passwords[ASE_EMAIL])
    own_tasks = (await _get(client, "/me/tasks", ase))["items"]
    assert "Lese sakspapirene før første analyseverksted" in {t["title"] for t in own_tasks}
    impact = (await _get(client, "/me/impact?only_with_change=true", ase))["items"]
    assert impact and all(entry["what_changed"] for entry in impact)
    seen_by_ase = (await _get(client, f"/projects/{project_id}/evaluation-rounds", ase))["items"]
    assert [r["answered"] for r in seen_by_ase] == [False, True]


def test_the_command_prints_the_accounts_once_and_is_idempotent(tmp_path: Path) -> None:
    env = {"COSEARCH_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}

    first = run(env, "demo")
    second = run(env, "demo")

    assert first.returncode == 0, first.stderr
    assert "Åse Bjørnstad" in first.stdout and MARKER_EMAIL in first.stdout
    assert "POST /api/v1/auth/login" in first.stdout and "/schema" in first.stdout
    lead_line = next(line for line in first.stdout.splitlines() if MARKER_EMAIL in line)
    lead_password = lead_line.split()[-1]
    assert lead_password != MARKER_EMAIL and len(lead_password) >= 12
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout
    assert lead_password not in second.stdout


def test_the_command_refuses_postgres_without_force(tmp_path: Path) -> None:
    env = {
        # Nothing listens on port 9: the refusal comes before any connection.
        "COSEARCH_DATABASE_URL": "postgresql://demo@127.0.0.1:9/coresearch",
        "COSEARCH_SECRET_KEY": "demo-test-secret-" + "z" * 32,
        "COSEARCH_DATA_KEYS": "q" * 43,
        "CWD": str(tmp_path),
    }

    result = run(env, "demo")

    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.stderr
