"""The certificate of participation for a person with a long history against one with a short one.

    .venv/bin/python -m bench.certificate                 # 20,000 time entries, ~1 min
    .venv/bin/python -m bench.certificate --entries 2000 --runs 5   # a quick look

One throwaway PostgreSQL database (bench/databases.py), the project and its people made through
the services, then two co-researchers' records written in bulk:
- **small**: 5 time entries, 3 activities, 2 meetings attended, 1 done task, 1 course;
- **large**: `--entries` time entries (default 20,000), a tenth as many activities (each a
  confirmed participation), a fiftieth as many meetings attended and done tasks, 30 courses.
Each certificate is issued `--runs` times in turn (small, large, small, ...) through
`certificates.service.issue_certificate` as the project's lead: reads, the Typst render in its
worker thread and the audit row. Printed: the median of each, the ratio large ÷ small (aim: close
to 1; only the training table grows with the history, every other figure is an aggregate), the
median of the render alone for each, and the statements each issue ran (aim: equal).
Exits 0 whether or not the aims are met.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.databases import throwaway_database
from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.agreements import lifecycle
from coresearch.domain.agreements import service as agreements
from coresearch.domain.agreements.schemas import AgreementCreate, AgreementStep
from coresearch.domain.certificates import service as certificates
from coresearch.domain.certificates.schemas import Language
from coresearch.domain.coresearchers.tables import Training
from coresearch.domain.involvement.tables import Activity, ActivityKind, ActivityParticipant
from coresearch.domain.payments.tables import TimeEntry
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.schemas import MemberPut, ProjectCreate
from coresearch.domain.projects.tables import Level, MemberRole, Phase
from coresearch.domain.work.tables import Attendance, Meeting, Task, TaskAssignee, TaskStatus
from coresearch.lib import db, pdf

START = date(2024, 1, 1)
BATCH = 2_000
PHASES = list(Phase)
KINDS = list(ActivityKind)


def _principal(user: Any) -> Principal:
    return Principal(
        id=user.id, email=user.email, full_name=user.full_name, role=user.role, token_id=uuid.uuid4()
    )


async def _insert(table: Any, rows: list[Any]) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*rows[start : start + BATCH])


async def _people() -> tuple[Principal, Principal, Principal, uuid.UUID]:
    """A lead, two co-researchers with active agreements, and their project."""
    lead = _principal(
        await accounts.create_user_from_cli(
            email="kari.lode@example.no", full_name="Kari Lødøen", role=Role.researcher, password=None
        )
    )
    small, large = [
        _principal(
            await accounts.create_user_from_cli(
                email=f"{key}@example.no", full_name=name, role=Role.co_researcher, password=None
            )
        )
        for key, name in (("liten", "Åse Lille"), ("stor", "Øystein Storvik"))
    ]
    project = await projects.create_project(
        principal=lead,
        data=ProjectCreate(
            title="Medforskning om overgangen fra psykisk helsevern til kommunen",
            funder="Helse Vest",
            grant_reference="HV-2026-042",
            starts_on=START,
            ends_on=START + timedelta(days=3 * 365),
        ),
    )
    for person in (small, large):
        await projects.put_member(
            principal=lead,
            project_id=project.id,
            user_id=person.id,
            data=MemberPut(role=MemberRole.co_researcher),
        )
        agreement = await agreements.create_agreement(
            principal=lead,
            project_id=project.id,
            data=AgreementCreate(
                coresearcher_id=person.id,
                role_title="Medforsker",
                starts_on=START,
                ends_on=START + timedelta(days=3 * 365),
                contact_person_id=lead.id,
            ),
        )
        await lifecycle.send_agreement(principal=lead, agreement_id=agreement.id, data=AgreementStep())
        await lifecycle.accept_agreement(principal=person, agreement_id=agreement.id, data=AgreementStep())
    return lead, small, large, project.id


async def _history(
    *, lead: Principal, person: Principal, project_id: uuid.UUID, entries: int, courses: int
) -> None:
    """Write the person's records in bulk: `entries` time entries and what goes with them."""
    day: Callable[[int], date] = lambda n: START + timedelta(days=n % 1000)  # noqa: E731
    await _insert(
        TimeEntry,
        [
            TimeEntry(project=project_id, coresearcher=person.id, worked_on=day(n), minutes=30 + n % 90)
            for n in range(entries)
        ],
    )
    activities = [
        Activity(
            project=project_id,
            phase=PHASES[n % 6].value,
            kind=KINDS[n % len(KINDS)].value,
            occurred_on=day(n),
            level=Level.involve.value,
            minutes=90,
            summary="Verksted om intervjuguiden",
            created_by=lead.id,
        )
        for n in range(max(3, entries // 10))
    ]
    await _insert(Activity, activities)
    await _insert(
        ActivityParticipant,
        [
            ActivityParticipant(
                activity=a.id, user=person.id, confirmed=True, project=project_id, occurred_on=a.occurred_on
            )
            for a in activities
        ],
    )
    meetings = [
        Meeting(
            project=project_id,
            title="Arbeidsmøte",
            phase=PHASES[n % 6].value,
            starts_at=datetime(2024, 1, 1, 10, tzinfo=UTC) + timedelta(days=n),
            ends_at=datetime(2024, 1, 1, 12, tzinfo=UTC) + timedelta(days=n),
        )
        for n in range(max(2, entries // 50))
    ]
    await _insert(Meeting, meetings)
    await _insert(
        Attendance,
        [Attendance(meeting=m.id, user=person.id, attended=True, mode="in_person") for m in meetings],
    )
    tasks = [
        Task(project=project_id, title="Les gjennom", phase=PHASES[n % 6].value, status=TaskStatus.done.value)
        for n in range(max(1, entries // 50))
    ]
    await _insert(Task, tasks)
    await _insert(TaskAssignee, [TaskAssignee(task=t.id, user=person.id, project=project_id) for t in tasks])
    await _insert(
        Training,
        [
            Training(
                user=person.id, project=project_id, title=f"Kurs {n + 1}", completed_on=day(n), minutes=120
            )
            for n in range(courses)
        ],
    )


@contextmanager
def _counting() -> Iterator[list[tuple[str, float]]]:
    """Every statement run inside the block, with its time in seconds."""
    engine_class = type(db.current_engine())
    seen: list[tuple[str, float]] = []
    original = engine_class.run_querystring

    async def counting(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await original(self, querystring, *args, **kwargs)
        finally:
            seen.append((str(querystring), time.perf_counter() - began))

    engine_class.run_querystring = counting  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        engine_class.run_querystring = original  # type: ignore[method-assign]


async def _run(args: argparse.Namespace) -> None:
    async with throwaway_database("certificate") as url:
        engine = await db.open_database(url)
        try:
            lead, small, large, project_id = await _people()
            began = time.perf_counter()
            await _history(lead=lead, person=small, project_id=project_id, entries=5, courses=1)
            await _history(lead=lead, person=large, project_id=project_id, entries=args.entries, courses=30)
            # As autovacuum would after a bulk load: the planner needs the tables' statistics.
            await TimeEntry.raw("ANALYZE")
            print(f"records written in {time.perf_counter() - began:.1f} s")
            timings: dict[str, list[float]] = {"small": [], "large": []}
            renders: dict[str, list[float]] = {"small": [], "large": []}
            statements: dict[str, int] = {}
            slowest: dict[str, list[tuple[str, float]]] = {}
            minutes: dict[str, int] = {}
            people = {"small": small, "large": large}
            documents: dict[str, Any] = {}
            original_render = pdf.render

            async def capture(template: str, data: object, **kwargs: Any) -> bytes:
                documents[current] = data
                return await original_render(template, data, **kwargs)

            pdf.render = capture  # type: ignore[assignment]
            try:
                for run in range(args.runs + 1):  # the first round warms up and is not counted
                    for current in ("small", "large"):
                        with _counting() as seen:
                            began = time.perf_counter()
                            issued = await certificates.issue_certificate(
                                principal=lead,
                                project_id=project_id,
                                coresearcher_id=people[current].id,
                                lang=Language.nb,
                            )
                            elapsed = time.perf_counter() - began
                        if run:
                            timings[current].append(elapsed)
                        statements[current], minutes[current] = len(seen), issued.minutes
                        slowest[current] = sorted(seen, key=lambda item: -item[1])[:3]
            finally:
                pdf.render = original_render  # type: ignore[assignment]
            for current in ("small", "large"):
                for _ in range(args.runs):
                    began = time.perf_counter()
                    pdf.render_sync(certificates.TEMPLATE, documents[current])
                    renders[current].append(time.perf_counter() - began)
        finally:
            await db.close_database(engine)
    median = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    render = {k: statistics.median(v) * 1000 for k, v in renders.items()}
    print(f"{'':<8}{'time entries':>14}{'minutes':>10}{'issue ms':>10}{'render ms':>11}{'statements':>12}")
    for current, count in (("small", 5), ("large", args.entries)):
        print(
            f"{current:<8}{count:>14,}{minutes[current]:>10,}{median[current]:>10.1f}"
            f"{render[current]:>11.1f}{statements[current]:>12}"
        )
    print(f"ratio large / small, issue:  {median['large'] / median['small']:.2f}")
    print(f"ratio large / small, render: {render['large'] / render['small']:.2f}")
    print(f"statements equal: {statements['small'] == statements['large']}")
    if args.statements:
        for current in ("small", "large"):
            print(f"slowest statements, {current} (last run):")
            for sql, seconds in slowest[current]:
                print(f"  {seconds * 1000:7.1f} ms  {sql[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=20_000, help="the large person's time entries")
    parser.add_argument("--runs", type=int, default=15, help="measured issues per person")
    parser.add_argument("--statements", action="store_true", help="print each person's slowest statements")
    asyncio.run(_run(parser.parse_args()))


if __name__ == "__main__":
    main()
