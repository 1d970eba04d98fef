"""Every word a funder report prints, in bokmål and English, and the numbers as each language
writes them. The PDF template gets these labels with the data, so it holds no language itself."""

from __future__ import annotations

from coresearch.domain.reports.schemas import Lang

PHASES = {
    Lang.nb: {
        "topic": "Valg av tema",
        "design": "Design",
        "informants": "Rekruttering av informanter",
        "data_collection": "Datainnsamling",
        "analysis": "Analyse",
        "dissemination": "Formidling",
    },
    Lang.en: {
        "topic": "Choosing the topic",
        "design": "Design",
        "informants": "Recruiting informants",
        "data_collection": "Data collection",
        "analysis": "Analysis",
        "dissemination": "Dissemination",
    },
}
LEVELS = {
    Lang.nb: {
        "inform": "informere",
        "consult": "konsultere",
        "involve": "involvere",
        "collaborate": "samarbeide",
        "lead": "lede",
    },
    Lang.en: {
        "inform": "inform",
        "consult": "consult",
        "involve": "involve",
        "collaborate": "collaborate",
        "lead": "lead",
    },
}
KINDS = {
    Lang.nb: {
        "meeting": "møte",
        "workshop": "verksted",
        "interview": "intervju",
        "document_review": "gjennomlesing",
        "analysis_session": "analysemøte",
        "presentation": "presentasjon",
        "other": "annet",
    },
    Lang.en: {
        "meeting": "meeting",
        "workshop": "workshop",
        "interview": "interview",
        "document_review": "document review",
        "analysis_session": "analysis session",
        "presentation": "presentation",
        "other": "other",
    },
}
STATUSES = {
    Lang.nb: {"not_started": "ikke startet", "ongoing": "pågår", "done": "ferdig", "skipped": "hoppet over"},
    Lang.en: {"not_started": "not started", "ongoing": "ongoing", "done": "done", "skipped": "skipped"},
}
EXPERIENCE = {
    Lang.nb: {"own": "egen erfaring", "relative": "erfaring som pårørende"},
    Lang.en: {"own": "own experience", "relative": "experience as a relative"},
}
SECTIONS = {
    Lang.nb: {
        "aim": "1. Mål med medvirkningen",
        "methods": "2. Metoder",
        "results": "3. Resultater av medvirkningen",
        "influence": "4. Hvordan medvirkningen påvirket studien",
        "reflections": "5. Kritisk refleksjon",
    },
    Lang.en: {
        "aim": "1. Aim of involvement",
        "methods": "2. Methods",
        "results": "3. Results of involvement",
        "influence": "4. How involvement influenced the study",
        "reflections": "5. Critical reflection",
    },
}
# Headings, table columns and fixed phrases of the PDF and the CSV.
WORDS = {
    Lang.nb: {
        "report": "Rapport om brukermedvirkning",
        "portfolio": "Brukermedvirkning i porteføljen",
        "period": "Periode",
        "funder": "Finansiør",
        "grant": "Prosjektnummer",
        "generated": "Laget",
        "draft_note": "Utkast laget fra prosjektets registreringer",
        "text_version": "Tekstversjon",
        "gripp": "Rapport etter GRIPP2-SF",
        "figures": "Tall for perioden per fase (GRIPP2-LF 4c)",
        "phase": "Fase",
        "status": "Status",
        "planned": "Planlagt nivå",
        "actual": "Faktisk nivå",
        "activities": "Aktiviteter",
        "coresearchers": "Medforskere",
        "minutes": "Minutter",
        "hours": "Timer",
        "levels": "Nivåfordeling",
        "levels_by_phase": "Aktiviteter per nivå og fase (GRIPP2-LF 4d)",
        "tasks_done": "Oppgaver ferdig",
        "total": "Sum",
        "kinds": "Aktiviteter etter type",
        "kind": "Type",
        "level": "Nivå",
        "count": "Antall",
        "training": "Opplæring",
        "courses": "Kurs",
        "people": "Personer",
        "payments": "Utbetalinger",
        "claims_paid": "Krav utbetalt",
        "paid": "Utbetalt",
        "approved": "Godkjent",
        "median_days": "Median dager til utbetaling",
        "budget": "Budsjett mot forbruk",
        "budget_col": "Budsjett",
        "no_phase": "Uten fase",
        "project_budget": "Prosjektets budsjett for medvirkning",
        "evaluations": "Evalueringer",
        "round": "Runde",
        "opened": "Åpnet",
        "answers": "Svar",
        "voice": "Ble hørt",
        "contribute": "Kunne bidra",
        "agenda": "Kunne påvirke tema",
        "change": "Førte til endring",
        "withheld": "Runder holdt tilbake (åpne eller med færre enn 3 svar): {count}.",
        "no_rounds": "Ingen avsluttet evalueringsrunde med minst 3 svar i perioden.",
        "nobody_named": "Ingen av deltakerne har samtykket til å bli nevnt ved navn.",
        "nothing": "Ingen registreringer i perioden.",
        "edited_note": "Teksten er skrevet av prosjektet; tallene er hentet fra registreringene",
        "scale": "Gjennomsnitt på en skala fra 1 til 5.",
        "comments": "Kommentarer fra medforskerne (uten navn)",
        "impact": "Hva endret seg",
        "date": "Dato",
        "what_changed": "Hva endret seg",
        "why_it_matters": "Hvorfor det betyr noe",
        "impact_more": "Viser de {shown} siste av {total} registrerte endringer.",
        "people_heading": "Medforskere som deltok",
        "named_note": "Navn vises bare for dem som har samtykket til å bli nevnt i rapporter.",
        "unnamed": "{count} medforskere deltok uten å bli nevnt ved navn.",
        "name": "Navn",
        "organisation": "Organisasjon",
        "experience": "Erfaring",
        "time_recorded": "Registrert tid",
        "entries": "Timeføringer",
        "none": "Ingen",
        "projects": "Prosjekter",
        "project": "Prosjekt",
        "rounds": "Evalueringsrunder",
        "page_of": "Side",
    },
    Lang.en: {
        "report": "Report on user involvement",
        "portfolio": "User involvement across the portfolio",
        "period": "Period",
        "funder": "Funder",
        "grant": "Grant reference",
        "generated": "Generated",
        "draft_note": "Drafted from the project's records",
        "text_version": "Text version",
        "gripp": "Report following GRIPP2-SF",
        "figures": "Figures for the period by phase (GRIPP2-LF 4c)",
        "phase": "Phase",
        "status": "Status",
        "planned": "Planned level",
        "actual": "Actual level",
        "activities": "Activities",
        "coresearchers": "Co-researchers",
        "minutes": "Minutes",
        "hours": "Hours",
        "levels": "Levels",
        "levels_by_phase": "Activities by level and phase (GRIPP2-LF 4d)",
        "tasks_done": "Tasks done",
        "total": "Total",
        "kinds": "Activities by kind",
        "kind": "Kind",
        "level": "Level",
        "count": "Count",
        "training": "Training",
        "courses": "Courses",
        "people": "People",
        "payments": "Payments",
        "claims_paid": "Claims paid",
        "paid": "Paid",
        "approved": "Approved",
        "median_days": "Median days to payment",
        "budget": "Budget against spending",
        "budget_col": "Budget",
        "no_phase": "No phase",
        "project_budget": "The project's involvement budget",
        "evaluations": "Evaluations",
        "round": "Round",
        "opened": "Opened",
        "answers": "Answers",
        "voice": "Was heard",
        "contribute": "Could contribute",
        "agenda": "Could shape the agenda",
        "change": "Led to change",
        "withheld": "Rounds withheld (open or with fewer than 3 answers): {count}.",
        "no_rounds": "No evaluation round with at least 3 answers closed in the period.",
        "nobody_named": "None of those who took part consented to be named.",
        "nothing": "Nothing recorded in the period.",
        "edited_note": "The text is written by the project; the figures come from the records",
        "scale": "Mean on a scale from 1 to 5.",
        "comments": "Comments from the co-researchers (unattributed)",
        "impact": "What changed",
        "date": "Date",
        "what_changed": "What changed",
        "why_it_matters": "Why it matters",
        "impact_more": "Showing the latest {shown} of {total} recorded changes.",
        "people_heading": "Co-researchers who took part",
        "named_note": "Names appear only for those who consented to be named in reports.",
        "unnamed": "{count} co-researchers took part without being named.",
        "name": "Name",
        "organisation": "Organisation",
        "experience": "Experience",
        "time_recorded": "Time recorded",
        "entries": "Time entries",
        "none": "None",
        "projects": "Projects",
        "project": "Project",
        "rounds": "Evaluation rounds",
        "page_of": "Page",
    },
}


def hours(minutes: int, lang: Lang) -> str:
    """Minutes as hours with one decimal: "12,5" in bokmål, "12.5" in English."""
    text = f"{minutes / 60:.1f}"
    return text.replace(".", ",") if lang is Lang.nb else text


def decimal(value: float | None, lang: Lang, places: int = 1) -> str:
    """A decimal number as the language writes it; an empty string for none."""
    if value is None:
        return ""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if lang is Lang.nb else text


def kroner(ore: int, lang: Lang) -> str:
    """Øre as kroner: "kr 1 775,00" in bokmål, "NOK 1,775.00" in English (no break after the
    currency, nor between the groups of digits)."""
    sign = "−" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    if lang is Lang.nb:
        return f"{sign}kr\u00a0{whole:,}".replace(",", "\u202f") + f",{cents:02d}"
    return f"{sign}NOK\u00a0{whole:,}.{cents:02d}"
