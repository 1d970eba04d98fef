"""Languages of the portal: the gettext catalogues (read from `.po` at start, no build step),
the visitor's choice, and dates and money written the way each language writes them."""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import pass_context

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
LANGUAGE_COOKIE = "portal_lang"
LOCALE_DIR = Path(__file__).parent / "locale"
# Babel's locale per language: British English writes "30 November 2026".
BABEL_LOCALES = {"nb": "nb_NO", "en": "en_GB"}
# Meetings happen in Norway; times are stored in UTC and shown in Oslo time.
OSLO = ZoneInfo("Europe/Oslo")
NBSP = "\u00a0"


def catalogue_path(language: str) -> Path:
    """The `.po` file of a language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """The language's catalogue as gettext translations, compiled in memory once."""
    with catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=BABEL_LOCALES[language])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def choose_language(query: str | None, cookie: str | None) -> str:
    """`?lang=` first, then the remembered choice, else bokmål."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def translate(language: str, message: str) -> str:
    """One message in the language (the English msgid when it has no translation)."""
    return translations(language).gettext(message)


@pass_context
def template_gettext(context: Any, message: str, **variables: Any) -> str:
    """`_()` in templates: the language is the page's `lang`."""
    text = translate(context.get("lang", DEFAULT_LANGUAGE), message)
    return text % variables if variables else text


@pass_context
def template_ngettext(context: Any, singular: str, plural: str, count: int, **variables: Any) -> str:
    """`ngettext()` in templates."""
    text = translations(context.get("lang", DEFAULT_LANGUAGE)).ngettext(singular, plural, count)
    return text % {"num": count, **variables}


def long_date(day: date | datetime | None, language: str) -> str:
    """`30. november 2026` in bokmål, `30 November 2026` in English."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(OSLO).date()
    return format_date(day, format="long", locale=BABEL_LOCALES[language])


def clock(moment: datetime, language: str) -> str:
    """The time of day in Oslo, `14:30`."""
    return format_time(moment.astimezone(OSLO), format="HH:mm", locale=BABEL_LOCALES[language])


def money(ore: int) -> str:
    """Integer øre as `kr 1 775,00` (non-breaking spaces, so it never wraps)."""
    kroner, rest = divmod(abs(ore), 100)
    digits = f"{kroner:,}".replace(",", NBSP)
    sign = "-" if ore < 0 else ""
    return f"{sign}kr{NBSP}{digits},{rest:02d}"


def hours(minutes: int, language: str) -> str:
    """Minutes as hours and minutes in words, `2 t 30 min` / `2 h 30 min`."""
    whole, rest = divmod(minutes, 60)
    unit = "t" if language == "nb" else "h"
    if whole and rest:
        return f"{whole}{NBSP}{unit} {rest}{NBSP}min"
    if whole:
        return f"{whole}{NBSP}{unit}"
    return f"{rest}{NBSP}min"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translated later"
    """Mark a message made in Python for the catalogue; it is translated where it is shown."""
    return message
