"""The aggregate SQL behind the funder reports: a fixed number of statements, whatever the size.

Every statement reads one kind of record for a *scope* of projects (one project, one funder's,
or all) and a period, grouped by project (and phase, kind, level where the report needs them),
so a project report and the portfolio run the same statements and their count never grows with
the rows. Like `privacy/`, this module reads the other areas' tables itself (docs/decisions.md:
a report is one read across every area; going through each area's service would cost a call per
area and, for people and rounds, per row). Fixed SQL with `{}` parameters, run on both engines.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from coresearch.domain.reports.tables import ReportText

# How many impact statements the draft quotes (the most recent of the period); `impact_total`
# counts them all.
IMPACT_LIMIT = 50


class Scope:
    """Which projects a report covers, as a condition on a project-id column."""

    def __init__(self, condition: str, *args: Any) -> None:
        self._condition = condition
        self._args = args

    @classmethod
    def project(cls, project_id: UUID) -> Scope:
        return cls("{column} = {{}}", project_id)

    @classmethod
    def portfolio(cls, funder: str | None) -> Scope:
        if funder is None:
            return cls("{column} IN (SELECT id FROM projects)")
        return cls("{column} IN (SELECT id FROM projects WHERE funder = {{}})", funder)

    def on(self, column: str) -> QueryString:
        """The condition on `column` (a column name written in this module, never user text)."""
        return QueryString(self._condition.format(column=column), *self._args)


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await ReportText.raw(sql, *args)
    return rows


def uuid_of(value: Any) -> UUID:
    """A UUID column as UUID (SQLite returns text where a UNION or an expression hides its type)."""
    return value if isinstance(value, UUID) else UUID(str(value))


def date_of(value: Any) -> date:
    """A DATE column as date (text on SQLite where its declared type is hidden)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def projects(scope: Scope) -> list[dict[str, Any]]:
    return await _rows(
        "SELECT id, title, funder, grant_reference, starts_on, ends_on, involvement_budget_ore "
        "FROM projects WHERE {} ORDER BY title, id",
        scope.on("id"),
    )


async def phases(scope: Scope) -> list[dict[str, Any]]:
    return await _rows(
        "SELECT project, phase, position, planned_level, status, notes, budget_ore FROM project_phases "
        "WHERE {} ORDER BY project, position",
        scope.on("project"),
    )


async def activities(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Activities per project, phase, kind and level: how many, their minutes, how many record
    an impact."""
    return await _rows(
        "SELECT project, phase, kind, level, COUNT(*) AS activities, SUM(minutes) AS minutes, "
        "SUM(CASE WHEN what_changed <> '' OR why_it_matters <> '' THEN 1 ELSE 0 END) AS with_impact "
        "FROM activities WHERE {} AND occurred_on >= {} AND occurred_on <= {} "
        "GROUP BY project, phase, kind, level",
        scope.on("project"),
        start,
        end,
    )


# Confirmed participants who are co-researchers (only confirmed rows count anywhere).
_PARTICIPANTS = (
    'FROM activity_participants ap JOIN users u ON u.id = ap."user" '
    "WHERE {} AND ap.occurred_on >= {} AND ap.occurred_on <= {} AND ap.confirmed "
    "AND u.role = 'co_researcher'"
)


async def phase_people(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Each (project, phase, co-researcher) that took part in an activity of the period: at most
    phases × people rows, whatever the number of activities; counted per phase and in all by
    `figures.people_per_phase` (cheaper than two COUNT(DISTINCT ...) over every participant row)."""
    return await _rows(
        'SELECT DISTINCT ap.project AS project, a.phase AS phase, ap."user" AS person '
        + _PARTICIPANTS.replace("WHERE", "JOIN activities a ON a.id = ap.activity WHERE"),
        scope.on("ap.project"),
        start,
        end,
    )


async def involved(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Each (project, co-researcher) pair of the period: took part in an activity or recorded time."""
    return await _rows(
        'SELECT ap.project AS project, ap."user" AS person '
        + _PARTICIPANTS
        + " UNION SELECT t.project, t.coresearcher FROM time_entries t "
        "WHERE {} AND t.worked_on >= {} AND t.worked_on <= {}",
        scope.on("ap.project"),
        start,
        end,
        scope.on("t.project"),
        start,
        end,
    )


async def time_entries(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    return await _rows(
        "SELECT project, COUNT(*) AS entries, SUM(minutes) AS minutes FROM time_entries "
        "WHERE {} AND worked_on >= {} AND worked_on <= {} GROUP BY project",
        scope.on("project"),
        start,
        end,
    )


async def tasks_done(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Done tasks per project and phase whose due day falls in the period (undated ones are not
    counted: a task records no day it was finished)."""
    return await _rows(
        "SELECT project, phase, COUNT(*) AS done FROM tasks "
        "WHERE {} AND status = 'done' AND due_on >= {} AND due_on <= {} GROUP BY project, phase",
        scope.on("project"),
        start,
        end,
    )


async def training(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    return await _rows(
        'SELECT project, COUNT(*) AS courses, COUNT(DISTINCT "user") AS people, '
        "SUM(minutes) AS minutes FROM coresearcher_training "
        "WHERE {} AND completed_on >= {} AND completed_on <= {} GROUP BY project",
        scope.on("project"),
        start,
        end,
    )


async def paid_claims(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Every claim paid in the period: its amount, when it was made and when it was paid (the
    median needs each one)."""
    return await _rows(
        "SELECT project, created_at, paid_on, total_ore FROM claims "
        "WHERE {} AND status = 'paid' AND paid_on >= {} AND paid_on <= {}",
        scope.on("project"),
        start,
        end,
    )


async def claim_lines(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Claim lines of the period (by their day) whose claim is approved or paid, summed per
    project, phase (the line's, null for none) and status."""
    return await _rows(
        "SELECT c.project AS project, l.phase AS phase, c.status AS status, SUM(l.amount_ore) AS amount "
        "FROM claim_lines l JOIN claims c ON c.id = l.claim "
        "WHERE {} AND c.status IN ('approved', 'paid') AND l.day >= {} AND l.day <= {} "
        "GROUP BY c.project, l.phase, c.status",
        scope.on("c.project"),
        start,
        end,
    )


async def evaluation_rounds(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Rounds opened in the period with their answer counts and score sums."""
    return await _rows(
        "SELECT r.project AS project, r.id AS id, r.title AS title, r.opened_on AS opened_on, "
        "r.closes_on AS closes_on, r.closed_at AS closed_at, COUNT(a.id) AS answers, "
        "SUM(a.voice) AS voice, SUM(a.contribute) AS contribute, SUM(a.agenda) AS agenda, "
        'SUM(a."change") AS "change" '
        "FROM evaluation_rounds r LEFT JOIN evaluation_answers a ON a.round = r.id "
        "WHERE {} AND r.opened_on >= {} AND r.opened_on <= {} "
        "GROUP BY r.project, r.id, r.title, r.opened_on, r.closes_on, r.closed_at "
        "ORDER BY r.opened_on, r.id",
        scope.on("r.project"),
        start,
        end,
    )


async def evaluation_comments(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """The comments of the rounds opened in the period, with their round (never a person)."""
    return await _rows(
        "SELECT a.round AS round, a.comment AS comment FROM evaluation_answers a "
        "JOIN evaluation_rounds r ON r.id = a.round "
        "WHERE {} AND r.opened_on >= {} AND r.opened_on <= {} "
        "AND a.comment IS NOT NULL AND a.comment <> '' ORDER BY a.comment",
        scope.on("r.project"),
        start,
        end,
    )


async def impact(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """The most recent `IMPACT_LIMIT` activities of the period that record what changed."""
    return await _rows(
        "SELECT occurred_on, phase, kind, what_changed, why_it_matters FROM activities "
        "WHERE {} AND occurred_on >= {} AND occurred_on <= {} "
        "AND (what_changed <> '' OR why_it_matters <> '') "
        "ORDER BY occurred_on DESC, id DESC LIMIT {}",
        scope.on("project"),
        start,
        end,
        IMPACT_LIMIT,
    )


async def people(scope: Scope, start: date, end: date) -> list[dict[str, Any]]:
    """Name, organisation and experience kind of the co-researchers involved in the period (the
    caller shows them only as each person's consents allow). Two semi-joins, not a UNION: each
    side is hashed once rather than sorted."""
    return await _rows(
        "SELECT u.id AS id, u.full_name AS full_name, p.organisation AS organisation, "
        "p.experience_kind AS experience_kind FROM users u "
        'LEFT JOIN coresearcher_profiles p ON p."user" = u.id '
        "WHERE u.role = 'co_researcher' AND (u.id IN ("
        'SELECT ap."user" FROM activity_participants ap '
        "WHERE {} AND ap.occurred_on >= {} AND ap.occurred_on <= {} AND ap.confirmed"
        ") OR u.id IN (SELECT t.coresearcher FROM time_entries t "
        "WHERE {} AND t.worked_on >= {} AND t.worked_on <= {})) ORDER BY u.full_name, u.id",
        scope.on("ap.project"),
        start,
        end,
        scope.on("t.project"),
        start,
        end,
    )


LATEST_TEXT_SQL = (
    "SELECT * FROM report_texts WHERE project = {} AND period_from = {} AND period_to = {} "
    "ORDER BY version DESC LIMIT 1"
)


async def latest_text(project_id: UUID, start: date, end: date) -> dict[str, Any] | None:
    rows = await _rows(LATEST_TEXT_SQL, project_id, start, end)
    return rows[0] if rows else None
