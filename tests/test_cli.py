"""The `coresearch` command: its commands in-process, `serve` as a real process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import PG_ADMIN_URL, _admin_connection, _database_url

COMMAND = str(Path(sys.executable).with_name("coresearch"))


@dataclass(frozen=True)
class Outcome:
    """What one command did: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run(env: dict[str, str], *args: str) -> Outcome:
    """Run `coresearch ARGS` in this process, with only `env`'s COSEARCH_* settings and its CWD.

    Starting a process costs seconds of imports per call; these tests check what the commands do,
    not the process (the `serve` tests below start real processes). The command installs its own
    database engine, so the session's engine is put back afterwards; inside an async test the
    command runs in a thread of its own (it starts its own event loop) while the test waits.
    """
    outcome: list[Outcome] = []

    def invoke() -> None:
        from coresearch import cli
        from coresearch.lib import db

        saved_env, saved_cwd, engine = dict(os.environ), os.getcwd(), db.current_engine()
        try:
            for name in [name for name in os.environ if name.startswith("COSEARCH_")]:
                del os.environ[name]
            os.environ.update({k: v for k, v in env.items() if k != "CWD"})
            os.chdir(env.get("CWD", saved_cwd))
            result = CliRunner().invoke(cli.main, list(args), catch_exceptions=False)
            outcome.append(Outcome(result.exit_code, result.stdout, result.stderr))
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            db.use_engine(engine)

    thread = threading.Thread(target=invoke)
    thread.start()
    thread.join(timeout=120)
    assert outcome, f"coresearch {' '.join(args)} did not finish"
    return outcome[0]


@pytest.fixture(params=["sqlite", "postgres"])
async def cli_env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    env = {"COSEARCH_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}
    if request.param == "sqlite":
        yield env
        return
    async for pg_env in _postgres_cli_env(env):
        yield pg_env


@pytest.fixture
async def pg_cli_env(tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    async for env in _postgres_cli_env({"COSEARCH_DATA_DIR": str(tmp_path / "data"), "CWD": str(tmp_path)}):
        yield env


async def _postgres_cli_env(env: dict[str, str]) -> AsyncIterator[dict[str, str]]:
    admin = await _admin_connection()
    name = f"coresearch_cli_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    env |= {
        "COSEARCH_DATABASE_URL": _database_url(PG_ADMIN_URL, name),
        "COSEARCH_SECRET_KEY": "cli-test-secret-" + "y" * 32,
        "COSEARCH_DATA_KEYS": "q" * 43,
    }
    try:
        yield env
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def test_help_names_every_command() -> None:
    result = run({}, "--help")
    assert result.returncode == 0
    for command in ("serve", "migrate", "create-user", "generate-key"):
        assert command in result.stdout


def test_a_bad_setting_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    result = run({"COSEARCH_DATABASE_URL": "mysql://db/x", "CWD": str(tmp_path)}, "migrate")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: COSEARCH_DATABASE_URL: scheme must be sqlite or postgresql, got 'mysql'"
    ]


def test_postgres_without_secrets_refuses_to_start(tmp_path: Path) -> None:
    result = run(
        {"COSEARCH_DATABASE_URL": "postgresql://postgres@127.0.0.1/x", "CWD": str(tmp_path)}, "migrate"
    )
    assert result.returncode == 2
    assert "COSEARCH_SECRET_KEY: required with PostgreSQL" in result.stderr


def test_migrate_is_idempotent(cli_env: dict[str, str]) -> None:
    first = run(cli_env, "migrate")
    second = run(cli_env, "migrate")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stderr


def test_create_user_with_password_and_with_invite(cli_env: dict[str, str]) -> None:
    assert run(cli_env, "migrate").returncode == 0
    made = run(
        cli_env,
        "create-user",
        "--email",
        "Forsker@Example.no",
        "--role",
        "researcher",
        "--full-name",
        "Bjørg Æsøy",
        "--password",
        "Lang-og-sikker-frase-1",
    )
    invited = run(cli_env, "create-user", "--email", "medforsker@example.no", "--role", "co_researcher")
    duplicate = run(cli_env, "create-user", "--email", "forsker@example.no", "--role", "researcher")
    weak = run(
        cli_env, "create-user", "--email", "svak@example.no", "--role", "researcher", "--password", "kort"
    )

    assert made.returncode == 0 and "Created researcher forsker@example.no" in made.stdout
    assert invited.returncode == 0 and "Invite token" in invited.stdout
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    assert weak.returncode == 1 and "password" in weak.stderr


def test_generate_key_prints_a_usable_data_key() -> None:
    from coresearch.settings import decode_data_key

    result = run({}, "generate-key")
    assert len(decode_data_key(result.stdout.strip(), 1)) == 32


def test_serve_takes_its_worker_count_from_cosearch_workers(tmp_path: Path) -> None:
    result = run({"COSEARCH_WORKERS": "65", "CWD": str(tmp_path)}, "serve", "--port", str(_free_port()))

    assert result.returncode == 2
    assert "Invalid value for '--workers': 65 is not in the range 1<=x<=64" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    """Run `coresearch serve` on a free port; yield its base URL and, after exit, its output."""
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COSEARCH_")}
    process = subprocess.Popen(
        [COMMAND, "serve", "--port", str(port)],
        cwd=tmp_path,
        env={**clean, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    base = f"http://127.0.0.1:{port}"
    try:
        ready = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                ready = httpx.get(f"{base}/health/ready", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert ready is not None and ready.status_code == 200, "service did not come up"
        yield base, output
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            out, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        output.append(out)


def test_serve_on_the_embedded_default_answers_ready_and_shows_docs(tmp_path: Path) -> None:
    with serving(tmp_path) as (base, output):
        docs = httpx.get(f"{base}/schema", timeout=30)
        assert docs.status_code == 200 and "swagger-ui" in docs.text
        assert (tmp_path / "data" / "coresearch.db").exists()
        assert (tmp_path / "data" / "secrets.env").stat().st_mode & 0o777 == 0o600
    assert "First admin account created" in output[0]
    assert "admin@coresearch.local" in output[0]


def test_no_log_line_contains_a_password_or_token(tmp_path: Path) -> None:
    admin_password = "Admin-Passord-Æøå-2026"
    new_password = "Invitert-Passord-2026"
    env = {"COSEARCH_ADMIN_EMAIL": "admin@example.no", "COSEARCH_ADMIN_PASSWORD": admin_password}
    with serving(tmp_path, env) as (base, output):
        login = httpx.post(
            f"{base}/api/v1/auth/login", json={"email": "admin@example.no", "password": admin_password}
        )
        token = login.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"{base}/api/v1/users",
            json={"email": "ny@example.no", "full_name": "Ny", "role": "researcher"},
            headers=headers,
        )
        invite = created.json()["invite_token"]
        accepted = httpx.post(
            f"{base}/api/v1/auth/invites/accept", json={"token": invite, "password": new_password}
        )
        wrong = httpx.post(
            f"{base}/api/v1/auth/login", json={"email": "ny@example.no", "password": admin_password}
        )
        assert (login.status_code, created.status_code, accepted.status_code, wrong.status_code) == (
            200,
            201,
            204,
            401,
        )
    logs = output[0]
    assert "/api/v1/auth/login" in logs and "/api/v1/auth/invites/accept" in logs, (
        "request lines must be logged"
    )
    for secret in (admin_password, new_password, token, token.split(".")[2], invite, "argon2"):
        assert secret not in logs


def test_serve_refuses_an_unmigrated_postgres_database_with_one_clear_line(
    pg_cli_env: dict[str, str],
) -> None:
    result = run(pg_cli_env, "serve", "--port", str(_free_port()))
    assert result.returncode == 3
    assert "pending migrations; run `coresearch migrate`" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_weak_admin_password_is_a_configuration_error(tmp_path: Path) -> None:
    env = {
        "COSEARCH_ADMIN_EMAIL": "admin@example.no",
        "COSEARCH_ADMIN_PASSWORD": "kort",
        "CWD": str(tmp_path),
    }
    result = run(env, "migrate")
    assert result.returncode == 2
    assert result.stderr.startswith("configuration error: COSEARCH_ADMIN_PASSWORD: must be at least 12")
    assert not (tmp_path / "data" / "secrets.env").exists()
