"""What `coresearch demo` loads: the people, the project's text and plan, its tasks, activities and
evaluation answers, in Norwegian. `demo.py` builds the project from these through the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Required, TypedDict

from coresearch.domain.accounts.tables import Role
from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.projects.tables import Level, MemberRole, Phase, PhaseStatus
from coresearch.domain.work.tables import TaskStatus


@dataclass(frozen=True)
class DemoPerson:
    """One demo account and what they are in the project."""

    key: str
    label: str
    full_name: str
    email: str
    role: Role
    member_role: MemberRole | None


# The lead's account marks the demo as loaded.
MARKER_EMAIL = "ingrid.saether@example.no"
PEOPLE = (
    DemoPerson(
        "leader",
        "forskningsleder",
        "Ragnhild Øvergård",
        "ragnhild.overgard@example.no",
        Role.research_leader,
        None,
    ),
    DemoPerson("lead", "prosjektleder", "Ingrid Sæther", MARKER_EMAIL, Role.researcher, MemberRole.lead),
    DemoPerson(
        "researcher",
        "forsker",
        "Jørgen Bråten",
        "jorgen.braten@example.no",
        Role.researcher,
        MemberRole.researcher,
    ),
    DemoPerson(
        "ase",
        "medforsker (egenerfaring)",
        "Åse Bjørnstad",
        "ase.bjornstad@example.no",
        Role.co_researcher,
        MemberRole.co_researcher,
    ),
    DemoPerson(
        "oystein",
        "medforsker (egenerfaring)",
        "Øystein Kvæl",
        "oystein.kvael@example.no",
        Role.co_researcher,
        MemberRole.co_researcher,
    ),
    DemoPerson(
        "siv",
        "medforsker (pårørende)",
        "Siv Ødegård Næss",
        "siv.naess@example.no",
        Role.co_researcher,
        MemberRole.co_researcher,
    ),
)
CO_RESEARCHERS = ("ase", "oystein", "siv")

TITLE = "Hjem etter innleggelse: medforskning om overgangen fra psykisk helsevern til kommunen"
SUMMARY = (
    "Mange opplever de første ukene etter utskriving fra døgnbehandling i psykisk helsevern som de "
    "mest sårbare. Prosjektet undersøker hva som hjelper og hva som svikter i overgangen til "
    "kommunale tjenester, slik pasienter og pårørende selv opplever den. Tre medforskere med egen- "
    "og pårørendeerfaring er med fra valg av forskningsspørsmål til formidling, og gjennomfører "
    "selv intervjuer etter modellen «bruker spør bruker»."
)

PHASE_PLAN = {
    Phase.topic: (
        Level.collaborate,
        PhaseStatus.done,
        "Forskningsspørsmålet ble formulert sammen med medforskerne i et idéverksted.",
    ),
    Phase.design: (
        Level.collaborate,
        PhaseStatus.done,
        "Intervjuguide og informasjonsskriv er utarbeidet i fellesskap.",
    ),
    Phase.informants: (
        Level.involve,
        PhaseStatus.done,
        "Rekruttering via brukerorganisasjoner og brukerstyrte sentre, ikke bare poliklinikkene.",
    ),
    Phase.data_collection: (
        Level.lead,
        PhaseStatus.ongoing,
        "Medforskerne leder bruker-spør-bruker-intervjuene; forskerne har ansvar for lydopptak og "
        "sikker lagring.",
    ),
    Phase.analysis: (
        Level.collaborate,
        PhaseStatus.not_started,
        "Felles analyseverksteder; sakspapirer sendes ut en uke før hvert møte.",
    ),
    Phase.dissemination: (
        Level.involve,
        PhaseStatus.not_started,
        "Medforskerne blir medforfattere der de ønsker det, og presenterer funnene for brukerrådet.",
    ),
}


class TaskFields(TypedDict, total=False):
    """A demo task's own fields (assignees and due date are added when it is created)."""

    title: Required[str]
    phase: Required[Phase]
    description: str
    estimated_minutes: int


# (due in days, assignees, status, the task as created)
TASKS: list[tuple[int, tuple[str, ...], TaskStatus, TaskFields]] = [
    (
        -265,
        ("researcher",),
        TaskStatus.done,
        {"title": "Oppsummere innspillene fra idéverkstedet", "phase": Phase.topic, "estimated_minutes": 120},
    ),
    (
        7,
        ("lead",),
        TaskStatus.todo,
        {
            "title": "Skrive tilbakemelding til medforskerne: hva endret seg etter innspillene deres",
            "phase": Phase.data_collection,
            "estimated_minutes": 60,
        },
    ),
    (
        14,
        ("researcher",),
        TaskStatus.in_progress,
        {
            "title": "Transkribere og avidentifisere intervju 5–8",
            "phase": Phase.data_collection,
            "description": "Lydfilene slettes når transkripsjonene er kontrollert.",
            "estimated_minutes": 480,
        },
    ),
    (
        21,
        ("ase", "oystein"),
        TaskStatus.in_progress,
        {
            "title": "Gjennomføre to nye bruker-spør-bruker-intervjuer",
            "phase": Phase.data_collection,
            "description": "Bruk den justerte intervjuguiden; avtal tid og sted med Jørgen.",
            "estimated_minutes": 240,
        },
    ),
    (
        40,
        CO_RESEARCHERS,
        TaskStatus.todo,
        {
            "title": "Lese sakspapirene før første analyseverksted",
            "phase": Phase.analysis,
            "estimated_minutes": 90,
        },
    ),
]


class ActivityFields(TypedDict, total=False):
    """A demo activity's own fields (date and participants are added when it is logged)."""

    phase: Required[Phase]
    kind: Required[ActivityKind]
    level: Required[Level]
    minutes: Required[int]
    summary: str
    hoped_to_influence: str
    what_changed: str
    why_it_matters: str


# (days ago, participants, the activity as logged)
ACTIVITIES: list[tuple[int, tuple[str, ...], ActivityFields]] = [
    (
        280,
        CO_RESEARCHERS,
        {
            "phase": Phase.topic,
            "kind": ActivityKind.workshop,
            "level": Level.collaborate,
            "minutes": 180,
            "summary": "Idéverksted om hva som er vanskeligst i de første ukene etter utskriving.",
            "hoped_to_influence": "Valget av forskningsspørsmål.",
            "what_changed": "Spørsmålet ble endret fra å måle reinnleggelser til å undersøke de første "
            "14 dagene hjemme, slik pasientene selv opplever dem.",
            "why_it_matters": "Det er i de første dagene mange faller mellom to stoler, og det vises "
            "ikke i registerdata.",
        },
    ),
    (
        250,
        ("ase",),
        {
            "phase": Phase.topic,
            "kind": ActivityKind.document_review,
            "level": Level.consult,
            "minutes": 90,
            "summary": "Lest og kommentert utkastet til prosjektbeskrivelse.",
            "hoped_to_influence": "Språket og vinklingen i søknaden.",
            "what_changed": "Ordet «etterlevelse» ble tatt ut, og pårørende fikk et eget delmål.",
            "why_it_matters": "Søknaden beskriver nå pasientene som aktører, ikke som mottakere av tiltak.",
        },
    ),
    (
        210,
        CO_RESEARCHERS,
        {
            "phase": Phase.design,
            "kind": ActivityKind.workshop,
            "level": Level.collaborate,
            "minutes": 150,
            "summary": "Arbeidsmøte om intervjuguiden.",
            "hoped_to_influence": "Rekkefølge og ordlyd i intervjuspørsmålene.",
            "what_changed": "Spørsmål om rus ble flyttet til slutten og gjort frivillige, og det ble "
            "lagt inn en pause etter 30 minutter.",
            "why_it_matters": "Intervjuet oppleves tryggere for informantene, og færre avbryter underveis.",
        },
    ),
    (
        190,
        ("siv",),
        {
            "phase": Phase.design,
            "kind": ActivityKind.document_review,
            "level": Level.involve,
            "minutes": 120,
            "summary": "Gjennomgang av informasjonsskriv og samtykkeskjema fra et pårørendeperspektiv.",
            "hoped_to_influence": "Hvor forståelig informasjonen til informantene er.",
            "what_changed": "Informasjonsskrivet ble kortet ned fra fire til to sider i klarspråk, og "
            "pårørende fikk et eget skriv.",
        },
    ),
    (
        150,
        ("ase", "oystein"),
        {
            "phase": Phase.informants,
            "kind": ActivityKind.meeting,
            "level": Level.involve,
            "minutes": 90,
            "summary": "Plan for rekruttering gjennom brukerorganisasjoner og brukerstyrte sentre.",
            "hoped_to_influence": "Hvem som blir spurt om å delta.",
            "what_changed": "Rekrutteringen går nå også via brukerstyrte sentre, ikke bare via "
            "poliklinikkene.",
            "why_it_matters": "Utvalget blir bredere: flere unge menn og flere med innvandrerbakgrunn.",
        },
    ),
    (
        60,
        ("ase", "oystein"),
        {
            "phase": Phase.data_collection,
            "kind": ActivityKind.interview,
            "level": Level.lead,
            "minutes": 240,
            "summary": "Bruker spør bruker: fire intervjuer gjennomført av medforskerne, med en forsker "
            "til stede for lydopptaket.",
        },
    ),
    (
        30,
        ("ase", "siv"),
        {
            "phase": Phase.data_collection,
            "kind": ActivityKind.meeting,
            "level": Level.collaborate,
            "minutes": 120,
            "summary": "Oppsummering etter første intervjurunde.",
            "hoped_to_influence": "Justering av intervjuguiden før neste runde.",
            "what_changed": "Et nytt spørsmål om hvem som tok kontakt den første uka hjemme ble lagt til.",
            "why_it_matters": "Flere informanter fortalte at ingen ringte; det funnet kunne vi ellers "
            "ha gått glipp av.",
        },
    ),
    (
        10,
        ("oystein",),
        {
            "phase": Phase.dissemination,
            "kind": ActivityKind.presentation,
            "level": Level.inform,
            "minutes": 60,
            "summary": "Presenterte prosjektet og de foreløpige erfaringene for brukerrådet ved "
            "helseforetaket.",
        },
    ),
]


# The demo activities that record a demo meeting (the same day, the same thing), by days ago →
# the meeting's title: the meeting's attendance pays their time, so they make no time entries.
RECORDS_MEETING = {
    280: "Oppstartsmøte for forskningsgruppen",
    30: "Oppsummering etter første intervjurunde",
}


EVALUATIONS = {
    "ase": (5, 4, 4, 5, "Jeg ble hørt, og det var fint å se at intervjuguiden faktisk ble endret."),
    "oystein": (4, 5, 3, 4, "Sakspapirene kom litt sent før det første møtet."),
    "siv": (4, 4, 3, 3, None),
}
