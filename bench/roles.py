"""Every hot list for every role, at 2,000 and at 200,000 activities, on PostgreSQL and SQLite,
and each list's statements through Piccolo against the same SQL through raw asyncpg.

    .venv/bin/python -m bench.roles [--activities 200000] [--calls 200] [--rounds 3]

Roles: a project's lead, its regular co-researcher (in three quarters of its activities and
tasks, so their pages are full at both scales) and a research leader, who oversees every project
without being a member. Each list is the service call a request makes (access check, page,
conversion to response structs), in this process, sequential. Every figure is a ratio to a
baseline from the same run; it exits 0 whether or not the aims are met.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench.databases import ADMIN_URL, raw_pool, throwaway_database
from bench.generate import Generated, generate, print_report
from bench.sqlite_copy import copy_to_sqlite
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.involvement import activities
from coresearch.domain.involvement.schemas import ActivityFilters, ImpactFilters
from coresearch.domain.work import meetings, tasks
from coresearch.domain.work.schemas import MeetingFilters, MyTaskFilters, TaskFilters
from coresearch.lib import db

AIM_SCALE = 1.3
AIM_ORM = 1.2
SMALL_ACTIVITIES = 2_000
PROJECTS = 20  # the small database's active projects; both scales are measured on these
PAGE = 50
RESEARCH_LEADER = uuid.UUID(int=7, version=4)  # needs no row: the service trusts the principal

Call = Callable[[Principal, uuid.UUID], Awaitable[Any]]
LISTS: dict[str, Call] = {
    "activities": lambda p, pid: activities.list_activities(
        principal=p, project_id=pid, filters=ActivityFilters(limit=PAGE)
    ),
    "tasks": lambda p, pid: tasks.list_tasks(principal=p, project_id=pid, filters=TaskFilters(limit=PAGE)),
    "meetings": lambda p, pid: meetings.list_meetings(
        principal=p, project_id=pid, filters=MeetingFilters(limit=PAGE)
    ),
    "/me/tasks": lambda p, _: tasks.list_my_tasks(principal=p, filters=MyTaskFilters(limit=PAGE)),
    "/me/impact": lambda p, _: activities.list_my_impact(principal=p, filters=ImpactFilters(limit=PAGE)),
}
CASES = [
    ("lead", "activities"), ("lead", "tasks"), ("lead", "meetings"),
    ("co_researcher", "activities"), ("co_researcher", "tasks"), ("co_researcher", "meetings"),
    ("co_researcher", "/me/tasks"), ("co_researcher", "/me/impact"),
    ("research_leader", "activities"), ("research_leader", "tasks"), ("research_leader", "meetings"),
]  # fmt: skip


def principal(generated: Generated, role: str, index: int) -> Principal:
    """The caller of a case on project `index`."""
    user_id, global_role = {
        "lead": (generated.lead_ids[index], Role.researcher),
        "co_researcher": (generated.crews[index][0], Role.co_researcher),
        "research_leader": (RESEARCH_LEADER, Role.research_leader),
    }[role]
    return Principal(id=user_id, email="x@example.no", full_name="X", role=global_role, token_id=user_id)


@dataclass
class Target:
    caller: Principal
    project_id: uuid.UUID


def targets(generated: Generated, role: str) -> list[Target]:
    return [Target(principal(generated, role, i), generated.project_ids[i]) for i in range(PROJECTS)]


async def timed(call: Callable[[], Awaitable[Any]], calls: int) -> tuple[float, float]:
    """Median wall seconds per call and this process's CPU seconds per call, over `calls` calls."""
    samples = []
    cpu = time.process_time()
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), (time.process_time() - cpu) / calls


def cycling(calls: list[Callable[[], Awaitable[Any]]]) -> Callable[[], Awaitable[Any]]:
    """One call after the other, round robin, as one callable."""
    position = 0

    def next_call() -> Awaitable[Any]:
        nonlocal position
        position += 1
        return calls[position % len(calls)]()

    return next_call


async def check_full(role: str, name: str, ts: list[Target]) -> list[str]:
    """Problems, if any page of a case is not a full page."""
    problems = []
    for t in ts:
        page = await LISTS[name](t.caller, t.project_id)
        if len(page.items) != PAGE:
            problems.append(f"{role} {name}: a page of {len(page.items)} items on {t.project_id}")
    return problems


async def measure_latency(url: str, generated: Generated, calls: int) -> tuple[dict, list[str]]:
    """(wall, cpu) per case on the database at `url`, and any page that was not full."""
    engine = await db.open_database(url)
    results, problems = {}, []
    try:
        for role, name in CASES:
            ts = targets(generated, role)
            problems += await check_full(role, name, ts)
            call = cycling([lambda t=t, n=name: LISTS[n](t.caller, t.project_id) for t in ts])
            await timed(call, 20)
            results[(role, name)] = await timed(call, calls)
    finally:
        await db.close_database(engine)
    return results, problems


async def raw_replay(pool: asyncpg.Pool, statements: list[tuple[str, Any]]) -> None:
    for sql, args in statements:
        await pool.fetch(sql, *(args or []))


async def measure_orm(url: str, generated: Generated, calls: int, rounds: int) -> dict:
    """Per case: the service call (Piccolo) against its captured statements through asyncpg."""
    engine = await db.open_database(url)
    pool = await raw_pool(url)
    results = {}
    try:
        for role, name in CASES:
            ts = targets(generated, role)
            piccolo_calls = [lambda t=t, n=name: LISTS[n](t.caller, t.project_id) for t in ts]
            replays = []
            for make in piccolo_calls:
                with capturing(engine) as sent:
                    await make()
                replays.append(sent)
            raw_calls = [lambda r=r: raw_replay(pool, r) for r in replays]
            sides: dict[str, list[tuple[float, float]]] = {"piccolo": [], "raw": []}
            for number in range(rounds):
                order = ("piccolo", "raw") if number % 2 == 0 else ("raw", "piccolo")
                for side in order:
                    call = cycling(piccolo_calls if side == "piccolo" else raw_calls)
                    await timed(call, 20)
                    sides[side].append(await timed(call, calls))
            results[(role, name)] = {
                side: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
                for side, runs in sides.items()
            } | {"statements": len(replays[0])}
    finally:
        await pool.close()
        await db.close_database(engine)
    return results


@contextlib.contextmanager
def capturing(engine: Any) -> Any:
    """Record the SQL and arguments of every query on `engine`'s pool while the block runs."""
    sent: list[tuple[str, Any]] = []
    engine_class = type(engine)
    original = engine_class._run_in_pool  # the engine has __slots__: patch its class, briefly

    async def spy(self: Any, query: str, args: Any = None) -> Any:
        sent.append((query, args))
        return await original(self, query, args)

    engine_class._run_in_pool = spy
    try:
        yield sent
    finally:
        engine_class._run_in_pool = original


async def run(args: argparse.Namespace) -> dict:
    """Generate both scales on PostgreSQL, copy them to SQLite, and measure."""
    results: dict[str, Any] = {"latency": {}, "problems": []}
    async with AsyncExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="coresearch-roles-")))
        urls: dict[tuple[str, str], str] = {}
        generated: dict[str, Generated] = {}
        for label, count, active in (("small", SMALL_ACTIVITIES, PROJECTS), ("large", args.activities, None)):
            url = await stack.enter_async_context(throwaway_database(f"roles_{label}", args.admin_url))
            print(
                f"\n{label}: generating {count:,} activities (+ tasks, meetings) into {url.rsplit('/', 1)[1]}"
            )
            generated[label] = await generate(url, activities=count, active_projects=active, with_work=True)
            print_report(generated[label])
            sqlite_url = f"sqlite:///{folder / label}.db"
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                await copy_to_sqlite(url, sqlite_url)
            print(f"  copied to SQLite in {time.perf_counter() - started:.1f} s")
            urls[("postgres", label)], urls[("sqlite", label)] = url, sqlite_url
        for backend in ("postgres", "sqlite"):
            print(f"\n[roles] {backend}: {args.rounds} rounds x {args.calls} calls per case and scale")
            runs: dict[tuple, list[tuple[float, float]]] = {}
            for number in range(args.rounds):
                for label in ("small", "large") if number % 2 == 0 else ("large", "small"):
                    measured, problems = await measure_latency(
                        urls[(backend, label)], generated[label], args.calls
                    )
                    results["problems"] += [
                        f"{backend} {label}: {p}" for p in problems if p not in results["problems"]
                    ]
                    for case, value in measured.items():
                        runs.setdefault((label, *case), []).append(value)
                print(f"  round {number + 1} done")
            results["latency"][backend] = {
                key: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
                for key, v in runs.items()
            }
        print("\n[orm] PostgreSQL, large: service call (Piccolo) vs its statements through raw asyncpg")
        results["orm"] = await measure_orm(
            urls[("postgres", "large")], generated["large"], args.calls, args.rounds
        )
        print("\ncleaning up (throwaway databases)")
    results["activities"] = args.activities
    return results


def _ratio_cell(ratio: float, aim: float) -> str:
    return f"{ratio:6.2f}{'' if ratio <= aim else ' !':<2}"


def print_summary(results: dict) -> None:
    """One table per backend (latency by scale), then the Piccolo / raw table."""
    large = f"{results['activities']:,}"
    for backend, latency in results["latency"].items():
        print(f"\n{backend}: p50 wall of the service call, ms (CPU per call, ms); ratio aim <= {AIM_SCALE}")
        print(f"  {'role':<16}{'list':<12}{'at 2,000':>16}{'at ' + large:>18}{'ratio':>9}")
        for role, name in CASES:
            (sw, sc), (lw, lc) = latency[("small", role, name)], latency[("large", role, name)]
            print(
                f"  {role:<16}{name:<12}{sw * 1e3:7.3f} ({sc * 1e3:5.3f}){lw * 1e3:9.3f} ({lc * 1e3:5.3f})"
                f"  {_ratio_cell(lw / sw, AIM_SCALE)}"
            )
    print(f"\nPiccolo (the service call) / raw asyncpg (its statements), PostgreSQL at {large}")
    print(f"  aim <= {AIM_ORM}; wall = median per call, CPU = this process's CPU per call")
    print(f"  {'role':<16}{'list':<12}{'stmts':>6}{'wall ms':>18}{'ratio':>8}{'CPU ms':>18}{'ratio':>8}")
    for role, name in CASES:
        r = results["orm"][(role, name)]
        (pw, pc), (rw, rc) = r["piccolo"], r["raw"]
        print(
            f"  {role:<16}{name:<12}{r['statements']:>6}{pw * 1e3:8.3f} / {rw * 1e3:6.3f}  "
            f"{_ratio_cell(pw / rw, AIM_ORM)}{pc * 1e3:8.3f} / {rc * 1e3:6.3f}  "
            f"{_ratio_cell(pc / rc, AIM_ORM)}"
        )
    for problem in results["problems"]:
        print(f"!! {problem}")
    print(f"pages that were not full: {len(results['problems'])}")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--activities", type=int, default=200_000, help="activities in the large database")
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per case, scale and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, alternating which scale goes first")
    parser.add_argument(
        "--admin-url", default=ADMIN_URL, help="PostgreSQL server for the throwaway databases"
    )
    args = parser.parse_args()
    try:
        results = asyncio.run(run(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; the throwaway databases were dropped", file=sys.stderr)
        sys.exit(130)
    print_summary(results)


if __name__ == "__main__":
    main()
