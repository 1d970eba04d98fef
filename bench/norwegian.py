"""Norwegian names and phrases the generator combines into plausible projects and activities."""

from __future__ import annotations

import random

# fmt: off
FIRST_NAMES = (
    "Kari", "Ola", "Ingrid", "Sindre", "Åse", "Øystein", "Bjørn", "Solveig", "Mari", "Håkon",
    "Tone", "Eirik", "Siri", "Jørgen", "Ragnhild", "Nils", "Marit", "Torbjørn", "Aud", "Kjetil",
    "Liv", "Ståle", "Hanne", "Arne", "Guro", "Sigrid", "Vegard", "Åsmund", "Signe", "Trond",
    "Hege", "Bård", "Astrid", "Geir", "Randi", "Sølvi", "Halvor", "Tove", "Espen", "Ingeborg",
    "Jostein", "Maja", "Frøydis", "Lars", "Nora", "Øyvind", "Synnøve", "Terje", "Birgit", "Yngve",
)

LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen", "Lund",
    "Sørensen", "Strøm", "Bakke", "Solberg", "Næss", "Sæther", "Aasen", "Ødegård", "Håland",
    "Økland", "Brækken", "Lie", "Moen", "Vik", "Løvås", "Bråten", "Fjærli", "Kvåle",
)

# fmt: on

FUNDERS = (
    ("Helse Vest", "HV-F"),
    ("Helse Sør-Øst", "HSØ"),
    ("Helse Midt-Norge", "HMN"),
    ("Helse Nord", "HNF"),
    ("Norges forskningsråd", "NFR"),
    ("Stiftelsen Dam", "DAM"),
    ("Kreftforeningen", "KF"),
    ("Nasjonalforeningen for folkehelsen", "NFF"),
    ("Rådet for psykisk helse", "RPH"),
)

REK_REGIONS = ("vest", "sør-øst A", "sør-øst B", "sør-øst C", "midt", "nord")

TOPICS = (
    "brukermedvirkning i psykisk helsevern",
    "overgangen fra barne- til voksenpsykiatri",
    "pårørendes erfaringer med hjemmetjenester",
    "rus og bolig",
    "kronisk smerte og arbeidsdeltakelse",
    "ungdom med diabetes type 1",
    "måltider på sykehjem",
    "samvalg i kreftbehandling",
    "tvang i akuttpsykiatrien",
    "digitale konsultasjoner hos fastlegen",
    "rehabilitering etter hjerneslag",
    "søvnvansker hos skoleelever",
    "førstegangsfødende i distriktene",
    "minoritetsspråklige foreldres møte med helsestasjonen",
    "ME/CFS og skolegang",
    "ensomhet blant eldre i Nord-Norge",
    "spiseforstyrrelser hos gutter",
    "utskrivning fra sykehus til kommunen",
    "legemiddelbruk hos skrøpelige eldre",
    "sosial angst og høyere utdanning",
)

TITLE_PATTERNS = (
    "Sammen om {topic}",
    "Medforskning på {topic}",
    "Brukerstemmer: {topic}",
    "Erfaringskunnskap om {topic}",
    "Hva betyr {topic} for hverdagen?",
    "Fra pasient til partner: {topic}",
)

# fmt: off
PLACES = (
    "Bergen", "Tromsø", "Trondheim", "Ålesund", "Bodø", "Kristiansand", "Stavanger", "Lillehammer",
    "Førde", "Hamar", "Oslo", "Skien", "Harstad", "Mo i Rana", "Gjøvik", "Haugesund",
)

# fmt: on

AUDIENCES = (
    "brukerrådet ved sykehuset",
    "kommuneoverlegen",
    "fagdag for sykepleiere",
    "pårørendeforeningen",
    "forskergruppen",
    "styret i brukerorganisasjonen",
    "Forskningsdagene",
    "helsesykepleierne",
)

DOCUMENTS = (
    "informasjonsskrivet til deltakerne",
    "intervjuguiden",
    "spørreskjemaet",
    "søknaden til REK",
    "samtykkeskjemaet",
    "artikkelutkastet",
    "sammendraget på klarspråk",
    "rekrutteringsplakaten",
)

SUMMARIES = {
    "meeting": (
        "Møte i referansegruppen om {topic}. Vi gikk gjennom {document} og fordelte oppgaver.",
        "Månedlig møte med medforskerne i {place}; hovedsak var {topic}.",
    ),
    "workshop": (
        "Heldags workshop i {place} om {topic}, med gruppearbeid og felles oppsummering.",
        "Workshop der medforskerne prioriterte forskningsspørsmål om {topic}.",
    ),
    "interview": (
        "Medforskerne var med på intervjuer med deltakere i {place} om {topic}.",
        "Fokusgruppeintervju om {topic}; en medforsker ledet samtalen sammen med forskeren.",
    ),
    "document_review": (
        "Gjennomlesning av {document} før innsending.",
        "Medforskerne kommenterte {document} linje for linje og foreslo enklere språk.",
    ),
    "analysis_session": (
        "Felles analysemøte: vi leste transkripsjoner og fant foreløpige temaer om {topic}.",
        "Analyseverksted i {place} der funnene om {topic} ble drøftet mot egne erfaringer.",
    ),
    "presentation": (
        "Presentasjon av foreløpige funn om {topic} for {audience}.",
        "Medforskerne holdt innlegg for {audience} i {place}.",
    ),
    "other": (
        "Telefonmøte om fremdriften i prosjektet og planene for høsten.",
        "Medforskerne skrev et innlegg om {topic} til lokalavisa i {place}.",
    ),
}

HOPES = (
    "Hvordan vi formulerer spørsmålene om {topic}.",
    "Hvilke utfallsmål vi velger.",
    "Hvem vi rekrutterer, og hvor vi finner dem.",
    "At {document} blir forståelig for alle som får det.",
    "Hvordan funnene om {topic} blir formidlet videre.",
)

CHANGES = (
    "Intervjuguiden ble endret slik at spørsmålene om hverdagen kommer først.",
    "Vi la til et spørsmål om {topic} i spørreskjemaet.",
    "{document_cap} ble skrevet om til klarspråk etter innspill fra medforskerne.",
    "Rekrutteringen flyttes fra sykehuset til brukerorganisasjonene i {place}.",
    "Analysen deles i to temaer etter forslag fra medforskerne.",
    "Ingen endring ennå; forslaget tas opp på neste møte.",
    "Vi bytter ut ordet «pasient» med «deltaker» i alle skriv.",
    "Medforskerne blir medforfattere på artikkelen om {topic}.",
)

REASONS = (
    "Det gjør det lettere for deltakere å si ja, og å si fra om noe føles feil.",
    "Medforskerne kjenner {topic} fra innsiden og så det forskerne overså.",
    "Språket i skrivene må være forståelig også for dem som er dårlige når de leser det.",
    "Uten endringen ville vi ha mistet de yngste deltakerne.",
    "Det sikrer at resultatene kommer tilbake til dem det gjelder, i {place} og ellers.",
)


def full_name(rng: random.Random) -> str:
    """A Norwegian first and last name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII for e-mail addresses: æ→ae, ø→o, å→a, spaces→dots."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "."})
    return text.lower().translate(table)


def project_title(rng: random.Random, topic: str) -> str:
    """A project title about `topic`."""
    return rng.choice(TITLE_PATTERNS).format(topic=topic)


def activity_texts(rng: random.Random, kind: str, topic: str) -> tuple[str, str, str, str]:
    """Summary, hoped-to-influence, what-changed and why-it-matters of one activity."""
    document = rng.choice(DOCUMENTS)
    words = {
        "topic": topic,
        "place": rng.choice(PLACES),
        "audience": rng.choice(AUDIENCES),
        "document": document,
        "document_cap": document[0].upper() + document[1:],
    }
    return (
        rng.choice(SUMMARIES[kind]).format_map(words),
        rng.choice(HOPES).format_map(words),
        rng.choice(CHANGES).format_map(words),
        rng.choice(REASONS).format_map(words),
    )
