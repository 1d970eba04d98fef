"""Fill a freshly migrated database with realistic volumes, fast, through COPY.

    .venv/bin/python -m bench.generate [--activities 200000] [--keep]
    .venv/bin/python -m bench.generate --dsn postgresql://postgres@127.0.0.1:5432/mydb

Deterministic for a seed. Users, projects, members and phases depend only on the seed and their
own counts, so a small and a large database made with the same seed differ only in activities.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import asyncpg
from argon2 import PasswordHasher

from bench import norwegian as no
from bench.databases import ADMIN_URL, throwaway_database
from bench.work import load_work
from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.tables import Level, Phase, PhaseStatus

SEED = 20251123
PASSWORD = "Fjellvann-Blåbær-2026"  # noqa: S105 (every generated user's password)
LAST_DAY = date(2025, 12, 31)
FIRST_DAY = LAST_DAY - timedelta(days=3 * 365)
CREATED = datetime(2022, 9, 1, 8, 0, tzinfo=UTC)
CHUNK = 20_000

KINDS = [kind.value for kind in ActivityKind]
KIND_WEIGHTS = [30, 15, 10, 20, 10, 8, 7]
LEVELS = [level.value for level in Level]
LEVEL_WEIGHTS = [10, 30, 30, 20, 10]
PHASES = [phase.value for phase in Phase]
MINUTES = (30, 45, 60, 60, 90, 90, 120, 180, 240)
PARTICIPANT_COUNTS = (1, 1, 2, 2, 2, 3)
# Each project's first co-researcher is a regular: in this share of its activities and tasks, so
# their own pages are full (50 items) at both scales and the benchmark compares like with like.
REGULAR_SHARE = 0.75


@dataclass
class Generated:
    """What the generator made, for the benchmark to aim its requests at."""

    project_ids: list[uuid.UUID]
    lead_ids: list[uuid.UUID]
    activity_counts: list[int]
    crews: list[list[uuid.UUID]] = field(default_factory=list)  # co-researchers; the first is the regular
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class _Clock:
    def __init__(self, generated: Generated) -> None:
        self.generated = generated
        self.started = time.perf_counter()

    def lap(self, name: str, rows: int) -> None:
        now = time.perf_counter()
        self.generated.seconds[name] = now - self.started
        self.generated.rows[name] = rows
        self.started = now


def _users(rng: random.Random, coresearchers: int, projects: int, password_hash: str) -> list[tuple]:
    rows = []
    for index in range(coresearchers + projects):
        role = "co_researcher" if index < coresearchers else "researcher"
        name = no.full_name(rng)
        created = CREATED + timedelta(minutes=index)
        email = f"{no.ascii_slug(name)}.{index}@example.no"
        rows.append((_uuid(rng), email, name, role, password_hash, True, created, created, created))
    return rows


def _projects(rng: random.Random, count: int, lead_ids: list[uuid.UUID]) -> tuple[list[tuple], list[str]]:
    rows, topics = [], []
    for index in range(count):
        topic = no.TOPICS[index % len(no.TOPICS)]
        funder, prefix = rng.choice(no.FUNDERS)
        starts = FIRST_DAY - timedelta(days=rng.randint(0, 180))
        ends = LAST_DAY + timedelta(days=rng.randint(180, 900))
        year = starts.year - 1
        created = CREATED + timedelta(hours=index)
        rows.append(
            (
                _uuid(rng),
                no.project_title(rng, topic),
                f"Et medforskningsprosjekt om {topic}, der personer med egenerfaring deltar i alle faser.",
                funder,
                f"{prefix}-{rng.randint(100000, 999999)}",
                f"REK {rng.choice(no.REK_REGIONS)} {year}/{rng.randint(10000, 999999)}",
                starts,
                ends,
                rng.randint(50, 400) * 1_000_00,
                "active",
                lead_ids[index],
                created,
                created,
            )
        )
        topics.append(topic)
    return rows, topics


def _members(
    rng: random.Random,
    project_ids: list[uuid.UUID],
    lead_ids: list[uuid.UUID],
    coresearcher_ids: list[uuid.UUID],
) -> tuple[list[tuple], list[list[uuid.UUID]]]:
    """The lead plus ten co-researchers per project (each one's home project), and a few guests."""
    pool = list(coresearcher_ids)
    rng.shuffle(pool)
    per_project = max(1, len(pool) // max(1, len(project_ids)))
    rows, crews = [], []
    for index, project_id in enumerate(project_ids):
        crew = pool[index * per_project : (index + 1) * per_project] or [pool[index % len(pool)]]
        guests = [user for user in rng.sample(pool, 2) if user not in crew][: rng.randint(0, 2)]
        crew = crew + guests
        rows.append((_uuid(rng), project_id, lead_ids[index], "lead", CREATED))
        rows.extend((_uuid(rng), project_id, user, "co_researcher", CREATED) for user in crew)
        crews.append(crew)
    return rows, crews


def _phases(rng: random.Random, project_ids: list[uuid.UUID]) -> list[tuple]:
    rows = []
    for project_id in project_ids:
        for position, phase in enumerate(PHASES, 1):
            status = PhaseStatus.done.value if position <= 3 else rng.choice(("ongoing", "not_started"))
            notes = "Medforskerne var med på å prioritere." if position == 1 else ""
            level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
            rows.append((_uuid(rng), project_id, phase, position, level, status, notes, CREATED))
    return rows


def _spread(total: int, buckets: int) -> list[int]:
    return [total // buckets + (1 if index < total % buckets else 0) for index in range(buckets)]


def _activities(
    rng: random.Random,
    project_ids: list[uuid.UUID],
    lead_ids: list[uuid.UUID],
    topics: list[str],
    crews: list[list[uuid.UUID]],
    counts: list[int],
) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Chunks of (activity rows, participant rows), dates uniform over three years."""
    span = (LAST_DAY - FIRST_DAY).days
    activities, participants = [], []
    for index, project_id in enumerate(project_ids):
        lead, topic, crew = lead_ids[index], topics[index], crews[index]
        for _ in range(counts[index]):
            day = rng.randint(0, span)
            occurred = FIRST_DAY + timedelta(days=day)
            phase = PHASES[min(5, max(0, int(day / span * 6 + rng.gauss(0, 0.7))))]
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            summary, hoped, changed, why = no.activity_texts(rng, kind, topic)
            created = datetime(occurred.year, occurred.month, occurred.day, 15, tzinfo=UTC) + timedelta(
                days=rng.randint(0, 3), minutes=rng.randint(0, 600)
            )
            activity_id = _uuid(rng)
            level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
            minutes = rng.choice(MINUTES)
            people = set(rng.sample(crew, min(len(crew), rng.choice(PARTICIPANT_COUNTS))))
            if rng.random() < REGULAR_SHARE:
                people.add(crew[0])
            activities.append(
                (
                    activity_id,
                    project_id,
                    phase,
                    kind,
                    occurred,
                    level,
                    minutes,
                    summary,
                    hoped,
                    changed,
                    why,
                    lead,
                    created,
                    created,
                )
            )
            for user in sorted(people):
                participants.append((_uuid(rng), activity_id, user, True, project_id, occurred))
            if len(activities) >= CHUNK:
                yield activities, participants
                activities, participants = [], []
    if activities:
        yield activities, participants


USER_COLUMNS = [
    "id",
    "email",
    "full_name",
    "role",
    "password_hash",
    "is_active",
    "created_at",
    "updated_at",
    "password_changed_at",
]
PROJECT_COLUMNS = [
    "id",
    "title",
    "summary",
    "funder",
    "grant_reference",
    "ethics_reference",
    "starts_on",
    "ends_on",
    "involvement_budget_ore",
    "status",
    "created_by",
    "created_at",
    "updated_at",
]
MEMBER_COLUMNS = ["id", "project", "user", "role", "created_at"]
PHASE_COLUMNS = ["id", "project", "phase", "position", "planned_level", "status", "notes", "updated_at"]
ACTIVITY_COLUMNS = [
    "id",
    "project",
    "phase",
    "kind",
    "occurred_on",
    "level",
    "minutes",
    "summary",
    "hoped_to_influence",
    "what_changed",
    "why_it_matters",
    "created_by",
    "created_at",
    "updated_at",
]
# Leads log the activities, so every participant is confirmed (only confirmed ones count).
PARTICIPANT_COLUMNS = ["id", "activity", "user", "confirmed", "project", "occurred_on"]
TABLES = ["users", "projects", "project_members", "project_phases", "activities", "activity_participants"]
WORK_TABLES = ["tasks", "task_assignees", "meetings"]


async def generate(
    dsn: str,
    *,
    projects: int = 200,
    coresearchers: int = 2000,
    activities: int = 200_000,
    active_projects: int | None = None,
    seed: int = SEED,
    with_work: bool = False,
) -> Generated:
    """Fill the migrated, empty database at `dsn` and return the ids the benchmark needs.

    Activities are spread evenly over the first `active_projects` projects (default: all); with
    `with_work`, those projects also get as many tasks and half as many meetings (`bench.work`).
    Foreign-key triggers are off during the load (`session_replication_role = replica`): the
    generator makes consistent rows, and checking 600,000 references one by one would dominate.
    """
    rng = random.Random(seed)
    activity_rng = random.Random(seed * 7919 + activities)
    generated = Generated(project_ids=[], lead_ids=[], activity_counts=[])
    generated.crews = []
    clock = _Clock(generated)
    password_hash = PasswordHasher().hash(PASSWORD)
    users = _users(rng, coresearchers, projects, password_hash)
    coresearcher_ids = [row[0] for row in users[:coresearchers]]
    generated.lead_ids = [row[0] for row in users[coresearchers:]]
    project_rows, topics = _projects(rng, projects, generated.lead_ids)
    generated.project_ids = [row[0] for row in project_rows]
    member_rows, crews = _members(rng, generated.project_ids, generated.lead_ids, coresearcher_ids)
    generated.crews = crews
    phase_rows = _phases(rng, generated.project_ids)
    active = projects if active_projects is None else min(projects, active_projects)
    generated.activity_counts = _spread(activities, active) + [0] * (projects - active)
    clock.lap("prepare", 0)

    connection = await asyncpg.connect(dsn)
    try:
        # `confirmed` exists from migration 0009 on, the copies of project and day from 0013 on; an
        # older tree loads without them.
        present = {
            row["column_name"]
            for row in await connection.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'activity_participants'"
            )
        }
        kept = [index for index, name in enumerate(PARTICIPANT_COLUMNS) if name in present]
        participant_columns = [PARTICIPANT_COLUMNS[index] for index in kept]
        await connection.execute("SET session_replication_role = replica")
        async with connection.transaction():
            await connection.copy_records_to_table("users", records=users, columns=USER_COLUMNS)
            clock.lap("users", len(users))
            await connection.copy_records_to_table("projects", records=project_rows, columns=PROJECT_COLUMNS)
            clock.lap("projects", len(project_rows))
            await connection.copy_records_to_table(
                "project_members", records=member_rows, columns=MEMBER_COLUMNS
            )
            clock.lap("project_members", len(member_rows))
            await connection.copy_records_to_table(
                "project_phases", records=phase_rows, columns=PHASE_COLUMNS
            )
            clock.lap("project_phases", len(phase_rows))
            activity_total = participant_total = 0
            for activity_rows, participant_rows in _activities(
                activity_rng,
                generated.project_ids,
                generated.lead_ids,
                topics,
                crews,
                generated.activity_counts,
            ):
                await connection.copy_records_to_table(
                    "activities", records=activity_rows, columns=ACTIVITY_COLUMNS
                )
                await connection.copy_records_to_table(
                    "activity_participants",
                    records=[tuple(row[index] for index in kept) for row in participant_rows],
                    columns=participant_columns,
                )
                activity_total += len(activity_rows)
                participant_total += len(participant_rows)
            clock.lap("activities + participants", activity_total)
            generated.rows["activity_participants"] = participant_total
            if with_work:
                await load_work(connection, random.Random(seed * 31 + activities), generated, clock)
        tables = TABLES + (WORK_TABLES if with_work else [])
        await connection.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
        clock.lap("vacuum analyze", 0)
    finally:
        await connection.close()
    return generated


def print_report(generated: Generated) -> None:
    """Print rows and seconds per step."""
    for name, seconds in generated.seconds.items():
        rows = generated.rows.get(name, 0)
        count = f"{rows:>9,} rows" if rows else " " * 14
        print(f"  {name:<28}{count}  {seconds:6.2f} s")
    if "activity_participants" in generated.rows:
        print(f"  {'(participants)':<28}{generated.rows['activity_participants']:>9,} rows")
    print(f"  {'total':<28}{'':14}  {sum(generated.seconds.values()):6.2f} s")


async def _main(args: argparse.Namespace) -> None:
    options = {"projects": args.projects, "coresearchers": args.coresearchers, "activities": args.activities}
    if args.dsn:
        print_report(await generate(args.dsn, **options))
        return
    async with throwaway_database("generate", args.admin_url) as url:
        print(f"generating into {url}")
        print_report(await generate(url, **options))
        if args.keep:
            print("--keep: Ctrl-C (or SIGTERM) drops the database", flush=True)
            stop = asyncio.Event()
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().add_signal_handler(signal_number, stop.set)
            await stop.wait()


def main() -> None:
    """Command line: generate into a given or a throwaway database."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dsn", help="a freshly migrated database (default: a throwaway one)")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="server for the throwaway database")
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--coresearchers", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database until Ctrl-C")
    try:
        asyncio.run(_main(parser.parse_args()))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
