"""`coresearch demo`: a small, realistic Norwegian demo project, built through the service layer.

Everything is done by the person who would do it for real (the lead registers the project and
plans it and runs an evaluation round, each co-researcher answers it), in one transaction: a load that fails
leaves nothing behind. Dates are counted from today, so the project always looks current. The
lead's e-mail marks the demo as loaded; loading it again changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coresearch.demo_content import (
    ACTIVITIES,
    EVALUATIONS,
    MARKER_EMAIL,
    PEOPLE,
    PHASE_PLAN,
    RECORDS_MEETING,
    SUMMARY,
    TASKS,
    TITLE,
)
from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.tables import Role
from coresearch.domain.agreements import lifecycle as agreement_moves
from coresearch.domain.agreements import schemas as agreements_schemas
from coresearch.domain.agreements import service as agreements
from coresearch.domain.coresearchers import schemas as coresearchers_schemas
from coresearch.domain.coresearchers import training
from coresearch.domain.involvement import activities, evaluations
from coresearch.domain.involvement import schemas as involvement
from coresearch.domain.payments import schemas as payments_schemas
from coresearch.domain.payments import time_entries
from coresearch.domain.projects import schemas as projects_schemas
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.tables import MemberRole, Phase, ProjectStatus
from coresearch.domain.work import meetings, tasks
from coresearch.domain.work import schemas as work
from coresearch.domain.work.tables import AttendanceMode, TaskStatus
from coresearch.lib import records
from coresearch.lib.db import transaction
from coresearch.settings import Settings

# The people act without a sign-in, so their principals carry no token.
NO_TOKEN = UUID(int=0)


class DemoRefused(Exception):
    """The demo was not loaded because the database looks like a real one."""


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as the command prints it; the password only when just created."""

    label: str
    full_name: str
    email: str
    password: str | None


@dataclass(frozen=True)
class DemoResult:
    """What `load_demo` did: `created` is False when the demo was already there."""

    created: bool
    project_id: UUID | None
    project_title: str
    accounts: list[DemoAccount]


def ensure_allowed(*, settings: Settings, force: bool) -> None:
    """Raise DemoRefused on PostgreSQL unless forced: demo data does not belong in production."""
    if not settings.embedded and not force:
        raise DemoRefused(
            "the database is PostgreSQL (COSEARCH_DATABASE_URL), and demo accounts do not belong in a "
            "real database. Use the embedded SQLite default, or pass --force if this database is a "
            "throwaway one."
        )


async def load_demo(*, settings: Settings, force: bool = False) -> DemoResult:
    """Load the demo project into the open database, unless it is already there.

    Raises:
        DemoRefused: the database is PostgreSQL and `force` is not set.
    """
    ensure_allowed(settings=settings, force=force)
    existing = await accounts.find_user_by_email(email=MARKER_EMAIL)
    if existing is not None:
        return await _already_loaded(existing)
    async with transaction():
        return await _load()


async def _already_loaded(lead_row: dict[str, Any]) -> DemoResult:
    lead = Principal(
        id=lead_row["id"],
        email=lead_row["email"],
        full_name=lead_row["full_name"],
        role=Role(lead_row["role"]),
        token_id=NO_TOKEN,
    )
    page = await projects.list_projects(principal=lead, filters=projects_schemas.ProjectFilters(limit=200))
    project_id = next((p.id for p in page.items if p.title == TITLE), None)
    return DemoResult(
        created=False,
        project_id=project_id,
        project_title=TITLE,
        accounts=[DemoAccount(p.label, p.full_name, p.email, None) for p in PEOPLE],
    )


async def _load() -> DemoResult:
    today = records.today()
    people: dict[str, Principal] = {}
    created: list[DemoAccount] = []
    for person in PEOPLE:
        password = secrets.token_urlsafe(12)
        user = await accounts.create_user_from_cli(
            email=person.email, full_name=person.full_name, role=person.role, password=password
        )
        people[person.key] = Principal(
            id=user.id, email=user.email, full_name=user.full_name, role=user.role, token_id=NO_TOKEN
        )
        created.append(DemoAccount(person.label, person.full_name, user.email, password))
    lead = people["lead"]
    project = await projects.create_project(
        principal=lead,
        data=projects_schemas.ProjectCreate(
            title=TITLE,
            summary=SUMMARY,
            funder="Helse Sør-Øst RHF",
            grant_reference="HSØ-2026-1047",
            ethics_reference="REK 2025/731942",
            starts_on=today - timedelta(days=300),
            ends_on=today + timedelta(days=800),
            involvement_budget_ore=180_000_00,
        ),
    )
    for person in PEOPLE:
        if person.member_role not in (None, MemberRole.lead):
            await projects.put_member(
                principal=lead,
                project_id=project.id,
                user_id=people[person.key].id,
                data=projects_schemas.MemberPut(role=person.member_role),
            )
    for phase, (level, status, notes) in PHASE_PLAN.items():
        await projects.update_phase(
            principal=lead,
            project_id=project.id,
            phase=phase.value,
            data=projects_schemas.ProjectPhaseUpdate(planned_level=level, status=status, notes=notes),
        )
    await projects.update_project(
        principal=lead,
        project_id=project.id,
        data=projects_schemas.ProjectUpdate(status=ProjectStatus.active),
    )
    # The agreement first: meeting attendance then records Åse's time, as it would in real use.
    await _add_agreement(lead, project.id, people, today)
    meeting_ids = await _add_meetings(lead, project.id, people, today)
    await _add_time_and_training(lead, project.id, people, today)
    await _add_tasks(lead, project.id, people, today)
    await _add_activities(lead, project.id, people, today, meeting_ids)
    await _add_evaluations(lead, project.id, people, today)
    return DemoResult(created=True, project_id=project.id, project_title=TITLE, accounts=created)


def _oslo() -> tzinfo:
    try:
        return ZoneInfo("Europe/Oslo")
    except ZoneInfoNotFoundError:  # an image without time-zone data: winter time will do
        return timezone(timedelta(hours=1))


async def _add_meetings(
    lead: Principal, project_id: UUID, people: dict[str, Principal], today: date
) -> dict[str, UUID]:
    """The meetings with their attendance; returns their ids by title."""
    oslo = _oslo()
    plans: list[tuple[work.MeetingCreate, dict[str, AttendanceMode | None]]] = [
        (
            work.MeetingCreate(
                title="Oppstartsmøte for forskningsgruppen",
                phase=Phase.topic,
                starts_at=datetime.combine(today - timedelta(days=280), time(10), tzinfo=oslo),
                ends_at=datetime.combine(today - timedelta(days=280), time(14), tzinfo=oslo),
                location="Møterom Tyrifjord, Klinikk psykisk helse og rus",
                break_minutes=30,
                agenda=(
                    "1. Velkommen og presentasjonsrunde\n"
                    "2. Roller, mandat og taushetserklæring\n"
                    "3. Honorar, reiseutgifter og timeføring\n"
                    "4. Hva er viktigst å forske på? Innspill fra medforskerne\n"
                    "5. Møteplan og når sakspapirene sendes ut"
                ),
            ),
            {
                "ase": AttendanceMode.in_person,
                "oystein": AttendanceMode.in_person,
                "siv": AttendanceMode.remote,
            },
        ),
        (
            work.MeetingCreate(
                title="Oppsummering etter første intervjurunde",
                phase=Phase.data_collection,
                starts_at=datetime.combine(today - timedelta(days=30), time(12), tzinfo=oslo),
                ends_at=datetime.combine(today - timedelta(days=30), time(15), tzinfo=oslo),
                location="Møterom Tyrifjord og Teams",
                break_minutes=15,
                agenda=(
                    "1. Hvordan opplevdes det å intervjue?\n"
                    "2. Hva overrasket oss i svarene?\n"
                    "3. Trenger intervjuguiden justeringer?\n"
                    "4. Plan for neste runde"
                ),
            ),
            {"ase": AttendanceMode.in_person, "oystein": None, "siv": AttendanceMode.remote},
        ),
    ]
    ids: dict[str, UUID] = {}
    for data, attendance in plans:
        meeting = await meetings.create_meeting(principal=lead, project_id=project_id, data=data)
        ids[meeting.title] = meeting.id
        for key, mode in attendance.items():
            await meetings.put_attendance(
                principal=lead,
                meeting_id=meeting.id,
                user_id=people[key].id,
                data=work.AttendancePut(attended=mode is not None, mode=mode),
            )
    return ids


async def _add_time_and_training(
    lead: Principal, project_id: UUID, people: dict[str, Principal], today: date
) -> None:
    """Åse's work beside the meetings, and the training the project gave her (her certificate
    of participation shows both)."""
    ase = people["ase"]
    for days_ago, minutes, description in (
        (200, 120, "Gjennomgang av utkast til intervjuguide, med skriftlige kommentarer"),
        (60, 90, "Forberedelse til bruker-spør-bruker-intervjuer"),
        (45, 150, "To bruker-spør-bruker-intervjuer sammen med forsker"),
    ):
        await time_entries.create_time_entry(
            principal=lead,
            project_id=project_id,
            data=payments_schemas.TimeEntryCreate(
                coresearcher_id=ase.id,
                worked_on=today - timedelta(days=days_ago),
                minutes=minutes,
                description=description,
            ),
        )
    for days_ago, minutes, title, provider in (
        (270, 180, "Innføring i medforskning og forskningsetikk", "Forskningsavdelingen"),
        (250, 240, "Intervjuteknikk: bruker spør bruker", "Mental Helse"),
    ):
        await training.record_training(
            principal=lead,
            coresearcher_id=ase.id,
            data=coresearchers_schemas.TrainingCreate(
                title=title,
                completed_on=today - timedelta(days=days_ago),
                minutes=minutes,
                provider=provider,
                project_id=project_id,
            ),
        )


async def _add_agreement(
    lead: Principal, project_id: UUID, people: dict[str, Principal], today: date
) -> None:
    """Åse's agreement: accepted, then changed (papers ten days ahead) and accepted again."""
    ase = people["ase"]
    data = agreements_schemas.AgreementCreate(
        coresearcher_id=ase.id,
        contact_person_id=people["researcher"].id,
        role_title="Medforsker og intervjuer",
        mandate=(
            "Være med på å velge forskningsspørsmål, utforme intervjuguiden og tolke funnene, og "
            "gjennomføre bruker-spør-bruker-intervjuer sammen med en forsker."
        ),
        phases=[Phase.topic, Phase.design, Phase.data_collection, Phase.analysis],
        starts_on=today - timedelta(days=290),
        ends_on=today + timedelta(days=800),
        expected_hours=60,
        pay_terms=(
            "Honorar etter helseforetakets sats per time, rundet til nærmeste halve time; minst én "
            "time for møter med oppmøte. Reise dekkes etter billigste reisemåte, og tapt "
            "arbeidsinntekt mot dokumentasjon."
        ),
        papers_days_ahead=7,
        meeting_terms=(
            "Møtene holdes på dagtid i Møterom Tyrifjord, med mulighet for å delta på Teams. Møtene "
            "varer høyst tre timer, med pause minst hver time."
        ),
    )
    agreement = await agreements.create_agreement(principal=lead, project_id=project_id, data=data)
    step = agreements_schemas.AgreementStep()
    await agreement_moves.send_agreement(principal=lead, agreement_id=agreement.id, data=step)
    await agreement_moves.accept_agreement(principal=ase, agreement_id=agreement.id, data=step)
    await agreements.update_agreement(
        principal=lead,
        agreement_id=agreement.id,
        data=agreements_schemas.AgreementUpdate(papers_days_ahead=10),
    )
    await agreement_moves.accept_agreement(principal=ase, agreement_id=agreement.id, data=step)


async def _add_tasks(lead: Principal, project_id: UUID, people: dict[str, Principal], today: date) -> None:
    for due_in_days, keys, status, fields in TASKS:
        task = await tasks.create_task(
            principal=lead,
            project_id=project_id,
            data=work.TaskCreate(
                **fields,
                assignee_ids=[people[key].id for key in keys],
                due_on=today + timedelta(days=due_in_days),
            ),
        )
        if status != TaskStatus.todo:
            await tasks.update_task(principal=lead, task_id=task.id, data=work.TaskUpdate(status=status))


async def _add_activities(
    lead: Principal, project_id: UUID, people: dict[str, Principal], today: date, meeting_ids: dict[str, UUID]
) -> None:
    for days_ago, keys, fields in ACTIVITIES:
        title = RECORDS_MEETING.get(days_ago)
        await activities.create_activity(
            principal=lead,
            project_id=project_id,
            data=involvement.ActivityCreate(
                **fields,
                occurred_on=today - timedelta(days=days_ago),
                participant_ids=[people[key].id for key in keys],
                meeting_id=None if title is None else meeting_ids[title],
            ),
        )


async def _add_evaluations(
    lead: Principal, project_id: UUID, people: dict[str, Principal], today: date
) -> None:
    """A closed round every co-researcher answered (its results are shown) and a new open one."""
    spring = await evaluations.open_round(
        principal=lead,
        project_id=project_id,
        data=involvement.EvaluationRoundCreate(title="Evaluering etter analyseverkstedene"),
    )
    for key, (voice, contribute, agenda, change, comment) in EVALUATIONS.items():
        await evaluations.answer_round(
            principal=people[key],
            round_id=spring.id,
            data=involvement.EvaluationAnswerCreate(
                voice=voice, contribute=contribute, agenda=agenda, change=change, comment=comment
            ),
        )
    await evaluations.close_round(principal=lead, round_id=spring.id)
    await evaluations.open_round(
        principal=lead,
        project_id=project_id,
        data=involvement.EvaluationRoundCreate(
            title="Evaluering etter formidlingsmøtet", closes_on=today + timedelta(days=21)
        ),
    )


def render(result: DemoResult) -> str:
    """The command's report: the accounts, how to sign in and where the API docs are."""
    lines = []
    if result.created:
        lines.append(f"Demo project loaded: {result.project_title}")
    else:
        lines.append(f"The demo project is already loaded; nothing was changed: {result.project_title}")
    if result.project_id is not None:
        lines.append(f"  project id: {result.project_id}")
    lines.append("")
    if result.created:
        lines.append("Demo accounts (the passwords are shown only this once):")
    else:
        lines.append("Demo accounts (their passwords were shown when the demo was loaded):")
    for account in result.accounts:
        who = f"  {account.label:<27} {account.full_name:<19} {account.email:<30}"
        lines.append(f"{who} {account.password}" if account.password else who.rstrip())
    lines += [
        "",
        "To try it: start the service with `coresearch serve`, open http://127.0.0.1:8000/schema",
        'for the API docs, and sign in with POST /api/v1/auth/login {"email": ..., "password": ...};',
        "send the access_token as `Authorization: Bearer <token>`.",
    ]
    return "\n".join(lines)
