"""Run `bench.server` under uvicorn (one worker) in a subprocess, and the load generator beside it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.server import HELLO_PATH
from coresearch.settings import PREFIX, new_data_key

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
TOKEN_TTL_SECONDS = 4 * 3600


def service_environment(database_url: str, data_dir: Path) -> dict[str, str]:
    """The variables the service reads, for a database; nothing else of ours leaks in."""
    return {
        "COSEARCH_DATABASE_URL": database_url,
        "COSEARCH_SECRET_KEY": secrets.token_urlsafe(48),
        "COSEARCH_DATA_KEYS": new_data_key(),
        "COSEARCH_DATA_DIR": str(data_dir),
        "COSEARCH_LOG_LEVEL": "WARNING",
        "COSEARCH_LOG_JSON": "true",
        "COSEARCH_TOKEN_TTL_SECONDS": str(TOKEN_TTL_SECONDS),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running server: where it listens and its process (for CPU accounting)."""

    port: int
    process: psutil.Process

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://{HOST}:{self.port}"


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 15)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


@contextlib.asynccontextmanager
async def serve(env: dict[str, str], startup_seconds: float = 60) -> AsyncIterator[Server]:
    """Serve `bench.server:create_bench_app` on a free port until the block ends."""
    port = _free_port()
    child_env = {name: value for name, value in os.environ.items() if not name.startswith(PREFIX)} | env
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "bench.server:create_bench_app", "--factory",
        "--host", HOST, "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log", "--no-proxy-headers",
        cwd=ROOT, env=child_env,
    )  # fmt: skip
    try:
        await _wait_until_ready(process, port, startup_seconds)
        yield Server(port=port, process=psutil.Process(process.pid))
    finally:
        await _stop(process)


async def _wait_until_ready(process: asyncio.subprocess.Process, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=2) as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"the server exited with {process.returncode} before it was ready")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(HELLO_PATH)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server was not ready within {seconds} s")


class LoadGenerator:
    """The `bench.loadgen` process, driven one JSON command at a time."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.ps = psutil.Process(process.pid)

    async def run(self, **command: Any) -> dict[str, Any]:
        """Send one command and return its result."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the load generator exited")
        result = json.loads(line)
        if "failed" in result:
            raise RuntimeError(f"the load generator failed: {result['failed']}")
        return result


@contextlib.asynccontextmanager
async def load_generator() -> AsyncIterator[LoadGenerator]:
    """Start `python -m bench.loadgen` for the block."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.loadgen", cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=16 * 1024 * 1024,
    )  # fmt: skip
    try:
        yield LoadGenerator(process)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        await _stop(process)


def postgres_backends(database: str) -> list[psutil.Process]:
    """The PostgreSQL backends serving `database` on this machine (for CPU accounting)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        title = " ".join(process.info["cmdline"] or [])
        if (process.info["name"] or "").startswith("postgres") and f" {database} " in title:
            found.append(process)
    return found


class CpuMeter:
    """CPU used by the server, PostgreSQL and the load generator over a block.

    PostgreSQL means the backends of one database, listed at each sample so that connections a
    pool opens during the block count too (other databases' work on the same server does not).
    """

    def __init__(self, server: psutil.Process, loadgen: psutil.Process, database: str) -> None:
        self.fixed = {"server": server, "loadgen": loadgen}
        self.database = database

    @staticmethod
    def _seconds(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    def _sample(self) -> tuple[dict[str, float], dict[int, float]]:
        fixed = {name: self._seconds(process) for name, process in self.fixed.items()}
        return fixed, {process.pid: self._seconds(process) for process in postgres_backends(self.database)}

    @contextlib.contextmanager
    def measure(self, into: dict[str, float]) -> Any:
        """Fill `into` with each part's busy share of one core (1.0 = one core) over the block."""
        (fixed_before, pg_before), started = self._sample(), time.perf_counter()
        yield
        (fixed_after, pg_after), elapsed = self._sample(), time.perf_counter() - started
        into.update({name: (fixed_after[name] - fixed_before[name]) / elapsed for name in fixed_after})
        into["postgres"] = (
            sum(seconds - pg_before.get(pid, 0.0) for pid, seconds in pg_after.items()) / elapsed
        )
