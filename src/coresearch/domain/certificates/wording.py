"""The certificate's words in bokmål and English: plain language, whole sentences built here so
the template only lays them out."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from coresearch.domain.certificates.schemas import Language
from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.tables import Phase

LOCALES = {Language.nb: "nb", Language.en: "en_GB"}

PHASES = {
    Language.nb: {
        Phase.topic: "Valg av tema og forskningsspørsmål",
        Phase.design: "Utforming av studien",
        Phase.informants: "Rekruttering av deltakere",
        Phase.data_collection: "Datainnsamling",
        Phase.analysis: "Analyse",
        Phase.dissemination: "Formidling",
    },
    Language.en: {
        Phase.topic: "Choosing the topic and research question",
        Phase.design: "Designing the study",
        Phase.informants: "Recruiting participants",
        Phase.data_collection: "Data collection",
        Phase.analysis: "Analysis",
        Phase.dissemination: "Sharing the results",
    },
}

KINDS = {
    Language.nb: {
        ActivityKind.meeting: "møte",
        ActivityKind.workshop: "verksted",
        ActivityKind.interview: "intervju",
        ActivityKind.document_review: "gjennomlesing",
        ActivityKind.analysis_session: "analysemøte",
        ActivityKind.presentation: "presentasjon",
        ActivityKind.other: "annet",
    },
    Language.en: {
        ActivityKind.meeting: "meeting",
        ActivityKind.workshop: "workshop",
        ActivityKind.interview: "interview",
        ActivityKind.document_review: "document review",
        ActivityKind.analysis_session: "analysis session",
        ActivityKind.presentation: "presentation",
        ActivityKind.other: "other",
    },
}

TEXT = {
    Language.nb: {
        "title": "Attest for deltakelse i forskning",
        "intro": "{name} har deltatt som medforsker i forskningsprosjektet «{title}» {period}.",
        "period_closed": "fra {start} til {end}",
        "period_open": "fra {start}, og er fortsatt med",
        "about_role": (
            "En medforsker har selv erfaring som pasient, bruker eller pårørende, og arbeider sammen "
            "med forskerne i forskergruppen. Medforskere er med på å bestemme hva det skal forskes "
            "på, hvordan det skal gjøres og hva resultatene betyr."
        ),
        "project": "Prosjekt",
        "funder": "Finansiert av",
        "grant": "{funder} (prosjektnummer {grant})",
        "role": "Rolle",
        "default_role": "Medforsker",
        "period": "Periode",
        "fact_closed": "{start} – {end}",
        "fact_open": "fra {start} (pågår)",
        "total": "Timer i alt",
        "contributions": "Bidrag i prosjektets faser",
        "none": "–",
        "no_contributions": "Ingen bidrag er registrert ennå.",
        "training": "Opplæring",
        "no_training": "Ingen opplæring er registrert.",
        "hours_heading": "Arbeidstid",
        "hours": "{name} har registrert {hours} arbeid i prosjektet.",
        "no_hours": "Det er ikke registrert arbeidstid i prosjektet ennå.",
        "hours_note": (
            "Timene er summen av arbeidstiden som er ført i prosjektet (møter, oppgaver, opplæring og "
            "annet arbeid), slik den ble ført, før avrunding for honorar."
        ),
        "closing": "Vi takker for et verdifullt bidrag til prosjektet.",
        "issued": "Utstedt {date}",
        "lead": "Prosjektleder",
        "confirmed_by": "Bekreftet av {lead}, prosjektleder, {date}",
        "footer": "Attest for deltakelse: {name}",
        "filename": "Attest {name}.pdf",
        "and": "og",
    },
    Language.en: {
        "title": "Certificate of participation in research",
        "intro": "{name} has taken part as a co-researcher in the research project “{title}” {period}.",
        "period_closed": "from {start} to {end}",
        "period_open": "since {start}, and is still taking part",
        "about_role": (
            "A co-researcher has lived experience as a patient, service user or relative, and works "
            "alongside the researchers in the research group. Co-researchers help decide what is "
            "researched, how it is done and what the results mean."
        ),
        "project": "Project",
        "funder": "Funded by",
        "grant": "{funder} (grant {grant})",
        "role": "Role",
        "default_role": "Co-researcher",
        "period": "Period",
        "fact_closed": "{start} – {end}",
        "fact_open": "since {start} (ongoing)",
        "total": "Total hours",
        "contributions": "Contributions in the project’s phases",
        "none": "–",
        "no_contributions": "No contributions have been recorded yet.",
        "training": "Training",
        "no_training": "No training has been recorded.",
        "hours_heading": "Time worked",
        "hours": "{name} has recorded {hours} of work in the project.",
        "no_hours": "No working time has been recorded in the project yet.",
        "hours_note": (
            "The hours are the sum of the working time recorded in the project (meetings, tasks, "
            "training and other work), as recorded, before any rounding for pay."
        ),
        "closing": "We are grateful for a valuable contribution to the project.",
        "issued": "Issued {date}",
        "lead": "Project lead",
        "confirmed_by": "Confirmed by {lead}, project lead, {date}",
        "footer": "Certificate of participation: {name}",
        "filename": "Certificate {name}.pdf",
        "and": "and",
    },
}


Columns = tuple[str, str, str, str]
COLUMNS: dict[Language, Columns] = {
    Language.nb: ("Fase", "Aktiviteter", "Møter", "Oppgaver fullført"),
    Language.en: ("Phase", "Activities", "Meetings", "Tasks completed"),
}
TRAINING_COLUMNS: dict[Language, Columns] = {
    Language.nb: ("Kurs", "Fullført", "Varighet", "Arrangør"),
    Language.en: ("Course", "Completed", "Duration", "Provider"),
}
UNITS = {
    Language.nb: {"hour": ("time", "timer"), "minute": ("minutt", "minutter")},
    Language.en: {"hour": ("hour", "hours"), "minute": ("minute", "minutes")},
}


def text(lang: Language, key: str, **values: str) -> str:
    """One sentence or label in `lang`, with `values` filled in."""
    return TEXT[lang][key].format(**values)


def day(lang: Language, value: date) -> str:
    """A date as a reader writes it: "1. mars 2026", "1 March 2026"."""
    return format_date(value, "long" if lang == Language.nb else "d MMMM y", locale=LOCALES[lang])


def _unit(lang: Language, key: str, count: int) -> str:
    singular, plural = UNITS[lang][key]
    return f"{count} {singular if count == 1 else plural}"


def duration(lang: Language, minutes: int) -> str:
    """Minutes in words, exactly: "12 timer og 30 minutter", "1 hour", "45 minutes"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{_unit(lang, 'hour', hours)} {TEXT[lang]['and']} {_unit(lang, 'minute', rest)}"
    if rest:
        return _unit(lang, "minute", rest)
    return _unit(lang, "hour", hours)


def counted(lang: Language, counts: dict[ActivityKind, int]) -> str:
    """Activity kinds with their counts, in a fixed order: "verksted (2), intervju (1)"."""
    parts = [f"{KINDS[lang][kind]} ({counts[kind]})" for kind in ActivityKind if counts.get(kind)]
    return ", ".join(parts) if parts else text(lang, "none")
