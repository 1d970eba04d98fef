"""The certificate of participation (attest): what a co-researcher did in one project, confirmed
by a lead, as a PDF in bokmål or English.

Only the person themselves and the project's leads get it. Anyone else who sees the person (the
project's researchers, oversight) gets 403, and everyone else 404, as for every other record about
a person (`coresearchers/access.py`). The content is read through each area's service in a fixed
number of queries, whatever the person's history (counts per phase are aggregated in SQL):

- period: the person's agreements in the project that were accepted (earliest start to latest
  end, a terminated agreement ending on the day it was terminated; still running while one is
  active); without one, from the day the membership began;
- role: the role title of the latest of those agreements, else "co-researcher";
- contributions per phase: activities they are a confirmed participant of (by kind), meetings
  attended that have started, and done tasks they are assigned to;
- training: courses paid by this project or by no project;
- hours: the sum of their time entries in the project as recorded (by hand, from attendance and
  for paid training), before the rate rules round anything for pay;
- confirmed by the lead who downloads it, or, when the person downloads it, the project's
  longest-standing lead.
Issuing is audited (`certificate.issue`, with the project, language and minutes).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.agreements import service as agreements
from coresearch.domain.agreements.schemas import Agreement
from coresearch.domain.agreements.tables import AgreementStatus
from coresearch.domain.audit import service as audit
from coresearch.domain.certificates import schemas as s
from coresearch.domain.certificates.wording import (
    COLUMNS,
    PHASES,
    TRAINING_COLUMNS,
    counted,
    day,
    duration,
    text,
)
from coresearch.domain.coresearchers import training
from coresearch.domain.coresearchers.access import Relation, standing
from coresearch.domain.coresearchers.schemas import Training
from coresearch.domain.involvement import activities
from coresearch.domain.involvement.schemas import ContributionCount
from coresearch.domain.involvement.tables import ActivityKind
from coresearch.domain.payments import time_entries
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.access import project_access
from coresearch.domain.projects.schemas import Member, Project
from coresearch.domain.projects.tables import MemberRole, Phase
from coresearch.domain.work import meetings, tasks
from coresearch.domain.work.schemas import PhaseCount
from coresearch.lib import pdf
from coresearch.lib.db import transaction
from coresearch.lib.problems import Forbidden, NotFound
from coresearch.lib.records import today

TEMPLATE = "certificate.typ"


async def _authorize(*, principal: Principal, project_id: UUID, coresearcher_id: UUID) -> bool:
    """Check the caller may have the person's certificate in the project; True when the caller
    is one of its leads (and so confirms it).

    Raises:
        NotFound: the caller may not see the person, or the person is not a co-researcher member
            of the project (the person asking about a project they are not in).
        Forbidden: the caller sees the person but is neither them nor a lead of the project.
    """
    place = await standing(principal=principal, coresearcher_id=coresearcher_id)
    if place.relation == Relation.self:
        access = await project_access(principal=principal, project_id=project_id)
        if access.member_role != MemberRole.co_researcher:
            raise NotFound("No such co-researcher in this project")
        return False
    role_here = place.projects.get(project_id)
    if role_here == MemberRole.lead:
        return True
    if role_here == MemberRole.researcher or place.relation == Relation.oversight:
        raise Forbidden("Only the person and the project's leads may have the certificate")
    raise NotFound("No such co-researcher in this project")


def _agreement_end(agreement: Agreement) -> date:
    if agreement.terminated_at is not None:
        return min(agreement.ends_on, agreement.terminated_at.date())
    return agreement.ends_on


def _period(lang: s.Language, accepted: list[Agreement], joined: date) -> tuple[str, str]:
    """The period as the opening sentence and the facts table say it."""
    if not accepted:
        start = day(lang, joined)
        return text(lang, "period_open", start=start), text(lang, "fact_open", start=start)
    start = day(lang, min(a.starts_on for a in accepted))
    if any(a.status == AgreementStatus.active for a in accepted):
        return text(lang, "period_open", start=start), text(lang, "fact_open", start=start)
    end = day(lang, max(_agreement_end(a) for a in accepted))
    return text(lang, "period_closed", start=start, end=end), text(lang, "fact_closed", start=start, end=end)


def _phase_rows(
    lang: s.Language,
    contributions: list[ContributionCount],
    attended: list[PhaseCount],
    done: list[PhaseCount],
) -> list[s.PhaseRow]:
    """One row per phase with anything recorded, in research order."""
    kinds: dict[Phase, dict[ActivityKind, int]] = defaultdict(dict)
    for c in contributions:
        kinds[c.phase][c.kind] = c.activities
    meetings_in = {m.phase: m.count for m in attended}
    tasks_in = {t.phase: t.count for t in done}
    none = text(lang, "none")
    return [
        s.PhaseRow(
            phase=PHASES[lang][phase],
            activities=counted(lang, kinds.get(phase, {})),
            meetings=str(meetings_in[phase]) if phase in meetings_in else none,
            tasks=str(tasks_in[phase]) if phase in tasks_in else none,
        )
        for phase in Phase
        if phase in kinds or phase in meetings_in or phase in tasks_in
    ]


def _training_rows(lang: s.Language, courses: list[Training]) -> list[s.TrainingRow]:
    return [
        s.TrainingRow(
            title=course.title,
            completed_on=day(lang, course.completed_on),
            duration=duration(lang, course.minutes),
            provider=course.provider or text(lang, "none"),
        )
        for course in courses
    ]


def _filename(lang: s.Language, name: str) -> str:
    """The download name, æøå kept (the header carries an ASCII fallback too)."""
    safe = "".join("-" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in name).strip() or "-"
    return text(lang, "filename", name=safe)


def _document(
    *,
    lang: s.Language,
    project: Project,
    person: Member,
    signer: str,
    accepted: list[Agreement],
    phases: list[s.PhaseRow],
    courses: list[s.TrainingRow],
    minutes: int,
    issued_on: date,
) -> s.CertificateDocument:
    """What the template prints, every sentence already in `lang`."""
    sentence, fact = _period(lang, accepted, person.joined_at.date())
    name = person.full_name
    issued = day(lang, issued_on)
    hours = duration(lang, minutes)
    role = accepted[-1].role_title if accepted else text(lang, "default_role")
    funder = text(lang, "grant", funder=project.funder, grant=project.grant_reference)
    return s.CertificateDocument(
        lang=lang.value,
        title=text(lang, "title"),
        person=name,
        intro=text(lang, "intro", name=name, title=project.title, period=sentence),
        about_role=text(lang, "about_role"),
        facts=[
            (text(lang, "project"), project.title),
            (text(lang, "funder"), funder),
            (text(lang, "role"), role),
            (text(lang, "period"), fact),
            (text(lang, "total"), hours),
        ],
        contributions_heading=text(lang, "contributions"),
        columns=COLUMNS[lang],
        phases=phases,
        no_contributions=text(lang, "no_contributions"),
        training_heading=text(lang, "training"),
        training_columns=TRAINING_COLUMNS[lang],
        training=courses,
        no_training=text(lang, "no_training"),
        hours_heading=text(lang, "hours_heading"),
        hours=text(lang, "hours", name=name, hours=hours) if minutes else text(lang, "no_hours"),
        hours_note=text(lang, "hours_note"),
        closing=text(lang, "closing"),
        issued=text(lang, "issued", date=issued),
        signature_name=signer,
        signature_role=text(lang, "lead"),
        confirmed_by=text(lang, "confirmed_by", lead=signer, date=issued),
        footer=text(lang, "footer", name=name),
    )


async def issue_certificate(
    *, principal: Principal, project_id: UUID, coresearcher_id: UUID, lang: s.Language
) -> s.Certificate:
    """The person's certificate of participation in the project as a PDF (the person and the
    project's leads); issuing it is audited."""
    caller_leads = await _authorize(
        principal=principal, project_id=project_id, coresearcher_id=coresearcher_id
    )
    project = await projects.get_project(principal=principal, project_id=project_id)
    members = await projects.leads_and_member(project_id=project_id, user_id=coresearcher_id)
    person = next((m for m in members if m.user_id == coresearcher_id), None)
    if person is None or person.role != MemberRole.co_researcher:
        raise NotFound("No such co-researcher in this project")
    leads = [m.full_name for m in members if m.role == MemberRole.lead]
    signer = principal.full_name if caller_leads else (leads[0] if leads else "")
    accepted = await agreements.accepted_agreements(project_id=project_id, coresearcher_id=coresearcher_id)
    phases = _phase_rows(
        lang,
        await activities.contributions_of(project_id=project_id, user_id=coresearcher_id),
        await meetings.attended_by(project_id=project_id, user_id=coresearcher_id),
        await tasks.done_by(project_id=project_id, user_id=coresearcher_id),
    )
    courses = await training.training_for_project(coresearcher_id=coresearcher_id, project_id=project_id)
    minutes = await time_entries.minutes_worked(project_id=project_id, coresearcher_id=coresearcher_id)
    document = _document(
        lang=lang,
        project=project,
        person=person,
        signer=signer,
        accepted=accepted,
        phases=phases,
        courses=_training_rows(lang, courses),
        minutes=minutes,
        issued_on=today(),
    )
    rendered = await pdf.render(TEMPLATE, document)
    async with transaction():
        await audit.record(
            actor=actor_of(principal),
            action="certificate.issue",
            entity="coresearcher",
            entity_id=coresearcher_id,
            after={"project_id": str(project_id), "lang": lang.value, "minutes": minutes},
        )
    return s.Certificate(filename=_filename(lang, person.full_name), pdf=rendered, minutes=minutes)
