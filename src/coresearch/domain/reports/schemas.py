"""The funder reports' bodies: the stable JSON schema (version `SCHEMA_VERSION`), query filters
and the text a lead saves. Fields are only ever added; a renamed or removed field is a new
`schema_version`. docs/api.md ("Reports") documents every field."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

import msgspec

from coresearch.domain.coresearchers.tables import ExperienceKind
from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.tables import Level, Phase, PhaseStatus
from coresearch.lib.text import MultiLine

SCHEMA_VERSION = 1
SectionText = Annotated[MultiLine, msgspec.Meta(max_length=20_000)]


class Lang(str, Enum):
    """The report's language: bokmål or English."""

    nb = "nb"
    en = "en"


class Format(str, Enum):
    """What the report is delivered as."""

    json = "json"
    csv = "csv"
    pdf = "pdf"


class Section(str, Enum):
    """The five GRIPP2-SF sections, in order."""

    aim = "aim"
    methods = "methods"
    results = "results"
    influence = "influence"
    reflections = "reflections"


class ReportFilters(msgspec.Struct, frozen=True, kw_only=True):
    """`GET /projects/{id}/reports/involvement`: the period (both days included), format, language."""

    from_day: date
    to_day: date
    format: Format = Format.json
    lang: Lang = Lang.nb


class PortfolioFilters(ReportFilters, frozen=True, kw_only=True):
    """`GET /reports/portfolio`: the same, for every project or one funder's (exact name)."""

    funder: str | None = None


class PeriodFilters(msgspec.Struct, frozen=True, kw_only=True):
    """The period of a report's saved text (`PUT .../text`) or of a frozen report (`POST .../freeze`)."""

    from_day: date
    to_day: date
    lang: Lang = Lang.nb


class ReportTextPut(msgspec.Struct, forbid_unknown_fields=True):
    """The lead's text of the five sections; an empty section keeps the drafted text."""

    aim: SectionText = ""
    methods: SectionText = ""
    results: SectionText = ""
    influence: SectionText = ""
    reflections: SectionText = ""


class ReportTextVersion(msgspec.Struct):
    """One saved version of a period's text: who saved it and when."""

    project_id: UUID
    period_from: date
    period_to: date
    version: int
    aim: str
    methods: str
    results: str
    influence: str
    reflections: str
    saved_by: UUID | None
    saved_at: datetime


class Period(msgspec.Struct):
    """The days a report covers, both included."""

    from_day: date = msgspec.field(name="from")
    to_day: date = msgspec.field(name="to")


class ReportProject(msgspec.Struct):
    """The project a report is about."""

    id: UUID
    title: str
    funder: str
    grant_reference: str
    starts_on: date
    ends_on: date


class GrippSection(msgspec.Struct):
    """One GRIPP2-SF section: `text` is the lead's saved text when there is one (`edited`), else
    the text drafted from the records (`drafted`, always present)."""

    key: Section
    heading: str
    text: str
    drafted: str
    edited: bool


class LevelCounts(msgspec.Struct):
    """Activities per IAP2 level (GRIPP2-LF 4d)."""

    inform: int = 0
    consult: int = 0
    involve: int = 0
    collaborate: int = 0
    lead: int = 0


class KindCounts(msgspec.Struct):
    """Activities per kind of contribution."""

    meeting: int = 0
    workshop: int = 0
    interview: int = 0
    document_review: int = 0
    analysis_session: int = 0
    presentation: int = 0
    other: int = 0


class PhaseFigures(msgspec.Struct):
    """One research phase in the period (GRIPP2-LF 4c–4d). `actual_level` is the most frequent
    level of its activities (a tie goes to the higher level); `budget_ore` is the phase's
    involvement budget, `approved_ore` / `paid_ore` the claim lines of the period in this phase
    whose claim is approved or paid / paid."""

    phase: Phase
    status: PhaseStatus
    planned_level: Level | None
    actual_level: Level | None
    activities: int
    coresearchers: int
    minutes: int
    levels: LevelCounts
    kinds: KindCounts
    tasks_done: int
    budget_ore: int | None
    approved_ore: int
    paid_ore: int


class Totals(msgspec.Struct):
    """The period across phases; `coresearchers` counts each person once."""

    activities: int
    coresearchers: int
    minutes: int
    levels: LevelCounts
    kinds: KindCounts
    tasks_done: int
    time_entries: int
    time_minutes: int


class TrainingFigures(msgspec.Struct):
    """Training completed in the period and paid by the project."""

    courses: int
    people: int
    minutes: int


class PaymentFigures(msgspec.Struct):
    """Claims paid in the period (`paid_on` in it). `median_days_to_payment`: days from the
    claim's creation (its UTC date) to `paid_on`, the median over those claims (the mean of the
    middle two for an even count); null without paid claims."""

    claims_paid: int
    paid_ore: int
    median_days_to_payment: float | None


class BudgetFigures(msgspec.Struct):
    """The project's involvement budget (`budget_ore`; `phases_budget_ore` the sum of the phases'
    budgets, null when none is set) against the claim lines of the period: approved (claims
    approved or paid) and paid, in total and for lines without a phase (expenses, entries naming
    no meeting, task or activity); per phase in `phases`."""

    budget_ore: int | None
    phases_budget_ore: int | None
    approved_ore: int
    paid_ore: int
    unphased_approved_ore: int
    unphased_paid_ore: int


class EvaluationFigures(msgspec.Struct):
    """A closed evaluation round opened in the period with at least 3 answers: mean scores 1–5."""

    title: str
    opened_on: date
    answers: int
    voice: float
    contribute: float
    agenda: float
    change: float


class ImpactStatement(msgspec.Struct):
    """What changed because of a contribution, and why it matters."""

    occurred_on: date
    phase: Phase
    kind: ActivityKind
    what_changed: str
    why_it_matters: str


class NamedPerson(msgspec.Struct):
    """A co-researcher who consented to be named in reports; organisation and experience only with
    their own consents, else null."""

    name: str
    organisation: str | None
    experience_kind: ExperienceKind | None


class PeopleFigures(msgspec.Struct):
    """The co-researchers involved in the period (took part in an activity or recorded time):
    `named` are those whose consent to be named in reports is granted at `generated_at`; the
    others are only counted (`unnamed`)."""

    involved: int
    unnamed: int
    named: list[NamedPerson]


class InvolvementReport(msgspec.Struct):
    """The involvement report of one project for one period (`schema_version` 1)."""

    schema_version: int
    lang: Lang
    generated_at: datetime
    project: ReportProject
    period: Period
    text_version: int | None
    sections: list[GrippSection]
    phases: list[PhaseFigures]
    totals: Totals
    training: TrainingFigures
    payments: PaymentFigures
    budget: BudgetFigures
    evaluations: list[EvaluationFigures]
    evaluations_withheld: int
    comments: list[str]
    impact: list[ImpactStatement]
    impact_total: int
    people: PeopleFigures


class PortfolioRow(msgspec.Struct):
    """One project's figures in the period."""

    project: ReportProject
    activities: int
    coresearchers: int
    minutes: int
    levels: LevelCounts
    tasks_done: int
    time_minutes: int
    training_minutes: int
    claims_paid: int
    paid_ore: int
    median_days_to_payment: float | None
    budget_ore: int | None
    approved_ore: int
    evaluation_rounds: int
    evaluation_answers: int


class PortfolioTotals(msgspec.Struct):
    """The portfolio's sums; `coresearchers` counts each person once across projects and
    `median_days_to_payment` is the median over all the claims."""

    projects: int
    activities: int
    coresearchers: int
    minutes: int
    levels: LevelCounts
    tasks_done: int
    time_minutes: int
    training_minutes: int
    claims_paid: int
    paid_ore: int
    median_days_to_payment: float | None
    budget_ore: int
    approved_ore: int
    evaluation_rounds: int
    evaluation_answers: int


class PortfolioReport(msgspec.Struct):
    """The figures of every project (or one funder's) for one period, and their totals."""

    schema_version: int
    lang: Lang
    generated_at: datetime
    period: Period
    funder: str | None
    projects: list[PortfolioRow]
    totals: PortfolioTotals
