"""Tasks (with assignees) and meetings for the generated projects, loaded with COPY.

Each project with activities gets as many tasks and half as many meetings; every project's
regular co-researcher (its crew's first) is assigned `REGULAR_SHARE` of its tasks, so their
`/me/tasks` and task pages are full at both scales.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg

from coresearch.domain.projects.tables import Phase
from coresearch.domain.work.tables import TaskStatus

if TYPE_CHECKING:
    from bench.generate import Generated

REGULAR_SHARE = 0.75
UNDATED_SHARE = 0.1
FIRST = datetime(2023, 1, 1, 9, tzinfo=UTC)
SPAN_DAYS = 3 * 365
TASK_COLUMNS = [
    "id", "project", "title", "description", "phase", "due_on", "estimated_minutes", "status",
    "created_by", "created_at", "updated_at",
]  # fmt: skip
ASSIGNEE_COLUMNS = ["id", "task", "user", "project", "due_sort"]
UNDATED_SORT = date(9999, 12, 31)
MEETING_COLUMNS = [
    "id", "project", "title", "phase", "starts_at", "ends_at", "location", "break_minutes", "agenda",
    "created_by", "created_at", "updated_at",
]  # fmt: skip
PHASES = [phase.value for phase in Phase]
STATUSES = [status.value for status in TaskStatus]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _rows(rng: random.Random, generated: Generated) -> tuple[list[tuple], list[tuple], list[tuple]]:
    tasks: list[tuple] = []
    assignees: list[tuple] = []
    meetings: list[tuple] = []
    for index, project_id in enumerate(generated.project_ids):
        lead, crew, count = (
            generated.lead_ids[index],
            generated.crews[index],
            generated.activity_counts[index],
        )
        for number in range(count):
            created = FIRST + timedelta(days=rng.randint(0, SPAN_DAYS), minutes=rng.randint(0, 600))
            due = (
                None
                if rng.random() < UNDATED_SHARE
                else (created + timedelta(days=rng.randint(7, 90))).date()
            )
            task_id = _uuid(rng)
            tasks.append(
                (
                    task_id, project_id, f"Oppgave {number + 1}: gjennomgå intervjuguide",
                    "Les gjennom og kommenter før neste møte.", rng.choice(PHASES), due,
                    rng.choice((None, 60, 120, 240)), rng.choice(STATUSES), lead, created, created,
                )
            )  # fmt: skip
            people = set(rng.sample(crew, min(len(crew), rng.choice((1, 1, 2)))))
            if rng.random() < REGULAR_SHARE:
                people.add(crew[0])
            due_sort = UNDATED_SORT if due is None else due
            assignees.extend((_uuid(rng), task_id, user, project_id, due_sort) for user in sorted(people))
        for number in range(count // 2):
            starts = FIRST + timedelta(days=rng.randint(0, SPAN_DAYS), hours=rng.randint(0, 8))
            meetings.append(
                (
                    _uuid(rng), project_id, f"Arbeidsmøte {number + 1}", rng.choice(PHASES), starts,
                    starts + timedelta(hours=2), "Møterom 3, Ullevål", 15, "1. Referat\n2. Analyse",
                    lead, starts, starts,
                )
            )  # fmt: skip
    return tasks, assignees, meetings


async def load_work(
    connection: asyncpg.Connection, rng: random.Random, generated: Generated, clock: Any
) -> None:
    """Make and COPY the tasks, assignees and meetings (foreign-key triggers already off)."""
    tasks, assignees, meetings = _rows(rng, generated)
    # The copies of project and due date exist from migration 0015 on; an older tree loads without.
    has_copies = await connection.fetchval(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'task_assignees' AND column_name = 'due_sort'"
    )
    columns = ASSIGNEE_COLUMNS if has_copies else ASSIGNEE_COLUMNS[:3]
    await connection.copy_records_to_table("tasks", records=tasks, columns=TASK_COLUMNS)
    await connection.copy_records_to_table(
        "task_assignees", records=[row[: len(columns)] for row in assignees], columns=columns
    )
    clock.lap("tasks + assignees", len(tasks))
    generated.rows["task_assignees"] = len(assignees)
    await connection.copy_records_to_table("meetings", records=meetings, columns=MEETING_COLUMNS)
    clock.lap("meetings", len(meetings))
