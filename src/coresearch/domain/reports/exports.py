"""A report as CSV (its tables) and as PDF (Typst: `templates/pdf/report.typ`).

Both are made from the same tables of display strings, so the CSV and the PDF always agree. CSV:
UTF-8 with BOM, `;`, CRLF, decimal comma (what Norwegian spreadsheets open without asking); each
table is its title row, its header row and its rows, with an empty row between tables.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import msgspec

from coresearch.domain.projects.tables import Level
from coresearch.domain.reports import schemas as s
from coresearch.domain.reports.labels import (
    EXPERIENCE,
    KINDS,
    LEVELS,
    PHASES,
    STATUSES,
    WORDS,
    decimal,
    hours,
    kroner,
)
from coresearch.domain.reports.schemas import Lang
from coresearch.lib import pdf

Money = Callable[[int], str]


class Table(msgspec.Struct):
    """One table as it is printed: a title, column headings, rows of text (the last one the total
    when `total`), a note under it, and what to say instead when it has no rows."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    empty: str = ""
    total: bool = False


def csv_money(ore: int) -> str:
    """`177500` → `1775,00`: kroner with a decimal comma, no currency sign (the heading says NOK)."""
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100},{abs(ore) % 100:02d}"


def _level_cells(levels: s.LevelCounts) -> list[str]:
    return [str(getattr(levels, level)) for level in s.LevelCounts.__struct_fields__]


def _level(level: Level | None, lang: Lang) -> str:
    return LEVELS[lang][level.value] if level is not None else "–"


def involvement_tables(report: s.InvolvementReport, money: Money) -> list[Table]:
    """The report's tables: phases, kinds, time and training, payments and budget, evaluations,
    impact and the people named."""
    lang = report.lang
    w, phases = WORDS[lang], PHASES[lang]
    nok = " (NOK)" if money is csv_money else ""
    totals = report.totals
    tables = [
        Table(
            key="phases",
            title=w["figures"],
            columns=[
                w["phase"],
                w["status"],
                w["planned"],
                w["actual"],
                w["activities"],
                w["coresearchers"],
                w["hours"],
                w["tasks_done"],
            ],
            rows=[
                [
                    phases[p.phase.value],
                    STATUSES[lang][p.status.value],
                    _level(p.planned_level, lang),
                    _level(p.actual_level, lang),
                    str(p.activities),
                    str(p.coresearchers),
                    hours(p.minutes, lang),
                    str(p.tasks_done),
                ]
                for p in report.phases
            ]
            + [
                [
                    w["total"],
                    "",
                    "",
                    "",
                    str(totals.activities),
                    str(totals.coresearchers),
                    hours(totals.minutes, lang),
                    str(totals.tasks_done),
                ]
            ],
            total=True,
        ),
        Table(
            key="levels",
            title=w["levels_by_phase"],
            columns=[w["phase"], *LEVELS[lang].values()],
            rows=[[phases[p.phase.value], *_level_cells(p.levels)] for p in report.phases]
            + [[w["total"], *_level_cells(totals.levels)]],
            total=True,
        ),
        Table(
            key="kinds",
            title=w["kinds"],
            columns=[w["kind"], w["count"]],
            rows=[
                [name, str(getattr(totals.kinds, k))]
                for k, name in KINDS[lang].items()
                if getattr(totals.kinds, k)
            ],
        ),
        Table(
            key="time",
            title=w["time_recorded"],
            columns=["", w["count"], w["hours"]],
            rows=[
                [w["entries"], str(totals.time_entries), hours(totals.time_minutes, lang)],
                [w["training"], str(report.training.courses), hours(report.training.minutes, lang)],
            ],
        ),
        Table(
            key="payments",
            title=w["payments"],
            columns=[w["claims_paid"], w["paid"] + nok, w["median_days"]],
            rows=[
                [
                    str(report.payments.claims_paid),
                    money(report.payments.paid_ore),
                    decimal(report.payments.median_days_to_payment, lang) or "–",
                ]
            ],
        ),
        Table(
            key="budget",
            title=w["budget"],
            columns=[w["phase"], w["budget_col"] + nok, w["approved"] + nok, w["paid"] + nok],
            rows=[
                [
                    phases[p.phase.value],
                    money(p.budget_ore) if p.budget_ore is not None else "–",
                    money(p.approved_ore),
                    money(p.paid_ore),
                ]
                for p in report.phases
            ]
            + [
                [
                    w["no_phase"],
                    "",
                    money(report.budget.unphased_approved_ore),
                    money(report.budget.unphased_paid_ore),
                ],
                [
                    w["total"],
                    money(report.budget.budget_ore) if report.budget.budget_ore is not None else "–",
                    money(report.budget.approved_ore),
                    money(report.budget.paid_ore),
                ],
            ],
            total=True,
        ),
        Table(
            key="evaluations",
            title=w["evaluations"],
            columns=[
                w["round"],
                w["opened"],
                w["answers"],
                w["voice"],
                w["contribute"],
                w["agenda"],
                w["change"],
            ],
            rows=[
                [
                    e.title,
                    e.opened_on.isoformat(),
                    str(e.answers),
                    decimal(e.voice, lang, 2),
                    decimal(e.contribute, lang, 2),
                    decimal(e.agenda, lang, 2),
                    decimal(e.change, lang, 2),
                ]
                for e in report.evaluations
            ],
            note=w["scale"]
            + (
                " " + w["withheld"].format(count=report.evaluations_withheld)
                if report.evaluations_withheld
                else ""
            ),
            empty=w["no_rounds"],
        ),
        Table(
            key="impact",
            title=w["impact"],
            columns=[w["date"], w["phase"], w["what_changed"], w["why_it_matters"]],
            rows=[
                [i.occurred_on.isoformat(), phases[i.phase.value], i.what_changed, i.why_it_matters]
                for i in report.impact
            ],
            note=w["impact_more"].format(shown=len(report.impact), total=report.impact_total)
            if report.impact_total > len(report.impact)
            else "",
        ),
        Table(
            key="people",
            title=w["people_heading"],
            columns=[w["name"], w["organisation"], w["experience"]],
            rows=[
                [
                    p.name,
                    p.organisation or "",
                    EXPERIENCE[lang][p.experience_kind.value] if p.experience_kind else "",
                ]
                for p in report.people.named
            ],
            empty=w["nobody_named"],
            note=w["named_note"]
            + (" " + w["unnamed"].format(count=report.people.unnamed) if report.people.unnamed else ""),
        ),
    ]
    return tables


def portfolio_tables(report: s.PortfolioReport, money: Money) -> list[Table]:
    """One table: a row per project and the totals."""
    lang = report.lang
    w = WORDS[lang]
    nok = " (NOK)" if money is csv_money else ""

    def cells(
        title: str, funder: str, row: s.PortfolioRow | s.PortfolioTotals, budget: int | None
    ) -> list[str]:
        return [
            title,
            funder,
            str(row.activities),
            str(row.coresearchers),
            hours(row.minutes, lang),
            str(row.tasks_done),
            hours(row.training_minutes, lang),
            str(row.claims_paid),
            money(row.paid_ore),
            decimal(row.median_days_to_payment, lang) or "–",
            money(budget) if budget is not None else "–",
            money(row.approved_ore),
            str(row.evaluation_answers),
        ]

    return [
        Table(
            key="projects",
            title=w["projects"],
            columns=[
                w["project"],
                w["funder"],
                w["activities"],
                w["coresearchers"],
                w["hours"],
                w["tasks_done"],
                w["training"],
                w["claims_paid"],
                w["paid"] + nok,
                w["median_days"],
                w["budget_col"] + nok,
                w["approved"] + nok,
                w["answers"],
            ],
            rows=[cells(r.project.title, r.project.funder, r, r.budget_ore) for r in report.projects]
            + [cells(w["total"], "", report.totals, report.totals.budget_ore)],
            total=True,
        )
    ]


def to_csv(tables: list[Table]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows(table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def involvement_csv(report: s.InvolvementReport) -> bytes:
    return to_csv(involvement_tables(report, csv_money))


def portfolio_csv(report: s.PortfolioReport) -> bytes:
    return to_csv(portfolio_tables(report, csv_money))


class Document(msgspec.Struct):
    """What the PDF template reads: every word already in the report's language."""

    lang: str
    title: str
    subtitle: str
    meta: list[list[str]]
    intro: str
    sections: list[list[str]]
    comments_heading: str
    comments: list[str]
    tables: list[Table]
    footer: str
    nothing: str
    landscape: bool = False


def _period(report: s.InvolvementReport | s.PortfolioReport) -> str:
    return f"{report.period.from_day.isoformat()} – {report.period.to_day.isoformat()}"


async def involvement_pdf(report: s.InvolvementReport) -> bytes:
    lang = report.lang
    w = WORDS[lang]
    money: Money = lambda ore: kroner(ore, lang)  # noqa: E731 - one line, used once
    meta = [
        [w["funder"], report.project.funder],
        [w["grant"], report.project.grant_reference],
        [w["period"], _period(report)],
        [w["generated"], report.generated_at.strftime("%Y-%m-%d %H:%M UTC")],
    ]
    if report.text_version is not None:
        meta.append([w["text_version"], str(report.text_version)])
    document = Document(
        lang=lang.value,
        title=report.project.title,
        subtitle=w["report"],
        meta=meta,
        intro=w["gripp"] + ". " + (w["edited_note"] if report.text_version else w["draft_note"]) + ".",
        sections=[[section.heading, section.text] for section in report.sections],
        comments_heading=w["comments"],
        comments=report.comments,
        tables=involvement_tables(report, money),
        footer=f"{w['report']} · {_period(report)}",
        nothing=w["nothing"],
    )
    return await pdf.render("report.typ", document)


async def portfolio_pdf(report: s.PortfolioReport) -> bytes:
    lang = report.lang
    w = WORDS[lang]
    money: Money = lambda ore: kroner(ore, lang)  # noqa: E731 - one line, used once
    meta = [
        [w["period"], _period(report)],
        [w["generated"], report.generated_at.strftime("%Y-%m-%d %H:%M UTC")],
    ]
    if report.funder:
        meta.insert(0, [w["funder"], report.funder])
    document = Document(
        lang=lang.value,
        title=w["portfolio"],
        subtitle=report.funder or "",
        meta=meta,
        intro="",
        sections=[],
        comments_heading="",
        comments=[],
        tables=portfolio_tables(report, money),
        footer=_period(report),
        nothing=w["nothing"],
        landscape=True,
    )
    return await pdf.render("report.typ", document)
