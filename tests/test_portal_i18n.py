"""The portal's catalogues: every message used in a template or in the portal's code is in both
`.po` files, bokmål translates each with the same placeholders; dates and money as Norwegians
write them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from coresearch.portal import i18n

SOURCE = Path(i18n.__file__).resolve().parent.parent
MAPPING = [("**/portal/**.py", "python"), ("**/templates/portal/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used_messages() -> set[str]:
    found = extract_from_dir(
        str(SOURCE),
        method_map=MAPPING,
        options_map={"**/templates/portal/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"_": None, "N_": None, "gettext": None},
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def catalogue(language: str) -> dict[str, str]:
    with i18n.catalogue_path(language).open("rb") as source:
        return {m.id: m.string for m in read_po(source) if m.id and isinstance(m.id, str)}


def test_every_message_used_is_in_both_catalogues() -> None:
    used = used_messages()
    assert len(used) > 150
    for language in i18n.LANGUAGES:
        missing = used - set(catalogue(language))
        assert not missing, f"add to {language}/LC_MESSAGES/messages.po: {sorted(missing)}"


def test_bokmaal_translates_every_message_with_the_same_placeholders() -> None:
    for msgid, text in catalogue("nb").items():
        assert text, f"no bokmål for {msgid!r}"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(msgid)), msgid
        assert "%" not in PLACEHOLDER.sub("", text), msgid


def test_the_catalogues_hold_no_message_that_is_no_longer_used() -> None:
    unused = set(catalogue("nb")) - used_messages()
    assert not unused, f"remove from the catalogues: {sorted(unused)}"


def test_dates_money_and_durations_are_written_as_each_language_writes_them() -> None:
    assert i18n.long_date(date(2026, 11, 30), "nb") == "30. november 2026"
    assert i18n.long_date(date(2026, 11, 30), "en") == "30 November 2026"
    # 23:30 UTC on 30 November is already 1 December in Oslo.
    assert i18n.long_date(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "nb") == "1. desember 2026"
    assert i18n.clock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), "nb") == "10:00"
    assert i18n.money(177_500) == "kr\u00a01\u00a0775,00"
    assert i18n.money(5) == "kr\u00a00,05"
    assert i18n.money(123_456_789) == "kr\u00a01\u00a0234\u00a0567,89"
    assert i18n.hours(150, "nb") == "2\u00a0t 30\u00a0min" and i18n.hours(45, "en") == "45\u00a0min"


def test_the_language_is_chosen_from_the_query_then_the_cookie() -> None:
    assert i18n.choose_language(None, None) == "nb"
    assert i18n.choose_language("en", "nb") == "en"
    assert i18n.choose_language(None, "en") == "en"
    assert i18n.choose_language("de", "xx") == "nb"
    assert i18n.translate("nb", "Sign in") == "Logg inn" and i18n.translate("en", "Sign in") == "Sign in"
