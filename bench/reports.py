"""The involvement report at scale: the JSON report against its own SQL, the PDF, the query count.

    .venv/bin/python -m bench.reports                 # 200 co-researchers, 20,000 activities,
                                                     # 100,000 time entries; ~1 min
    .venv/bin/python -m bench.reports --activities 2000 --time-entries 10000 --rounds 3

One throwaway PostgreSQL database (as `bench.activities`: created, migrated, dropped) holds two
projects loaded with COPY: a *large* one (200 co-researchers, the activities with 1–3
participants each, the time entries, 400 paid claims with a line each, 12 evaluation rounds of
20 answers, 40 training records) and a *small* one (10 co-researchers and a hundredth of it all).

It prints, for the large project:
- **JSON report / raw SQL**: the median time of the service's whole report (its queries, the
  figures, the draft text, consent, encoding to JSON) against the same statements, captured from
  the service's engine, sent with the same arguments through an asyncpg pool configured as the
  service's. Aim: at most 1.5.
- **PDF render**: the median time of typesetting the report (Typst, in a worker thread).
- **Queries small / large**: the statements one report sends for each project. Aim: equal.
Exits 0 whether or not the aims are met.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import msgspec
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from bench import norwegian as no
from bench.databases import ADMIN_URL, raw_pool, throwaway_database
from coresearch.domain.reports import exports, service
from coresearch.domain.reports import schemas as s
from coresearch.lib import db

SEED = 20261130
START, END = date(2026, 1, 1), date(2026, 12, 31)
CREATED = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
PHASES = ["topic", "design", "informants", "data_collection", "analysis", "dissemination"]
LEVELS = ["inform", "consult", "involve", "collaborate", "lead"]
KINDS = ["meeting", "workshop", "interview", "document_review", "analysis_session", "presentation", "other"]


def _id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _day(rng: random.Random) -> date:
    return START + timedelta(days=rng.randrange((END - START).days + 1))


async def _load(
    connection: asyncpg.Connection,
    rng: random.Random,
    *,
    title: str,
    people: int,
    activities: int,
    time_entries: int,
    claims: int,
    rounds: int,
) -> uuid.UUID:
    """One project with its lead, co-researchers, phases and records; returns its id."""
    project, lead = _id(rng), _id(rng)
    crew = [_id(rng) for _ in range(people)]
    users = [
        (lead, f"lead.{lead.hex[:8]}@example.no", no.full_name(rng), "researcher", True, CREATED, CREATED)
    ]
    users += [
        (user, f"m.{user.hex[:8]}@example.no", no.full_name(rng), "co_researcher", True, CREATED, CREATED)
        for user in crew
    ]
    columns = ["id", "email", "full_name", "role", "is_active", "created_at", "updated_at"]
    await connection.copy_records_to_table("users", records=users, columns=columns)
    await connection.copy_records_to_table(
        "projects",
        records=[
            (project, title, "", "Helse Nord RHF", "HN-1", START, END, 50_000_000, "active", CREATED, CREATED)
        ],
        columns=[
            "id", "title", "summary", "funder", "grant_reference", "starts_on", "ends_on",
            "involvement_budget_ore", "status", "created_at", "updated_at",
        ],
    )  # fmt: skip
    members = [(_id(rng), project, lead, "lead", CREATED)]
    members += [(_id(rng), project, user, "co_researcher", CREATED) for user in crew]
    await connection.copy_records_to_table(
        "project_members", records=members, columns=["id", "project", "user", "role", "created_at"]
    )
    phases = [
        (
            _id(rng),
            project,
            phase,
            position,
            rng.choice(LEVELS),
            "ongoing",
            "Medforskerne prioriterer.",
            5_000_000,
        )
        for position, phase in enumerate(PHASES, 1)
    ]
    await connection.copy_records_to_table(
        "project_phases",
        records=phases,
        columns=["id", "project", "phase", "position", "planned_level", "status", "notes", "budget_ore"],
    )
    activity_rows, participant_rows = [], []
    for index in range(activities):
        activity, day = _id(rng), _day(rng)
        changed = "Spørsmålene ble endret etter innspill." if index % 4 == 0 else ""
        activity_rows.append(
            (
                activity, project, rng.choice(PHASES), rng.choice(KINDS), day, rng.choice(LEVELS),
                rng.choice((30, 60, 90, 120)), "Arbeidsmøte", "", changed,
                changed and "Det gjør studien bedre.",
                CREATED, CREATED,
            )
        )  # fmt: skip
        for user in rng.sample(crew, rng.randint(1, min(3, len(crew)))):
            participant_rows.append((_id(rng), activity, user, True, project, day))
    await connection.copy_records_to_table(
        "activities",
        records=activity_rows,
        columns=[
            "id", "project", "phase", "kind", "occurred_on", "level", "minutes", "summary",
            "hoped_to_influence", "what_changed", "why_it_matters", "created_at", "updated_at",
        ],
    )  # fmt: skip
    await connection.copy_records_to_table(
        "activity_participants",
        records=participant_rows,
        columns=["id", "activity", "user", "confirmed", "project", "occurred_on"],
    )
    await connection.copy_records_to_table(
        "time_entries",
        records=[
            (
                _id(rng),
                project,
                rng.choice(crew),
                _day(rng),
                rng.choice((30, 60, 90)),
                "manual",
                "",
                CREATED,
                CREATED,
            )
            for _ in range(time_entries)
        ],
        columns=[
            "id",
            "project",
            "coresearcher",
            "worked_on",
            "minutes",
            "source",
            "description",
            "created_at",
            "updated_at",
        ],
    )
    claim_rows, line_rows = [], []
    for _ in range(claims):
        claim, day = _id(rng), _day(rng)
        paid = day + timedelta(days=rng.randint(5, 40))
        submitted = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        claim_rows.append((claim, project, rng.choice(crew), day, day, "paid", 35_500, submitted, paid, ""))
        line_rows.append((_id(rng), claim, "time", day, 60, 60, "", 35_500, rng.choice(PHASES)))
    await connection.copy_records_to_table(
        "claims",
        records=claim_rows,
        columns=[
            "id",
            "project",
            "coresearcher",
            "period_start",
            "period_end",
            "status",
            "total_ore",
            "created_at",
            "paid_on",
            "reject_reason",
        ],
    )
    await connection.copy_records_to_table(
        "claim_lines",
        records=line_rows,
        columns=["id", "claim", "kind", "day", "minutes", "paid_minutes", "rule", "amount_ore", "phase"],
    )
    for index in range(rounds):
        round_id = _id(rng)
        opened = START + timedelta(days=20 * index)
        await connection.execute(
            "INSERT INTO evaluation_rounds (id, project, title, opened_on, closes_on, closed_at, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $6)",
            round_id, project, f"Runde {index + 1}", opened, opened + timedelta(days=14), CREATED,
        )  # fmt: skip
        answers = [
            (
                _id(rng),
                round_id,
                *(rng.randint(1, 5) for _ in range(4)),
                "Godt møte, æøå." if a % 5 == 0 else None,
            )
            for a in range(min(20, people))
        ]
        await connection.copy_records_to_table(
            "evaluation_answers",
            records=answers,
            columns=["id", "round", "voice", "contribute", "agenda", "change", "comment"],
        )
    await connection.copy_records_to_table(
        "coresearcher_training",
        records=[
            (_id(rng), user, project, "Kurs i brukermedvirkning", _day(rng), 180, "", CREATED)
            for user in crew[: max(1, people // 5)]
        ],
        columns=["id", "user", "project", "title", "completed_on", "minutes", "provider", "created_at"],
    )
    consent = [(_id(rng), user, "name_in_reports", True, CREATED) for user in crew[::2]]
    await connection.copy_records_to_table(
        "coresearcher_consents", records=consent, columns=["id", "user", "scope", "granted", "decided_at"]
    )
    return project


class Capture:
    """Records every statement the service's engine runs, with its arguments (PostgreSQL form)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, list[Any]]] = []
        self._original = PostgresEngine.run_querystring

    def __enter__(self) -> Capture:
        capture, original = self, self._original

        async def run(engine: PostgresEngine, querystring: QueryString, in_pool: bool = True) -> Any:
            capture.statements.append(querystring.compile_string(engine_type="postgres"))
            return await original(engine, querystring, in_pool=in_pool)

        PostgresEngine.run_querystring = run  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        PostgresEngine.run_querystring = self._original  # type: ignore[method-assign]


async def _report(project: uuid.UUID) -> bytes:
    report = await service.build_involvement(
        project_id=project, start=START, end=END, lang=s.Lang.nb, moment=datetime.now(UTC)
    )
    return msgspec.json.encode(report)


async def _raw(pool: asyncpg.Pool, statements: list[tuple[str, list[Any]]]) -> None:
    async with pool.acquire() as connection:
        for sql, args in statements:
            await connection.fetch(sql, *args)


async def _median(call: Any, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def run(args: argparse.Namespace) -> None:
    rng = random.Random(SEED)
    async with throwaway_database("reports", args.admin_url) as url:
        connection = await asyncpg.connect(url)
        started = time.perf_counter()
        try:
            await connection.execute("SET session_replication_role = replica")
            async with connection.transaction():
                large = await _load(
                    connection, rng, title="Stort prosjekt", people=200, activities=args.activities,
                    time_entries=args.time_entries, claims=400, rounds=12,
                )  # fmt: skip
                small = await _load(
                    connection, rng, title="Lite prosjekt", people=10,
                    activities=max(1, args.activities // 100), time_entries=max(1, args.time_entries // 100),
                    claims=4, rounds=1,
                )  # fmt: skip
            await connection.execute("VACUUM (ANALYZE)")
        finally:
            await connection.close()
        print(f"loaded in {time.perf_counter() - started:.1f} s")
        engine = await db.open_database(url)
        pool = await raw_pool(url)
        try:
            with Capture() as small_capture:
                await _report(small)
            with Capture() as large_capture:
                body = await _report(large)
            statements = large_capture.statements
            await _report(large)  # warm both sides
            await _raw(pool, statements)
            report_times, raw_times = [], []
            for _ in range(args.rounds):  # alternate, so drift on a busy machine hits both
                report_times.append(await _median(lambda: _report(large), 1))
                raw_times.append(await _median(lambda: _raw(pool, statements), 1))
            report = await service.build_involvement(
                project_id=large, start=START, end=END, lang=s.Lang.nb, moment=datetime.now(UTC)
            )
            breakdown = []
            async with pool.acquire() as connection:
                for sql, statement_args in statements:
                    started = time.perf_counter()
                    await connection.fetch(sql, *statement_args)
                    breakdown.append((time.perf_counter() - started, " ".join(sql.split())[:90]))
            pdf_times = []
            for _ in range(max(1, args.rounds // 2)):
                started = time.perf_counter()
                document = await exports.involvement_pdf(report)
                pdf_times.append(time.perf_counter() - started)
        finally:
            await pool.close()
            await db.close_database(engine)
    json_ms, raw_ms = statistics.median(report_times) * 1000, statistics.median(raw_times) * 1000
    print(
        f"large project: {args.activities:,} activities, {args.time_entries:,} time entries, "
        "200 co-researchers"
    )
    print(f"JSON report             {json_ms:8.1f} ms  ({len(body):,} bytes)")
    print(f"its SQL, raw asyncpg    {raw_ms:8.1f} ms  ({len(statements)} statements)")
    print(f"ratio                   {json_ms / raw_ms:8.2f}    (aim: at most 1.5)")
    print(f"PDF render              {statistics.median(pdf_times) * 1000:8.1f} ms  ({len(document):,} bytes)")
    print("slowest statements (raw, ms):")
    for seconds, sql in sorted(breakdown, reverse=True)[:5]:
        print(f"  {seconds * 1000:8.1f}  {sql}")
    print(
        f"queries small / large   {len(small_capture.statements):>4} / {len(statements):<4}"
        f"  (aim: equal) {'ok' if len(small_capture.statements) == len(statements) else 'DIFFERENT'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--time-entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
