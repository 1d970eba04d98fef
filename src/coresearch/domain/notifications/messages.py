"""The words of every notification, in bokmål and English: subject, plain text and simple HTML.

Facts come in typed (datetimes, dates, øre as `Money`, plain strings) and are written for the
reader's language: times in Norwegian local time, money as "kr 1 775,00" or "NOK 1,775.00". A
paragraph whose facts are missing is left out. The HTML is the same paragraphs, escaped, with a
language attribute and no images, links to elsewhere or styles: screen readers and plain mail
clients read it as well as the text.
"""

from __future__ import annotations

import html
import string
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from babel.dates import format_date, format_datetime

from coresearch.domain.notifications.kinds import Kind
from coresearch.domain.notifications.tables import Language

LOCAL_TIME = ZoneInfo("Europe/Oslo")
SUBJECT_LIMIT = 300


class Money(int):
    """An amount in øre, written as kroner."""


class Rendered(msgspec.Struct, frozen=True):
    """One message in one language."""

    subject: str
    text: str
    html: str


# kind → language → (subject, paragraphs). Placeholders name facts.
CATALOGUE: dict[Kind, dict[Language, tuple[str, list[str]]]] = {
    Kind.task_assigned: {
        Language.nb: (
            "Ny oppgave: {title}",
            ["Du har fått oppgaven «{title}» i prosjektet «{project}».", "Frist: {due}."],
        ),
        Language.en: (
            "New task: {title}",
            ["You have been given the task “{title}” in the project “{project}”.", "Due: {due}."],
        ),
    },
    Kind.task_due_changed: {
        Language.nb: (
            "Ny frist for «{title}»",
            ["Fristen for oppgaven «{title}» i prosjektet «{project}» er endret.", "Ny frist: {due}."],
        ),
        Language.en: (
            "New due date for “{title}”",
            [
                "The due date of the task “{title}” in the project “{project}” has changed.",
                "New due date: {due}.",
            ],
        ),
    },
    Kind.task_reminder: {
        Language.nb: (
            "Påminnelse: «{title}» har frist {due}",
            ["Oppgaven «{title}» i prosjektet «{project}» har frist {due}."],
        ),
        Language.en: (
            "Reminder: “{title}” is due {due}",
            ["The task “{title}” in the project “{project}” is due {due}."],
        ),
    },
    Kind.meeting_scheduled: {
        Language.nb: (
            "Møte {starts_at}: {title}",
            [
                "Du er invitert til møtet «{title}» i prosjektet «{project}».",
                "Tid: {starts_at} til {ends_at}.",
                "Sted: {location}.",
                "Kalenderfilen i e-posten legger møtet inn i kalenderen din.",
            ],
        ),
        Language.en: (
            "Meeting {starts_at}: {title}",
            [
                "You are invited to the meeting “{title}” in the project “{project}”.",
                "Time: {starts_at} to {ends_at}.",
                "Place: {location}.",
                "The calendar file in this e-mail puts the meeting in your calendar.",
            ],
        ),
    },
    Kind.meeting_moved: {
        Language.nb: (
            "Møtet «{title}» er endret",
            [
                "Møtet «{title}» i prosjektet «{project}» er endret.",
                "Ny tid: {starts_at} til {ends_at}.",
                "Sted: {location}.",
                "Kalenderfilen i e-posten oppdaterer møtet i kalenderen din.",
            ],
        ),
        Language.en: (
            "The meeting “{title}” has changed",
            [
                "The meeting “{title}” in the project “{project}” has changed.",
                "New time: {starts_at} to {ends_at}.",
                "Place: {location}.",
                "The calendar file in this e-mail updates the meeting in your calendar.",
            ],
        ),
    },
    Kind.meeting_cancelled: {
        Language.nb: (
            "Avlyst: {title}",
            [
                "Møtet «{title}» {starts_at} i prosjektet «{project}» er avlyst.",
                "Kalenderfilen i e-posten fjerner møtet fra kalenderen din.",
            ],
        ),
        Language.en: (
            "Cancelled: {title}",
            [
                "The meeting “{title}” on {starts_at} in the project “{project}” is cancelled.",
                "The calendar file in this e-mail removes the meeting from your calendar.",
            ],
        ),
    },
    Kind.meeting_reminder: {
        Language.nb: (
            "Påminnelse: møte {starts_at}",
            ["Møtet «{title}» i prosjektet «{project}» begynner {starts_at}.", "Sted: {location}."],
        ),
        Language.en: (
            "Reminder: meeting {starts_at}",
            ["The meeting “{title}” in the project “{project}” starts {starts_at}.", "Place: {location}."],
        ),
    },
    Kind.meeting_papers: {
        Language.nb: (
            "Sakspapirer til «{title}»",
            [
                "Sakspapirene til møtet «{title}» {starts_at} er klare: «{document}».",
                "Du finner dem under dokumenter i prosjektet «{project}».",
            ],
        ),
        Language.en: (
            "Meeting papers for “{title}”",
            [
                "The papers for the meeting “{title}” on {starts_at} are ready: “{document}”.",
                "You find them among the documents of the project “{project}”.",
            ],
        ),
    },
    Kind.papers_missing: {
        Language.nb: (
            "Sakspapirer mangler: {title}",
            [
                "Møtet «{title}» i prosjektet «{project}» begynner {starts_at}, og det er ikke lagt ved "
                "sakspapirer.",
                "Avtalene med medforskerne lover sakspapirer {days_ahead} dager før møtet.",
            ],
        ),
        Language.en: (
            "Meeting papers missing: {title}",
            [
                "The meeting “{title}” in the project “{project}” starts {starts_at}, and no meeting papers "
                "are attached.",
                "The agreements with the co-researchers promise papers {days_ahead} days before the meeting.",
            ],
        ),
    },
    Kind.agreement_sent: {
        Language.nb: (
            "Avtale til godkjenning: {role_title}",
            [
                "Prosjektet «{project}» har sendt deg en avtale om rollen «{role_title}».",
                "Les den og godta den når du logger inn.",
            ],
        ),
        Language.en: (
            "Agreement for you to accept: {role_title}",
            [
                "The project “{project}” has sent you an agreement for the role “{role_title}”.",
                "Read it and accept it when you sign in.",
            ],
        ),
    },
    Kind.claim_attested: {
        Language.nb: (
            "Honorarkravet ditt er attestert",
            [
                "Kravet ditt for {period_start}–{period_end} i prosjektet «{project}» "
                "på {total} er attestert "
                "av prosjektleder.",
                "Det skal så godkjennes før det betales.",
            ],
        ),
        Language.en: (
            "Your claim is attested",
            [
                "Your claim for {period_start}–{period_end} in the project “{project}” "
                "of {total} is attested by "
                "the project lead.",
                "It is to be approved next, and then paid.",
            ],
        ),
    },
    Kind.claim_approved: {
        Language.nb: (
            "Honorarkravet ditt er godkjent",
            [
                "Kravet ditt for {period_start}–{period_end} i prosjektet «{project}» "
                "på {total} er godkjent.",
                "Forventet utbetaling: {expected_on}.",
            ],
        ),
        Language.en: (
            "Your claim is approved",
            [
                "Your claim for {period_start}–{period_end} in the project “{project}” "
                "of {total} is approved.",
                "Expected payment: {expected_on}.",
            ],
        ),
    },
    Kind.claim_paid: {
        Language.nb: (
            "Honoraret ditt er betalt",
            [
                "Kravet ditt for {period_start}–{period_end} i prosjektet «{project}» "
                "på {total} ble betalt {paid_on}."
            ],
        ),
        Language.en: (
            "Your fee is paid",
            [
                "Your claim for {period_start}–{period_end} in the project “{project}” "
                "of {total} was paid on "
                "{paid_on}."
            ],
        ),
    },
    Kind.claim_rejected: {
        Language.nb: (
            "Honorarkravet ditt er avvist",
            [
                "Kravet ditt for {period_start}–{period_end} i prosjektet «{project}» på {total} er avvist.",
                "Begrunnelse: {reason}",
                "Timene og utleggene kan tas med i et nytt krav. Spør prosjektleder om noe er uklart.",
            ],
        ),
        Language.en: (
            "Your claim is rejected",
            [
                "Your claim for {period_start}–{period_end} in the project “{project}” "
                "of {total} is rejected.",
                "Reason: {reason}",
                "The hours and expenses can go into a new claim. Ask the project lead "
                "if anything is unclear.",
            ],
        ),
    },
    Kind.benefit_warning: {
        Language.nb: (
            "Betalte timer nær grensen for perioden",
            [
                "De betalte timene dine i perioden {starts_on}–{ends_on} er nær "
                "grensen du har bedt oss passe på.",
                "Se timene per periode når du logger inn, og snakk med prosjektleder "
                "før du tar flere oppdrag.",
            ],
        ),
        Language.en: (
            "Paid hours close to the limit for the period",
            [
                "Your paid hours in the period {starts_on}–{ends_on} are close to the "
                "limit you asked us to watch.",
                "See your hours per period when you sign in, and talk to the project "
                "lead before taking on more.",
            ],
        ),
    },
}

FOOTER = {
    Language.nb: (
        "Du får denne meldingen fra coresearch. Du velger selv hvilke varsler du får, under Varsler."
    ),
    Language.en: "This message comes from coresearch. You choose which notices you get, under Notifications.",
}
NO_DUE_DATE = {Language.nb: "ingen frist", Language.en: "no due date"}


def money(ore: int, language: Language) -> str:
    """`kr 1 775,00` or `NOK 1,775.00`."""
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    if language == Language.nb:
        return f"kr {sign}{kroner:,}".replace(",", "\u00a0") + f",{rest:02d}"
    return f"NOK {sign}{kroner:,}.{rest:02d}"


def _written(value: Any, language: Language) -> str:
    locale = language.value
    if isinstance(value, Money):
        return money(value, language)
    if isinstance(value, datetime):
        pattern = "EEEE d. MMMM y 'kl.' HH:mm" if language == Language.nb else "EEEE d MMMM y, HH:mm"
        return format_datetime(value, pattern, tzinfo=LOCAL_TIME, locale=locale)
    if isinstance(value, date):
        return format_date(value, "d. MMMM y" if language == Language.nb else "d MMMM y", locale=locale)
    return str(value)


def _fill(template: str, facts: dict[str, str]) -> str | None:
    """The template with its facts, or None when one of them is missing."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    if any(facts.get(name) in (None, "") for name in names):
        return None
    return template.format_map(facts)


def render(kind: Kind, language: Language, facts: dict[str, Any]) -> Rendered:
    """The message of `kind` with `facts`, in `language`."""
    written = {name: _written(value, language) for name, value in facts.items() if value is not None}
    if kind in (Kind.task_assigned, Kind.task_due_changed) and "due" not in written:
        written["due"] = NO_DUE_DATE[language]
    subject_template, paragraph_templates = CATALOGUE[kind][language]
    subject = " ".join((_fill(subject_template, written) or subject_template).split())[:SUBJECT_LIMIT]
    paragraphs = [p for p in (_fill(t, written) for t in paragraph_templates) if p is not None]
    paragraphs.append(FOOTER[language])
    text = "\n\n".join(paragraphs) + "\n"
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = (
        f'<!DOCTYPE html>\n<html lang="{language.value}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return Rendered(subject=subject, text=text, html=page)
