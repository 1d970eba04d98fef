"""Benchmark of the activities list: HTTP throughput against hello-world, Piccolo against raw
asyncpg, and latency at 2,000 against 200,000 activities, all measured in one run.

    .venv/bin/python -m bench.activities [--activities 200000] [--seconds 5] [--explain]

Every figure is a ratio to a baseline measured in the same run; absolute numbers are printed for
context only. It exits 0 whether or not the aims are met (it is a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from bench import orm
from bench.breakdown import breakdown
from bench.databases import ADMIN_URL, throwaway_database
from bench.generate import Generated, generate, print_report
from bench.server import HELLO_PATH
from bench.serving import CpuMeter, LoadGenerator, Server, load_generator, serve, service_environment
from coresearch.domain.accounts.tokens import issue_token
from coresearch.lib import db
from coresearch.settings import load_settings

AIM_THROUGHPUT = 0.5  # list req/s over hello req/s, at least
AIM_ORM = 1.2  # Piccolo time over raw asyncpg time, at most
AIM_SCALE = 1.3  # latency at the large scale over latency at the small scale, at most
SMALL_ACTIVITIES = 2_000
SCALE_PROJECTS = 20  # the small database logs its activities on this many projects: 100 each
PAGE = 50
ME_PATH = "/api/v1/auth/me"


@dataclass
class Scale:
    """One generated database with its server, tokens and the requests aimed at it."""

    label: str
    activities: int
    generated: Generated
    server: Server
    tokens: list[str]
    url: str
    env: dict[str, str]
    first_pages: list[list[Any]] = field(default_factory=list)  # [path, authorization]
    second_pages: list[list[Any]] = field(default_factory=list)
    deep_pages: list[list[Any]] = field(default_factory=list)
    deep_page_number: int = 0


def list_path(project_id: UUID, cursor: str | None = None) -> str:
    """The list endpoint's path for a project (and cursor)."""
    path = f"/api/v1/projects/{project_id}/activities?limit={PAGE}"
    return path + f"&cursor={cursor}" if cursor else path


async def issue_tokens(database_url: str, env: dict[str, str], user_ids: list[UUID]) -> list[str]:
    """A bearer token per user, issued by the service's own `issue_token`."""
    settings = load_settings(env)
    engine = await db.open_database(database_url)
    try:
        return [
            f"Bearer {(await issue_token(user_id=user_id, settings=settings))[0]}" for user_id in user_ids
        ]
    finally:
        await db.close_database(engine)


async def walk_pages(scale: Scale, projects: int, scale_projects: int) -> None:
    """Fetch, through the API, the page-2 cursor of every project and the cursor of the last full
    page of the first `scale_projects` projects; check every page is full."""
    async with httpx.AsyncClient(base_url=scale.server.base_url, timeout=30) as client:

        async def page(index: int, cursor: str | None) -> str | None:
            response = await client.get(
                list_path(scale.generated.project_ids[index], cursor),
                headers={"Authorization": scale.tokens[index]},
            )
            response.raise_for_status()
            body = response.json()
            if len(body["items"]) != PAGE:
                raise RuntimeError(f"a page of {len(body['items'])} items instead of {PAGE}")
            return body["next_cursor"]

        for index in range(projects):
            if scale.generated.activity_counts[index] < 2 * PAGE:
                continue
            token = scale.tokens[index]
            project_id = scale.generated.project_ids[index]
            cursor = await page(index, None)
            scale.first_pages.append([list_path(project_id), token])
            scale.second_pages.append([list_path(project_id, cursor), token])
            if index < scale_projects:
                last_full = scale.generated.activity_counts[index] // PAGE
                for _ in range(last_full - 2):
                    cursor = await page(index, cursor)
                scale.deep_pages.append([list_path(project_id, cursor), token])
                scale.deep_page_number = last_full


def _fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} ms"


def _check_errors(label: str, result: dict[str, Any]) -> None:
    if result["errors"]:
        print(f"  !! {label}: {result['errors']} bad answers, e.g. {result['error_examples']}")


async def measure_scale(
    loadgen: LoadGenerator, small: Scale, large: Scale, requests: int, rounds: int
) -> dict:
    """Sequential latency of first and deep pages on both databases, in alternating blocks."""
    print(f"\n[c] latency, sequential requests: {rounds} rounds x {requests} per case")
    results: dict[str, list[dict]] = {}
    for round_number in range(rounds):
        for page_kind in ("first", "deep"):
            order = (small, large) if round_number % 2 == 0 else (large, small)
            for scale in order:
                targets = scale.first_pages[:SCALE_PROJECTS] if page_kind == "first" else scale.deep_pages
                result = await loadgen.run(
                    port=scale.server.port, targets=targets, expect="page", items=PAGE,
                    concurrency=1, requests=requests, warmup=20,
                )  # fmt: skip
                _check_errors(f"{scale.label} {page_kind}", result)
                results.setdefault(f"{scale.label}/{page_kind}", []).append(result)
                print(
                    f"  round {round_number + 1} {scale.label:>5} {page_kind:>5} page: "
                    f"p50 {_fmt_ms(result['p50_ms'])}  p95 {_fmt_ms(result['p95_ms'])}"
                )
    summary = {
        key: {
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p95_ms": statistics.median(r["p95_ms"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
        }
        for key, runs in results.items()
    }
    for page_kind in ("first", "deep"):
        summary[f"ratio/{page_kind}"] = (
            summary[f"large/{page_kind}"]["p50_ms"] / summary[f"small/{page_kind}"]["p50_ms"]
        )
        summary[f"ratio_p95/{page_kind}"] = (
            summary[f"large/{page_kind}"]["p95_ms"] / summary[f"small/{page_kind}"]["p95_ms"]
        )
    return summary


def lean_twin(target: list[Any]) -> list[Any]:
    """The same request aimed at the `bench.lean` experiment."""
    return [target[0].replace("/api/v1/projects/", "/bench/lean/projects/", 1), target[1]]


async def check_lean(large: Scale) -> bool:
    """True when the lean experiment answers exactly what the real route answers."""
    async with httpx.AsyncClient(base_url=large.server.base_url, timeout=30) as client:
        for target in (large.first_pages[0], large.second_pages[0], large.deep_pages[0]):
            answers = [
                (await client.get(path, headers={"Authorization": token})).content
                for path, token in (target, lean_twin(target))
            ]
            if answers[0] != answers[1]:
                print(f"  !! the lean experiment answers differently for {target[0]}")
                return False
    return True


async def measure_throughput(
    loadgen: LoadGenerator, large: Scale, *, seconds: float, rounds: int, concurrency: int, extras: bool
) -> dict:
    """Requests per second of hello and of the list, alternating rounds on the same server; with
    `extras`, also of `GET /auth/me` (authenticated, one small query) and the lean experiment."""
    targets = large.first_pages + large.second_pages[::3]
    random.Random(7).shuffle(targets)
    kinds = ("hello", "me", "list", "lean") if extras else ("hello", "list")
    print(
        f"\n[a] throughput: {rounds} rounds x {seconds:g} s each of {', '.join(kinds)}; {concurrency} "
        f"connections; list mix {len(large.first_pages)} first pages + {len(large.second_pages[::3])} "
        f"page-2 requests over {len(large.first_pages)} projects"
    )
    lean_matches = await check_lean(large) if extras else None
    me_targets = [[ME_PATH, token] for token in large.tokens]
    meter = CpuMeter(server=large.server.process, loadgen=loadgen.ps, database=large.url.rsplit("/", 1)[1])
    rates: dict[str, list[float]] = {kind: [] for kind in kinds}
    details: list[dict] = []
    for round_number in range(rounds):
        for kind in kinds:
            command: dict[str, Any] = {
                "port": large.server.port,
                "concurrency": concurrency,
                "seconds": seconds,
            }
            if kind == "hello":
                command |= {"targets": [[HELLO_PATH, None]], "expect": "status"}
            elif kind == "me":
                command |= {"targets": me_targets, "expect": "status"}
            else:
                aimed = targets if kind == "list" else [lean_twin(target) for target in targets]
                command |= {"targets": aimed, "expect": "page", "items": PAGE}
            cpu: dict[str, float] = {}
            with meter.measure(cpu):
                result = await loadgen.run(**command)
            _check_errors(kind, result)
            rates[kind].append(result["rate"])
            details.append({"kind": kind, **result, "cpu": cpu})
            print(
                f"  round {round_number + 1} {kind:>5}: {result['rate']:8.0f} req/s  "
                f"p50 {_fmt_ms(result['p50_ms'])}  p95 {_fmt_ms(result['p95_ms'])}  cpu (cores): "
                f"server {cpu['server']:.2f}, postgres {cpu['postgres']:.2f}, loadgen {cpu['loadgen']:.2f}"
            )
    medians = {kind: statistics.median(values) for kind, values in rates.items()}
    summary = {
        "hello_rps": medians["hello"],
        "list_rps": medians["list"],
        "ratio": medians["list"] / medians["hello"],
        "errors": sum(d["errors"] for d in details),
        "rounds": details,
    }
    if extras:
        for kind in ("me", "lean"):
            summary |= {f"{kind}_rps": medians[kind], f"{kind}_ratio": medians[kind] / medians["hello"]}
        summary["lean_matches"] = lean_matches
    return summary


async def measure_orm(large: Scale, iterations: int, want_explain: bool) -> dict:
    """Piccolo against raw asyncpg on the large database, in this process (servers idle)."""
    print(f"\n[b] Piccolo vs raw asyncpg: {iterations} pages each (the page statement, with participants)")
    generated = large.generated
    cases = [orm.Case(project_id=pid, cursor=None) for pid in generated.project_ids]
    cases += [
        orm.Case(project_id=UUID(path.split("/")[4]), cursor=path.split("cursor=")[1])
        for path, _ in large.second_pages
    ]
    cases.sort(key=lambda case: (str(case.project_id), case.cursor or ""))
    result = await orm.compare(
        large.url, cases=cases, lead=(generated.lead_ids[0], generated.project_ids[0]), iterations=iterations
    )
    for problem in result.mirror_problems:
        print(f"  !! {problem}")
    print(f"  median per page: piccolo {result.piccolo * 1000:.3f} ms, raw {result.raw * 1000:.3f} ms")
    summary = {
        "piccolo_ms": result.piccolo * 1000,
        "raw_ms": result.raw * 1000,
        "ratio": result.ratio,
        "mirror_matches": not result.mirror_problems,
    }
    if want_explain:
        deep_path = large.deep_pages[0][0]
        pages = [
            ("first page", generated.project_ids[0], None),
            ("page 2 (cursor)", generated.project_ids[0], large.second_pages[0][0].split("cursor=")[1]),
            (
                f"page {large.deep_page_number} (cursor)",
                generated.project_ids[0],
                deep_path.split("cursor=")[1],
            ),
        ]
        plans = await orm.explain(large.url, pages)
        summary["explain"] = plans
    return summary


async def measure_breakdown(large: Scale) -> list[tuple[str, float, float]]:
    """The list endpoint's steps timed one by one on the large database."""
    print("\n[d] where a list request's time goes (in-process, sequential)")
    steps = await breakdown(
        large.url,
        load_settings(large.env),
        user_id=large.generated.lead_ids[0],
        project_id=large.generated.project_ids[0],
    )
    print(f"  {'step':<56}{'wall p50':>10}{'CPU/call':>10}")
    for label, wall, cpu in steps:
        print(f"  {label:<56}{wall:8.0f} µs{cpu:8.0f} µs")
    return steps


def _row(label: str, ratio: float, aim: str, met: bool, behind: str) -> str:
    return f"{label:<46}{ratio:>7.3f}   {aim:<8}{'met' if met else 'MISSED':<8}{behind}"


def print_summary(results: dict[str, Any]) -> None:
    """The three ratios against their aims, with the absolute figures behind them."""
    a, b, c = results["throughput"], results["orm"], results["scale"]
    print("\n" + "=" * 100)
    print(f"{'measure':<46}{'ratio':>7}   {'aim':<8}{'':<8}absolute figures")
    print("-" * 100)
    print(
        _row(
            "[a] list req/s / hello req/s",
            a["ratio"],
            f">= {AIM_THROUGHPUT}",
            a["ratio"] >= AIM_THROUGHPUT,
            f"{a['list_rps']:.0f} / {a['hello_rps']:.0f} req/s",
        )
    )
    print(
        _row(
            "[b] Piccolo / raw asyncpg (page statement)",
            b["ratio"],
            f"<= {AIM_ORM}",
            b["ratio"] <= AIM_ORM,
            f"{b['piccolo_ms']:.3f} / {b['raw_ms']:.3f} ms",
        )
    )
    for kind in ("first", "deep"):
        large, small = c[f"large/{kind}"], c[f"small/{kind}"]
        print(
            _row(
                f"[c] p50 latency {results['activities']:,} / {SMALL_ACTIVITIES:,} ({kind})",
                c[f"ratio/{kind}"],
                f"<= {AIM_SCALE}",
                c[f"ratio/{kind}"] <= AIM_SCALE,
                f"p50 {large['p50_ms']:.2f} / {small['p50_ms']:.2f} ms, "
                f"p95 {large['p95_ms']:.2f} / {small['p95_ms']:.2f} ms",
            )
        )
    if "me_ratio" in a:
        print(
            f"{'    context: GET /auth/me (auth + 1 query) / hello':<46}{a['me_ratio']:>7.3f}   {'':<16}"
            f"{a['me_rps']:.0f} / {a['hello_rps']:.0f} req/s"
        )
        print(
            f"{'    experiment: bench.lean (2 raw queries) / hello':<46}{a['lean_ratio']:>7.3f}   {'':<16}"
            f"{a['lean_rps']:.0f} / {a['hello_rps']:.0f} req/s (same answers: {a['lean_matches']})"
        )
    print("=" * 100)
    errors = a["errors"] + sum(
        c[f"{size}/{kind}"]["errors"] for size in ("small", "large") for kind in ("first", "deep")
    )
    print(f"bad answers during the run: {errors}; Piccolo mirror matches the service: {b['mirror_matches']}")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Generate both databases, serve them, measure, and clean everything up."""
    results: dict[str, Any] = {"activities": args.activities, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)  # clean up as on Ctrl-C
    async with AsyncExitStack() as stack:
        loadgen = await stack.enter_async_context(load_generator())
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="coresearch-bench-")))
        scales: dict[str, Scale] = {}
        for label, activities, active in (
            ("small", SMALL_ACTIVITIES, SCALE_PROJECTS),
            ("large", args.activities, None),
        ):
            url = await stack.enter_async_context(throwaway_database(label, args.admin_url))
            print(f"\n{label}: generating {activities:,} activities into {url.rsplit('/', 1)[1]}")
            generated = await generate(url, activities=activities, active_projects=active)
            print_report(generated)
            env = service_environment(url, data_dir / label)
            tokens = await issue_tokens(url, env, generated.lead_ids)
            server = await stack.enter_async_context(serve(env))
            scale = Scale(
                label=label, activities=activities, generated=generated, server=server, tokens=tokens,
                url=url, env=env,
            )  # fmt: skip
            started = time.perf_counter()
            await walk_pages(scale, len(generated.project_ids), SCALE_PROJECTS)
            print(
                f"  served on port {server.port}; walked pages in {time.perf_counter() - started:.1f} s "
                f"(deep page = page {scale.deep_page_number})"
            )
            scales[label] = scale
        results["scale"] = await measure_scale(
            loadgen, scales["small"], scales["large"], args.latency_requests, args.rounds
        )
        results["throughput"] = await measure_throughput(
            loadgen,
            scales["large"],
            seconds=args.seconds,
            rounds=args.rounds,
            concurrency=args.concurrency,
            extras=not args.no_extras,
        )
        results["orm"] = await measure_orm(scales["large"], args.iterations, args.explain)
        results["breakdown"] = await measure_breakdown(scales["large"])
        print("\ncleaning up (servers, load generator, throwaway databases)")
    return results


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--activities", type=int, default=200_000, help="activities in the large database")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one throughput round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each throughput and latency case")
    parser.add_argument("--concurrency", type=int, default=16, help="connections of the load generator")
    parser.add_argument(
        "--latency-requests", type=int, default=300, help="sequential requests per latency case"
    )
    parser.add_argument("--iterations", type=int, default=2000, help="pages per side, Piccolo vs raw")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of the queries"
    )
    parser.add_argument(
        "--no-extras", action="store_true", help="skip the /auth/me and bench.lean rounds (context only)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--admin-url", default=ADMIN_URL, help="PostgreSQL server for the throwaway databases"
    )
    args = parser.parse_args()
    if args.activities < 2 * PAGE * 200:
        parser.error(f"--activities must be at least {2 * PAGE * 200:,} (two full pages per project)")
    try:
        results = asyncio.run(run(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; the servers were stopped and the throwaway databases dropped", file=sys.stderr)
        sys.exit(130)
    print_summary(results)
    if args.explain:
        for title, plan in results["orm"].get("explain", []):
            print(f"\nEXPLAIN (ANALYZE, BUFFERS), {title}:\n{plan}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nresults written to {args.json}")


if __name__ == "__main__":
    main()
