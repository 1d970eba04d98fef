"""The text of an agreement in plain bokmål, rendered from its fields: what a co-researcher reads
and accepts.

Deterministic: the same terms give the same text, character for character (NFC, `\\n` line
breaks), so the text stored at acceptance is exactly the one shown before it. Every practical
matter the seeds list has its own section, stated even when the answer is "not included".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from coresearch.domain.projects.tables import Phase

MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
PHASE_NAMES = {
    Phase.topic: "valg av tema og forskningsspørsmål",
    Phase.design: "utforming av studien",
    Phase.informants: "rekruttering av deltakere",
    Phase.data_collection: "datainnsamling",
    Phase.analysis: "analyse",
    Phase.dissemination: "formidling",
}
CONFIDENTIALITY = (
    "Medforskeren har taushetsplikt om opplysninger om enkeltpersoners helse og andre personlige "
    "forhold som vedkommende får kjennskap til gjennom prosjektet. Taushetsplikten gjelder også "
    "etter at avtalen er avsluttet."
)

DEFAULT_PAY = "Honorar for arbeidstid og dokumenterte utgifter dekkes etter prosjektets satser."


@dataclass(frozen=True)
class AgreementTerms:
    """Everything the text says: the agreement's fields with the names they refer to."""

    version: int
    project_title: str
    coresearcher_name: str
    role_title: str
    mandate: str
    phases: tuple[Phase, ...]
    starts_on: date
    ends_on: date
    expected_hours: int | None
    pay_terms: str
    confidentiality: bool
    papers_days_ahead: int
    meeting_terms: str
    contact_name: str | None
    contact_email: str | None
    certificate_promised: bool
    references_offered: bool


def norwegian_date(day: date) -> str:
    """`1. mars 2026`."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _days(count: int) -> str:
    return "1 dag" if count == 1 else f"{count} dager"


def _block(text: str, fallback: str) -> str:
    """Free text as written (line breaks kept, trailing spaces dropped), or the fallback."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")]
    return "\n".join(lines) if any(lines) else fallback


def _phases(phases: tuple[Phase, ...]) -> str:
    names = [PHASE_NAMES[phase] for phase in Phase if phase in phases]
    if not names:
        return "ikke avgrenset til bestemte faser"
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
    return text[0].upper() + text[1:]


def _contact(terms: AgreementTerms) -> str:
    if terms.contact_name is None:
        return "ikke oppgitt"
    return f"{terms.contact_name} ({terms.contact_email})" if terms.contact_email else terms.contact_name


def _papers(days: int) -> str:
    if days == 0:
        return "Sakspapirer sendes ut senest samme dag som møtet."
    return f"Sakspapirer sendes ut senest {_days(days)} før hvert møte."


def _pay(terms: AgreementTerms) -> str:
    lines = []
    if terms.expected_hours is not None:
        hours = "1 time" if terms.expected_hours == 1 else f"{terms.expected_hours} timer"
        lines.append(f"Forventet omfang er om lag {hours}.")
    lines.append(
        _block(
            terms.pay_terms,
            "Honorar for arbeidstid og dokumenterte utgifter dekkes etter prosjektets satser.",
        )
    )
    return "\n".join(lines)


def _references_and_certificate(terms: AgreementTerms) -> str:
    return "\n".join(
        [
            "Prosjektet stiller som referanse når medforskeren ber om det."
            if terms.references_offered
            else "Avtalen omfatter ikke at prosjektet stiller som referanse.",
            "Når avtalen avsluttes, får medforskeren en attest som beskriver deltakelsen."
            if terms.certificate_promised
            else "Avtalen omfatter ikke attest ved avslutning.",
        ]
    )


def render_agreement(terms: AgreementTerms) -> str:
    """The whole agreement as plain text, ending with a line break."""
    sections = [
        "\n".join(
            [
                "AVTALE OM MEDFORSKNING",
                f"Versjon {terms.version}",
                "",
                f"Prosjekt: {terms.project_title}",
                f"Medforsker: {terms.coresearcher_name}",
                f"Rolle: {terms.role_title}",
                f"Periode: {norwegian_date(terms.starts_on)} til {norwegian_date(terms.ends_on)}",
                f"Faser: {_phases(terms.phases)}",
                f"Kontaktperson: {_contact(terms)}",
            ]
        ),
        "Mandat\n" + _block(terms.mandate, "Mandatet avtales nærmere med kontaktpersonen."),
        "Sakspapirer\n" + _papers(terms.papers_days_ahead),
        "Møter: tid, sted og pauser\n"
        + _block(terms.meeting_terms, "Tid og sted for møtene avtales i god tid, og møtene har pauser."),
        "Honorar og utgifter\n" + _pay(terms),
        "Taushetserklæring\n"
        + (CONFIDENTIALITY if terms.confidentiality else "Avtalen omfatter ingen egen taushetserklæring."),
        "Referanser og attest\n" + _references_and_certificate(terms),
    ]
    return unicodedata.normalize("NFC", "\n\n".join(sections) + "\n")
