"""Time to first byte of every portal page on the embedded default with the demo data.

    .venv/bin/python -m bench.portal                 # 40 rounds, ~30 s
    .venv/bin/python -m bench.portal --rounds 10 --json out.json

Makes a throwaway data folder (SQLite file, documents on disk), applies the migrations, loads
`coresearch demo` through its services, serves the real app with uvicorn (one worker, as
`bench.server`), signs in as a demo co-researcher through the sign-in form and then asks each page
in turn, round after round, with `GET /health/live` between them as the baseline of the same run.
Reports per page the median and 95th percentile of the time to first byte, the ratio of the
median to `/health/live`'s, and the size of the page. Aims (issue 14): under 100 ms to the first
byte and under 60 KB per page. Exits 0 whether or not the aims are met.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from bench.serving import HOST, ROOT, _free_port, _stop, service_environment
from coresearch.demo import load_demo
from coresearch.lib import db
from coresearch.settings import PREFIX, load_settings

BASELINE = "/health/live"
FIXED_PAGES = [
    "/portal/",
    "/portal/tasks",
    "/portal/meetings",
    "/portal/payments",
    "/portal/impact",
    "/portal/agreements",
    "/portal/consent",
    "/portal/evaluation",
    "/portal/my-data",
    "/portal/password",
]
FOUND_PAGES = {
    "/portal/meetings": re.compile(r'href="(/portal/meetings/[0-9a-f-]{36})"'),
    "/portal/agreements": re.compile(r'href="(/portal/agreements/[0-9a-f-]{36})"'),
    "/portal/evaluation": re.compile(r'href="(/portal/evaluation/[0-9a-f-]{36})"'),
}
AIM_TTFB_MS = 100
AIM_BYTES = 60 * 1024
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def _prepare(data_dir: Path) -> tuple[dict[str, str], str, str]:
    """The service environment and a demo co-researcher's e-mail and password."""
    env = service_environment(f"sqlite:///{data_dir / 'coresearch.db'}", data_dir)
    settings = load_settings(env)
    engine = await db.open_database(settings.database_url)
    try:
        await db.apply_migrations()
        result = await load_demo(settings=settings)
    finally:
        await db.close_database(engine)
    account = next(a for a in result.accounts if a.label.startswith("medforsker") and a.password)
    assert account.password is not None
    return env, account.email, account.password


@contextlib.asynccontextmanager
async def _serve(env: dict[str, str]) -> AsyncIterator[str]:
    """The real app (`coresearch.app:create_app`) under uvicorn, one worker; its base URL.

    Not `bench.serving.serve`: its app adds a PostgreSQL-only experiment.
    """
    port = _free_port()
    child_env = {name: value for name, value in os.environ.items() if not name.startswith(PREFIX)} | env
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "coresearch.app:create_app", "--factory",
        "--host", HOST, "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log", "--no-proxy-headers",
        cwd=ROOT, env=child_env,
    )  # fmt: skip
    base_url = f"http://{HOST}:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=2) as probe:
            for _ in range(300):
                if process.returncode is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}")
                with contextlib.suppress(httpx.TransportError):
                    if (await probe.get(BASELINE)).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        yield base_url
    finally:
        await _stop(process)


async def _sign_in(client: httpx.AsyncClient, email: str, password: str) -> None:
    form = await client.get("/portal/login")
    token = CSRF.search(form.text)
    assert token is not None
    answer = await client.post(
        "/portal/login", data={"_csrf_token": token.group(1), "email": email, "password": password}
    )
    assert answer.status_code == 303, answer.text


async def _pages(client: httpx.AsyncClient) -> list[str]:
    pages = list(FIXED_PAGES)
    for listing, link in FOUND_PAGES.items():
        found = link.search((await client.get(listing)).text)
        if found:
            pages.append(found.group(1))
    return pages


async def _first_byte(client: httpx.AsyncClient, path: str) -> tuple[float, int]:
    """Milliseconds until the status line and headers arrived, and the body's size."""
    started = time.perf_counter()
    async with client.stream("GET", path) as response:
        elapsed = (time.perf_counter() - started) * 1000
        body = await response.aread()
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return elapsed, len(body)


async def run(rounds: int) -> dict[str, Any]:
    """Measure every page `rounds` times, interleaved with the baseline."""
    with tempfile.TemporaryDirectory(prefix="coresearch-bench-portal-") as folder:
        env, email, password = await _prepare(Path(folder))
        async with _serve(env) as base_url, httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            await _sign_in(client, email, password)
            pages = await _pages(client)
            times: dict[str, list[float]] = {path: [] for path in [BASELINE, *pages]}
            sizes: dict[str, int] = {}
            for path in times:  # warm-up
                await _first_byte(client, path)
            for _ in range(rounds):
                for path in pages:
                    for measured in (BASELINE, path):
                        elapsed, size = await _first_byte(client, measured)
                        times[measured].append(elapsed)
                        sizes[measured] = size
    baseline = statistics.median(times[BASELINE])
    results = {}
    for path, samples in times.items():
        ordered = sorted(samples)
        median = statistics.median(ordered)
        results[re.sub(r"[0-9a-f-]{36}", "{id}", path)] = {
            "median_ms": round(median, 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "ratio": round(median / baseline, 2),
            "bytes": sizes[path],
        }
    return {"rounds": rounds, "pages": results}


def report(result: dict[str, Any]) -> str:
    """The results as a Markdown table, with the aims checked."""
    lines = [
        "| page | median TTFB ms | p95 ms | ÷ /health/live | bytes | aims |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for path, row in result["pages"].items():
        met = row["median_ms"] < AIM_TTFB_MS and row["bytes"] < AIM_BYTES
        cells = [
            f"`{path}`",
            row["median_ms"],
            row["p95_ms"],
            row["ratio"],
            row["bytes"],
            "met" if met else "MISSED",
        ]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Parse the options, measure, print the table (and write JSON if asked)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    result = asyncio.run(run(options.rounds))
    print(report(result))
    if options.json:
        options.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
