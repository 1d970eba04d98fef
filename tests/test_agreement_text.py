"""The agreement text renderer: deterministic plain bokmål in which every practical matter is stated."""

import unicodedata
from dataclasses import replace
from datetime import date

from coresearch.domain.agreements.render import AgreementTerms, norwegian_date, render_agreement
from coresearch.domain.projects.tables import Phase

TERMS = AgreementTerms(
    version=3,
    project_title="Hjem etter innleggelse",
    coresearcher_name="Åse Bjørnstad",
    role_title="Medforsker og intervjuer",
    mandate="Gjennomføre intervjuer.\r\nDelta i analyseverksteder.  ",
    phases=(Phase.dissemination, Phase.topic, Phase.analysis),
    starts_on=date(2026, 2, 1),
    ends_on=date(2027, 12, 31),
    expected_hours=1,
    pay_terms="",
    confidentiality=True,
    papers_days_ahead=1,
    meeting_terms="",
    contact_name="Ingrid Sæther",
    contact_email="ingrid.saether@example.no",
    certificate_promised=True,
    references_offered=False,
)


def test_the_same_terms_give_the_same_text_with_the_version_and_every_practical_matter() -> None:
    text = render_agreement(TERMS)

    assert text == render_agreement(replace(TERMS))
    assert text.startswith("AVTALE OM MEDFORSKNING\nVersjon 3\n\n") and text.endswith(
        "attest som beskriver deltakelsen.\n"
    )
    headings = [block.split("\n")[0] for block in text.split("\n\n")[2:]]
    assert headings == [
        "Mandat",
        "Sakspapirer",
        "Møter: tid, sted og pauser",
        "Honorar og utgifter",
        "Taushetserklæring",
        "Referanser og attest",
    ]
    assert "Mandat\nGjennomføre intervjuer.\nDelta i analyseverksteder.\n\n" in text
    assert "Faser: Valg av tema og forskningsspørsmål, analyse og formidling\n" in text
    assert "Periode: 1. februar 2026 til 31. desember 2027\n" in text
    assert "Kontaktperson: Ingrid Sæther (ingrid.saether@example.no)\n" in text
    assert "senest 1 dag før hvert møte." in text and "om lag 1 time." in text
    assert "Avtalen omfatter ikke at prosjektet stiller som referanse." in text
    assert "\r" not in text


def test_letters_survive_and_decomposed_input_renders_as_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Øystein Kvæl på Løkka")
    text = render_agreement(replace(TERMS, coresearcher_name=decomposed))

    assert "Medforsker: Øystein Kvæl på Løkka\n" in text
    assert text.encode("utf-8").decode("utf-8") == text and unicodedata.is_normalized("NFC", text)


def test_left_out_terms_are_stated_rather_than_dropped() -> None:
    bare = replace(
        TERMS,
        mandate=" ",
        phases=(),
        expected_hours=None,
        papers_days_ahead=0,
        confidentiality=False,
        certificate_promised=False,
        contact_name=None,
        contact_email=None,
    )
    text = render_agreement(bare)

    for stated in (
        "Faser: ikke avgrenset til bestemte faser",
        "Kontaktperson: ikke oppgitt",
        "Mandatet avtales nærmere med kontaktpersonen.",
        "Sakspapirer sendes ut senest samme dag som møtet.",
        "Tid og sted for møtene avtales i god tid, og møtene har pauser.",
        "Honorar og utgifter\nHonorar for arbeidstid og dokumenterte utgifter dekkes etter prosjektets satser.",
        "Avtalen omfatter ingen egen taushetserklæring.",
        "Avtalen omfatter ikke attest ved avslutning.",
    ):
        assert stated in text
    assert "Forventet omfang" not in text


def test_dates_read_in_norwegian() -> None:
    assert [norwegian_date(date(2026, month, 9)) for month in (1, 5, 8, 12)] == [
        "9. januar 2026",
        "9. mai 2026",
        "9. august 2026",
        "9. desember 2026",
    ]
