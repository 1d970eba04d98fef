"""The report's figures from the aggregate rows of `queries`: pure arithmetic, no queries.

Rows come grouped by project; each function here takes the rows of the whole scope and returns
the figures per project id, so the project report and the portfolio share them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.payments.payment_times import days_to_payment, median
from coresearch.domain.projects.tables import Level, Phase, PhaseStatus
from coresearch.domain.reports import schemas as s
from coresearch.domain.reports.queries import date_of, uuid_of

# A round's answers are shown only from this many on (as its summary: involvement/evaluations.py).
MINIMUM_ANSWERS = 3
LEVEL_ORDER = list(Level)


def _count(value: Any) -> int:
    return int(value or 0)


class ActivityTally:
    """Activities of one project (or one of its phases): counts, minutes, levels and kinds."""

    def __init__(self) -> None:
        self.activities = 0
        self.minutes = 0
        self.with_impact = 0
        self.levels: dict[str, int] = defaultdict(int)
        self.kinds: dict[str, int] = defaultdict(int)

    def add(self, row: dict[str, Any]) -> None:
        count = _count(row["activities"])
        self.activities += count
        self.minutes += _count(row["minutes"])
        self.with_impact += _count(row["with_impact"])
        self.levels[row["level"]] += count
        self.kinds[row["kind"]] += count

    def level_counts(self) -> s.LevelCounts:
        return s.LevelCounts(**{level.value: self.levels.get(level.value, 0) for level in Level})

    def kind_counts(self) -> s.KindCounts:
        return s.KindCounts(**{kind.value: self.kinds.get(kind.value, 0) for kind in ActivityKind})

    def actual_level(self) -> Level | None:
        """The most frequent level; a tie goes to the higher level."""
        if not self.activities:
            return None
        return max(LEVEL_ORDER, key=lambda level: (self.levels.get(level.value, 0), LEVEL_ORDER.index(level)))


def tally_activities(rows: list[dict[str, Any]]) -> dict[UUID, dict[str | None, ActivityTally]]:
    """Per project: a tally per phase, and the project's whole under the key None."""
    tallies: dict[UUID, dict[str | None, ActivityTally]] = defaultdict(lambda: defaultdict(ActivityTally))
    for row in rows:
        project = uuid_of(row["project"])
        tallies[project][row["phase"]].add(row)
        tallies[project][None].add(row)
    return tallies


def by_project_phase(rows: list[dict[str, Any]], value: str) -> dict[UUID, dict[str | None, int]]:
    """`value` of rows grouped by project and phase."""
    result: dict[UUID, dict[str | None, int]] = defaultdict(dict)
    for row in rows:
        result[uuid_of(row["project"])][row["phase"]] = _count(row[value])
    return result


def by_project(rows: list[dict[str, Any]]) -> dict[UUID, dict[str, Any]]:
    """Rows with one row per project, by project id."""
    return {uuid_of(row["project"]): row for row in rows}


def people_per_phase(rows: list[dict[str, Any]]) -> dict[UUID, dict[str | None, int]]:
    """Per project: distinct co-researchers per phase, and over all phases under the key None."""
    seen: dict[UUID, dict[str | None, set[UUID]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        person, phases = uuid_of(row["person"]), seen[uuid_of(row["project"])]
        phases[row["phase"]].add(person)
        phases[None].add(person)
    return {
        project: {phase: len(people) for phase, people in phases.items()} for project, phases in seen.items()
    }


def people_by_project(rows: list[dict[str, Any]]) -> dict[UUID, set[UUID]]:
    """The co-researchers involved in each project."""
    result: dict[UUID, set[UUID]] = defaultdict(set)
    for row in rows:
        result[uuid_of(row["project"])].add(uuid_of(row["person"]))
    return result


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def payment_days(row: dict[str, Any]) -> int:
    """Days from the claim's submission (the UTC date of `created_at`) to `paid_on`: the one
    definition of the payments area (`payment_times`)."""
    return days_to_payment(_moment(row["created_at"]), date_of(row["paid_on"])) or 0


def median_days(days: list[int]) -> float | None:
    """The median (the mean of the middle two for an even count); None for no claims."""
    return median(days)


def payments_by_project(rows: list[dict[str, Any]]) -> dict[UUID, tuple[int, int, list[int]]]:
    """Per project: claims paid, their total in øre, and each one's days to payment."""
    result: dict[UUID, tuple[int, int, list[int]]] = {}
    for row in rows:
        project = uuid_of(row["project"])
        count, total, days = result.get(project, (0, 0, []))
        result[project] = (count + 1, total + _count(row["total_ore"]), [*days, payment_days(row)])
    return result


def spending_by_project(rows: list[dict[str, Any]]) -> dict[UUID, dict[str, dict[str | None, int]]]:
    """Per project: claim-line amounts in øre of approved-or-paid (`approved`) and paid (`paid`)
    claims, per phase (None: lines without a phase) and in total (key `"*"`)."""
    result: dict[UUID, dict[str, dict[str | None, int]]] = defaultdict(
        lambda: {"approved": defaultdict(int), "paid": defaultdict(int)}
    )
    for row in rows:
        spent = result[uuid_of(row["project"])]
        amount = _count(row["amount"])
        phase = row.get("phase")
        spent["approved"][phase] += amount
        spent["approved"]["*"] += amount
        if row["status"] == "paid":
            spent["paid"][phase] += amount
            spent["paid"]["*"] += amount
    return result


def is_closed(row: dict[str, Any], on: date) -> bool:
    """A round is closed once the lead closed it or its `closes_on` day has passed."""
    return row["closed_at"] is not None or (row["closes_on"] is not None and date_of(row["closes_on"]) < on)


def shown_round(row: dict[str, Any], on: date) -> bool:
    """Only closed rounds with at least `MINIMUM_ANSWERS` answers are reported."""
    return is_closed(row, on) and _count(row["answers"]) >= MINIMUM_ANSWERS


def evaluation(row: dict[str, Any]) -> s.EvaluationFigures:
    answers = _count(row["answers"])
    return s.EvaluationFigures(
        title=row["title"],
        opened_on=date_of(row["opened_on"]),
        answers=answers,
        **{
            name: round(_count(row[name]) / answers, 2)
            for name in ("voice", "contribute", "agenda", "change")
        },
    )


def phase_figures(
    *,
    phase_rows: list[dict[str, Any]],
    tallies: dict[str | None, ActivityTally],
    people: dict[str | None, int],
    tasks: dict[str | None, int],
    spent: dict[str, dict[str | None, int]] | None,
) -> list[s.PhaseFigures]:
    """One row per phase of the project, in the phases' order."""
    result = []
    for row in sorted(phase_rows, key=lambda r: r["position"]):
        tally = tallies.get(row["phase"]) or ActivityTally()
        result.append(
            s.PhaseFigures(
                phase=Phase(row["phase"]),
                status=PhaseStatus(row["status"]),
                planned_level=Level(row["planned_level"]) if row["planned_level"] else None,
                actual_level=tally.actual_level(),
                activities=tally.activities,
                coresearchers=people.get(row["phase"], 0),
                minutes=tally.minutes,
                levels=tally.level_counts(),
                kinds=tally.kind_counts(),
                tasks_done=tasks.get(row["phase"], 0),
                budget_ore=row.get("budget_ore"),
                approved_ore=spent["approved"].get(row["phase"], 0) if spent else 0,
                paid_ore=spent["paid"].get(row["phase"], 0) if spent else 0,
            )
        )
    return result


def project_of(row: dict[str, Any]) -> s.ReportProject:
    return msgspec.convert(row, s.ReportProject)
