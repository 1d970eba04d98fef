"""Funder reports: a project's involvement report, the lead's versioned text, the frozen copy, and
the portfolio across projects. Each report is a fixed number of aggregate queries (`queries`);
consent is asked once for everyone involved, as of the moment the report is made.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.accounts.tables import Role
from coresearch.domain.audit import service as audit
from coresearch.domain.coresearchers import service as coresearchers
from coresearch.domain.coresearchers.tables import ConsentScope, ExperienceKind
from coresearch.domain.documents import documents
from coresearch.domain.documents import schemas as documents_schemas
from coresearch.domain.documents.tables import DocumentKind, Visibility
from coresearch.domain.projects.access import LEAD_ONLY, project_access
from coresearch.domain.reports import drafts, exports, figures
from coresearch.domain.reports import queries as q
from coresearch.domain.reports import schemas as s
from coresearch.domain.reports.figures import ActivityTally
from coresearch.domain.reports.tables import ReportText
from coresearch.lib.db import transaction
from coresearch.lib.periods import check_period
from coresearch.lib.problems import Forbidden, NotFound
from coresearch.lib.records import now, one
from coresearch.lib.storage import DocumentStore

REPORT_SCOPES = (
    ConsentScope.name_in_reports,
    ConsentScope.organisation_in_reports,
    ConsentScope.experience_in_reports,
)
PORTFOLIO_ROLES = (Role.research_leader, Role.admin)


def _named(rows: list[dict[str, Any]], granted: dict[UUID, set[ConsentScope]]) -> list[s.NamedPerson]:
    """The people who consented to be named, each detail only with its own consent."""
    named = []
    for row in rows:
        scopes = granted.get(q.uuid_of(row["id"]), set())
        if ConsentScope.name_in_reports not in scopes:
            continue
        organisation = row["organisation"] or None
        experience = row["experience_kind"]
        named.append(
            s.NamedPerson(
                name=row["full_name"],
                organisation=organisation if ConsentScope.organisation_in_reports in scopes else None,
                experience_kind=ExperienceKind(experience)
                if experience and ConsentScope.experience_in_reports in scopes
                else None,
            )
        )
    return named


def _sections(
    drafted: dict[s.Section, str], text: dict[str, Any] | None, lang: s.Lang
) -> list[s.GrippSection]:
    headings = drafts.headings(lang)
    result = []
    for section in s.Section:
        saved = (text or {}).get(section.value) or ""
        result.append(
            s.GrippSection(
                key=section,
                heading=headings[section],
                text=saved if saved.strip() else drafted[section],
                drafted=drafted[section],
                edited=bool(saved.strip()),
            )
        )
    return result


async def build_involvement(
    *, project_id: UUID, start: date, end: date, lang: s.Lang, moment: datetime
) -> s.InvolvementReport:
    """The report of one project over `start`..`end` as of `moment` (no access check: callers
    check). A fixed number of queries whatever the project's size."""
    scope = q.Scope.project(project_id)
    project_rows = await q.projects(scope)
    if not project_rows:
        raise NotFound("No such project")
    phase_rows = await q.phases(scope)
    tallies = figures.tally_activities(await q.activities(scope, start, end)).get(project_id, {})
    phase_people = figures.people_per_phase(await q.phase_people(scope, start, end)).get(project_id, {})
    tasks = figures.by_project_phase(await q.tasks_done(scope, start, end), "done").get(project_id, {})
    person_rows = await q.people(scope, start, end)
    time_row = figures.by_project(await q.time_entries(scope, start, end)).get(project_id, {})
    training_row = figures.by_project(await q.training(scope, start, end)).get(project_id, {})
    paid = figures.payments_by_project(await q.paid_claims(scope, start, end)).get(project_id, (0, 0, []))
    spent = figures.spending_by_project(await q.claim_lines(scope, start, end)).get(project_id)
    round_rows = await q.evaluation_rounds(scope, start, end)
    comment_rows = await q.evaluation_comments(scope, start, end)
    impact_rows = await q.impact(scope, start, end)
    text = await q.latest_text(project_id, start, end)
    granted = await coresearchers.consents_granted(
        user_ids=[q.uuid_of(row["id"]) for row in person_rows], scopes=REPORT_SCOPES, on=moment
    )

    phases = figures.phase_figures(
        phase_rows=phase_rows, tallies=tallies, people=phase_people, tasks=tasks, spent=spent
    )
    whole = tallies.get(None) or ActivityTally()
    totals = s.Totals(
        activities=whole.activities,
        coresearchers=phase_people.get(None, 0),
        minutes=whole.minutes,
        levels=whole.level_counts(),
        kinds=whole.kind_counts(),
        tasks_done=sum(tasks.values()),
        time_entries=int(time_row.get("entries") or 0),
        time_minutes=int(time_row.get("minutes") or 0),
    )
    training = s.TrainingFigures(
        courses=int(training_row.get("courses") or 0),
        people=int(training_row.get("people") or 0),
        minutes=int(training_row.get("minutes") or 0),
    )
    today = moment.date()
    shown = [row for row in round_rows if figures.shown_round(row, today)]
    shown_ids = {q.uuid_of(row["id"]) for row in shown}
    comments = [row["comment"] for row in comment_rows if q.uuid_of(row["round"]) in shown_ids]
    evaluations = [figures.evaluation(row) for row in shown]
    impact = [msgspec.convert(row, s.ImpactStatement) for row in impact_rows]
    impact_total = whole.with_impact
    named = _named(person_rows, granted)
    phase_budgets = [p.budget_ore for p in phases if p.budget_ore is not None]
    budget = s.BudgetFigures(
        budget_ore=project_rows[0]["involvement_budget_ore"],
        phases_budget_ore=sum(phase_budgets) if phase_budgets else None,
        approved_ore=spent["approved"].get("*", 0) if spent else 0,
        paid_ore=spent["paid"].get("*", 0) if spent else 0,
        unphased_approved_ore=spent["approved"].get(None, 0) if spent else 0,
        unphased_paid_ore=spent["paid"].get(None, 0) if spent else 0,
    )
    drafted = {
        s.Section.aim: drafts.aim(phases, {row["phase"]: row["notes"] or "" for row in phase_rows}, lang),
        s.Section.methods: drafts.methods(phases, totals, training, lang),
        s.Section.results: drafts.results(impact_total, impact, lang),
        s.Section.influence: drafts.influence(phases, impact, lang),
        s.Section.reflections: drafts.reflections(
            evaluations, len(round_rows) - len(shown), len(comments), lang
        ),
    }
    return s.InvolvementReport(
        schema_version=s.SCHEMA_VERSION,
        lang=lang,
        generated_at=moment,
        project=figures.project_of(project_rows[0]),
        period=s.Period(from_day=start, to_day=end),
        text_version=text["version"] if text else None,
        sections=_sections(drafted, text, lang),
        phases=phases,
        totals=totals,
        training=training,
        payments=s.PaymentFigures(
            claims_paid=paid[0], paid_ore=paid[1], median_days_to_payment=figures.median_days(paid[2])
        ),
        budget=budget,
        evaluations=evaluations,
        evaluations_withheld=len(round_rows) - len(shown),
        comments=comments,
        impact=impact,
        impact_total=impact_total,
        people=s.PeopleFigures(involved=len(person_rows), unnamed=len(person_rows) - len(named), named=named),
    )


async def involvement_report(
    *, principal: Principal, project_id: UUID, filters: s.ReportFilters
) -> s.InvolvementReport:
    """The project's involvement report for the period (its leads and oversight)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    check_period(filters.from_day, filters.to_day)
    return await build_involvement(
        project_id=project_id, start=filters.from_day, end=filters.to_day, lang=filters.lang, moment=now()
    )


def _to_text(row: dict[str, Any]) -> s.ReportTextVersion:
    return msgspec.convert({**row, "project_id": row["project"]}, s.ReportTextVersion)


async def save_text(
    *, principal: Principal, project_id: UUID, filters: s.PeriodFilters, data: s.ReportTextPut
) -> s.ReportTextVersion:
    """Save the lead's text of the period as its next version (earlier versions are kept). Two
    saves at once: the unique version index lets one commit, the other answers 409."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    check_period(filters.from_day, filters.to_day)
    async with transaction():
        latest = await q.latest_text(project_id, filters.from_day, filters.to_day)
        version = (latest["version"] if latest else 0) + 1
        row = ReportText(
            project=project_id,
            period_from=filters.from_day,
            period_to=filters.to_day,
            version=version,
            saved_by=principal.id,
            saved_at=now(),
            **msgspec.to_builtins(data),
        )
        await ReportText.insert(row)
        saved = await one(ReportText.select().where(ReportText.id == row.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="report_text.save",
            entity="project",
            entity_id=project_id,
            after={
                "period_from": filters.from_day.isoformat(),
                "period_to": filters.to_day.isoformat(),
                "version": version,
            },
        )
    return _to_text(saved)


async def freeze(
    *, principal: Principal, project_id: UUID, filters: s.PeriodFilters, store: DocumentStore
) -> documents_schemas.Document:
    """Render the report as PDF and store it as a `report` document only the project's leads see;
    the stored bytes never change, whatever the records do afterwards."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    check_period(filters.from_day, filters.to_day)
    report = await build_involvement(
        project_id=project_id, start=filters.from_day, end=filters.to_day, lang=filters.lang, moment=now()
    )
    content = await exports.involvement_pdf(report)
    period = f"{filters.from_day.isoformat()}–{filters.to_day.isoformat()}"
    title = ("Rapport om brukermedvirkning " if filters.lang is s.Lang.nb else "Involvement report ") + period
    return await documents.store_generated(
        principal=principal,
        project_id=project_id,
        title=title,
        kind=DocumentKind.report,
        visibility=Visibility.private,
        filename=f"involvement-{filters.from_day.isoformat()}-{filters.to_day.isoformat()}.pdf",
        content=content,
        content_type="application/pdf",
        store=store,
    )


async def portfolio_report(*, principal: Principal, filters: s.PortfolioFilters) -> s.PortfolioReport:
    """Every project's figures for the period, or one funder's projects, with totals (research
    leaders and admins; anyone else 403). A fixed number of queries whatever the portfolio."""
    if principal.role not in PORTFOLIO_ROLES:
        raise Forbidden("Only research leaders and admins see the portfolio")
    check_period(filters.from_day, filters.to_day)
    return await build_portfolio(
        funder=filters.funder, start=filters.from_day, end=filters.to_day, lang=filters.lang, moment=now()
    )


async def build_portfolio(
    *, funder: str | None, start: date, end: date, lang: s.Lang, moment: datetime
) -> s.PortfolioReport:
    """The portfolio over `start`..`end` (no access check: callers check)."""
    scope = q.Scope.portfolio(funder)
    project_rows = await q.projects(scope)
    tallies = figures.tally_activities(await q.activities(scope, start, end))
    people = figures.people_by_project(await q.involved(scope, start, end))
    tasks = figures.by_project_phase(await q.tasks_done(scope, start, end), "done")
    time = figures.by_project(await q.time_entries(scope, start, end))
    training = figures.by_project(await q.training(scope, start, end))
    paid = figures.payments_by_project(await q.paid_claims(scope, start, end))
    spent = figures.spending_by_project(await q.claim_lines(scope, start, end))
    round_rows = await q.evaluation_rounds(scope, start, end)
    today = moment.date()
    rounds: dict[UUID, tuple[int, int]] = {}
    for row in round_rows:
        if figures.shown_round(row, today):
            count, answers = rounds.get(q.uuid_of(row["project"]), (0, 0))
            rounds[q.uuid_of(row["project"])] = (count + 1, answers + int(row["answers"]))
    rows = []
    for project in project_rows:
        pid = q.uuid_of(project["id"])
        whole = tallies.get(pid, {}).get(None) or ActivityTally()
        claims_paid, paid_ore, days = paid.get(pid, (0, 0, []))
        spending = spent.get(pid)
        rows.append(
            s.PortfolioRow(
                project=figures.project_of(project),
                activities=whole.activities,
                coresearchers=len(people.get(pid, set())),
                minutes=whole.minutes,
                levels=whole.level_counts(),
                tasks_done=sum(tasks.get(pid, {}).values()),
                time_minutes=int(time.get(pid, {}).get("minutes") or 0),
                training_minutes=int(training.get(pid, {}).get("minutes") or 0),
                claims_paid=claims_paid,
                paid_ore=paid_ore,
                median_days_to_payment=figures.median_days(days),
                budget_ore=project["involvement_budget_ore"],
                approved_ore=spending["approved"].get("*", 0) if spending else 0,
                evaluation_rounds=rounds.get(pid, (0, 0))[0],
                evaluation_answers=rounds.get(pid, (0, 0))[1],
            )
        )
    all_days = [day for _, _, days in paid.values() for day in days]
    levels = {
        level: sum(getattr(row.levels, level) for row in rows) for level in s.LevelCounts.__struct_fields__
    }
    totals = s.PortfolioTotals(
        projects=len(rows),
        activities=sum(row.activities for row in rows),
        coresearchers=len(set().union(*people.values())) if people else 0,
        minutes=sum(row.minutes for row in rows),
        levels=s.LevelCounts(**levels),
        tasks_done=sum(row.tasks_done for row in rows),
        time_minutes=sum(row.time_minutes for row in rows),
        training_minutes=sum(row.training_minutes for row in rows),
        claims_paid=sum(row.claims_paid for row in rows),
        paid_ore=sum(row.paid_ore for row in rows),
        median_days_to_payment=figures.median_days(all_days),
        budget_ore=sum(row.budget_ore or 0 for row in rows),
        approved_ore=sum(row.approved_ore for row in rows),
        evaluation_rounds=sum(row.evaluation_rounds for row in rows),
        evaluation_answers=sum(row.evaluation_answers for row in rows),
    )
    return s.PortfolioReport(
        schema_version=s.SCHEMA_VERSION,
        lang=lang,
        generated_at=moment,
        period=s.Period(from_day=start, to_day=end),
        funder=funder,
        projects=rows,
        totals=totals,
    )
