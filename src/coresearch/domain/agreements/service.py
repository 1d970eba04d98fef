"""Agreements with co-researchers: drafted and changed by the project's leads, seen by the leads
and by the co-researcher each is with (anyone else: 404).

A draft, and a version not yet accepted, change in place. A change to the version in force makes
the next version, which the co-researcher must accept again; the accepted texts stay as they
were (`agreement_versions`). The moves (send, accept, terminate) live in `lifecycle`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from piccolo.columns import Column

from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.agreements import schemas as s
from coresearch.domain.agreements.render import AgreementTerms, render_agreement
from coresearch.domain.agreements.tables import Agreement, AgreementStatus, AgreementVersion
from coresearch.domain.audit import service as audit
from coresearch.domain.payments import service as payments
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.access import LEAD_ONLY, STAFF, ProjectAccess, project_access
from coresearch.domain.projects.tables import MemberRole, Phase
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, keyset, page_of
from coresearch.lib.problems import Conflict, Forbidden, NotFound, Unprocessable
from coresearch.lib.records import locked, now, set_fields, today

# The terms: what the text says and a PATCH may change (column names).
TERMS = (
    "role_title",
    "mandate",
    "phases",
    "starts_on",
    "ends_on",
    "rate_table_id",
    "expected_hours",
    "pay_terms",
    "confidentiality",
    "papers_days_ahead",
    "meeting_terms",
    "contact_person",
    "certificate_promised",
    "references_offered",
)
# Stored as integers by SQLite.
FLAGS = ("confidentiality", "certificate_promised", "references_offered")
CLOSED = frozenset({AgreementStatus.ended, AgreementStatus.terminated})


def effective_status(row: dict[str, Any]) -> AgreementStatus:
    """The stored status, except that an active agreement past its `ends_on` has ended."""
    status = AgreementStatus(row["status"])
    if status == AgreementStatus.active and row["ends_on"] < today():
        return AgreementStatus.ended
    return status


def awaiting_acceptance(row: dict[str, Any]) -> bool:
    """True while the latest version waits for the co-researcher."""
    status = effective_status(row)
    return status == AgreementStatus.sent or (
        status == AgreementStatus.active and row["accepted_version"] != row["version"]
    )


def phase_values(phases: list[Phase]) -> list[str]:
    """The phases without repeats, in research order."""
    wanted = set(phases)
    return [phase.value for phase in Phase if phase in wanted]


def to_agreement(row: dict[str, Any]) -> s.Agreement:
    """An agreement row as lists show it."""
    return msgspec.convert(
        {
            **row,
            "project_id": row["project"],
            "coresearcher_id": row["coresearcher"],
            "contact_person_id": row["contact_person"],
            "status": effective_status(row),
            "awaiting_acceptance": awaiting_acceptance(row),
            **{name: bool(row[name]) for name in FLAGS},
        },
        s.Agreement,
    )


def audited(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of an agreement."""
    return {
        **{name: row[name] for name in TERMS},
        "coresearcher_id": row["coresearcher"],
        "status": row["status"],
        "version": row["version"],
        "accepted_version": row["accepted_version"],
    }


async def render_text(*, principal: Principal, row: dict[str, Any]) -> str:
    """The text of the agreement's current version, with today's names of the people it names."""
    project = await projects.get_project(principal=principal, project_id=row["project"])
    coresearcher = await accounts.get_user(user_id=row["coresearcher"])
    contact = await accounts.get_user(user_id=row["contact_person"]) if row["contact_person"] else None
    return render_agreement(
        AgreementTerms(
            version=row["version"],
            project_title=project.title,
            coresearcher_name=coresearcher.full_name,
            role_title=row["role_title"],
            mandate=row["mandate"],
            phases=tuple(Phase(value) for value in row["phases"]),
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            expected_hours=row["expected_hours"],
            pay_terms=row["pay_terms"],
            confidentiality=bool(row["confidentiality"]),
            papers_days_ahead=row["papers_days_ahead"],
            meeting_terms=row["meeting_terms"],
            contact_name=contact.full_name if contact else None,
            contact_email=contact.email if contact else None,
            certificate_promised=bool(row["certificate_promised"]),
            references_offered=bool(row["references_offered"]),
        )
    )


async def detail(*, principal: Principal, row: dict[str, Any]) -> s.AgreementDetail:
    """The agreement with its current text, the text in force and every accepted version."""
    versions = [
        s.AgreementVersion(
            version=v["version"],
            accepted_text=v["text"],
            accepted_at=v["accepted_at"],
            accepted_by=v["accepted_by"],
        )
        for v in await AgreementVersion.select()
        .where(AgreementVersion.agreement == row["id"])
        .order_by(AgreementVersion.version)
    ]
    in_force = next((v for v in versions if v.version == row["accepted_version"]), None)
    return s.AgreementDetail(
        **msgspec.structs.asdict(to_agreement(row)),
        text=await render_text(principal=principal, row=row),
        accepted_text=in_force.accepted_text if in_force else None,
        accepted_at=in_force.accepted_at if in_force else None,
        versions=versions,
    )


async def agreement_in_reach(
    *, principal: Principal, agreement_id: UUID, lock: bool = False
) -> tuple[dict[str, Any], ProjectAccess]:
    """The agreement and the caller's access to its project; 404 unless the caller is one of the
    project's leads (or oversight) or the co-researcher the agreement is with."""
    query = Agreement.select().where(Agreement.id == agreement_id)
    row = await (locked(query) if lock else query).first()
    if row is None:
        raise NotFound("No such agreement")
    try:
        access = await project_access(principal=principal, project_id=row["project"])
    except NotFound:
        raise NotFound("No such agreement") from None
    if access.acting_role != MemberRole.lead and row["coresearcher"] != principal.id:
        raise NotFound("No such agreement")
    return row, access


async def reload(agreement_id: UUID) -> dict[str, Any]:
    """The agreement's row as the caller's transaction now sees it (the caller inserted or locked it)."""
    row = await Agreement.select().where(Agreement.id == agreement_id).first()
    if row is None:
        raise NotFound("No such agreement")
    return row


def require_lead(access: ProjectAccess) -> None:
    """403 unless the caller acts as the project's lead."""
    if access.acting_role != MemberRole.lead:
        raise Forbidden("Only the project's leads change agreements")


def check_revision(row: dict[str, Any], revision: int | None) -> None:
    """409 when the client acted on an earlier state of the agreement than the stored one."""
    if revision is not None and revision != row["revision"]:
        raise Conflict(
            f"The agreement has changed since revision {revision}; read it again",
            extra={"revision": row["revision"]},
        )


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise Unprocessable(
            "An agreement cannot end before it starts",
            errors=[{"field": "ends_on", "message": "must not be before starts_on"}],
        )


async def _check_people(
    *, principal: Principal, project_id: UUID, coresearcher_id: UUID | None, contact_person_id: UUID | None
) -> None:
    """422 unless the co-researcher is a co-researcher member and the contact person is staff."""
    roles = {
        m.user_id: m.role for m in await projects.list_members(principal=principal, project_id=project_id)
    }
    if coresearcher_id is not None and roles.get(coresearcher_id) != MemberRole.co_researcher:
        raise Unprocessable(
            "An agreement is made with a co-researcher member of the project",
            errors=[{"field": "coresearcher_id", "message": "not a co-researcher member of this project"}],
        )
    if contact_person_id is not None and roles.get(contact_person_id) not in STAFF:
        raise Unprocessable(
            "The contact person must be a lead or researcher member of the project",
            errors=[
                {"field": "contact_person_id", "message": "not a lead or researcher member of this project"}
            ],
        )


async def create_agreement(
    *, principal: Principal, project_id: UUID, data: s.AgreementCreate
) -> s.AgreementDetail:
    """Draft an agreement (the project's leads)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    _check_period(data.starts_on, data.ends_on)
    async with transaction():
        await _check_people(
            principal=principal,
            project_id=project_id,
            coresearcher_id=data.coresearcher_id,
            contact_person_id=data.contact_person_id,
        )
        await payments.check_rate_table_id(data.rate_table_id)
        moment = now()
        agreement = Agreement(
            project=project_id,
            coresearcher=data.coresearcher_id,
            role_title=data.role_title,
            mandate=data.mandate,
            phases=phase_values(data.phases),
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            rate_table_id=data.rate_table_id,
            expected_hours=data.expected_hours,
            pay_terms=data.pay_terms,
            confidentiality=data.confidentiality,
            papers_days_ahead=data.papers_days_ahead,
            meeting_terms=data.meeting_terms,
            contact_person=data.contact_person_id,
            certificate_promised=data.certificate_promised,
            references_offered=data.references_offered,
            created_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        await Agreement.insert(agreement)
        row = await reload(agreement.id)
        await audit.record(
            actor=actor_of(principal),
            action="agreement.create",
            entity="agreement",
            entity_id=agreement.id,
            after={"project_id": project_id, **audited(row)},
        )
        return await detail(principal=principal, row=row)


async def project_of_agreement(*, principal: Principal, agreement_id: UUID) -> UUID:
    """The project of an agreement the caller may see; 404 otherwise."""
    row, _ = await agreement_in_reach(principal=principal, agreement_id=agreement_id)
    project_id: UUID = row["project"]
    return project_id


async def get_agreement(*, principal: Principal, agreement_id: UUID) -> s.AgreementDetail:
    """An agreement the caller may see, with its texts and accepted versions."""
    row, _ = await agreement_in_reach(principal=principal, agreement_id=agreement_id)
    return await detail(principal=principal, row=row)


async def list_agreements(
    *,
    principal: Principal,
    project_id: UUID,
    filters: s.AgreementFilters,
) -> Page[s.Agreement]:
    """A project's agreements, newest first: all for its leads, their own for a co-researcher."""
    status, coresearcher_id = filters.status, filters.coresearcher_id
    access = await project_access(principal=principal, project_id=project_id)
    if access.acting_role == MemberRole.researcher:
        raise Forbidden("Agreements are read by the project's leads and by the co-researcher each is with")
    query = Agreement.select().where(Agreement.project == project_id)
    if access.acting_role == MemberRole.co_researcher:
        query = query.where(Agreement.coresearcher == principal.id)
    if coresearcher_id is not None:
        query = query.where(Agreement.coresearcher == coresearcher_id)
    if status in (AgreementStatus.active, AgreementStatus.ended):
        running = Agreement.ends_on >= today()
        query = query.where(
            (Agreement.status == AgreementStatus.active.value)
            & (running if status == AgreementStatus.active else Agreement.ends_on < today())
        )
    elif status is not None:
        query = query.where(Agreement.status == status.value)
    query = keyset(
        query,
        filters.cursor,
        sort=Agreement.created_at,
        sort_type=datetime,
        id_column=Agreement.id,
        descending=True,
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="created_at", convert=to_agreement)


async def update_agreement(
    *, principal: Principal, agreement_id: UUID, data: s.AgreementUpdate
) -> s.AgreementDetail:
    """Change the terms (the project's leads); a change to the version in force makes a new version."""
    changes = set_fields(data)
    if "phases" in changes:
        changes["phases"] = phase_values(changes["phases"])
    if "contact_person_id" in changes:
        changes["contact_person"] = changes.pop("contact_person_id")
    async with transaction():
        before, access = await agreement_in_reach(principal=principal, agreement_id=agreement_id, lock=True)
        require_lead(access)
        status = effective_status(before)
        if status in CLOSED:
            raise Conflict(f"The agreement is {status.value} and can no longer be changed")
        changes = {name: value for name, value in changes.items() if before[name] != value}
        merged = {**before, **changes}
        _check_period(merged["starts_on"], merged["ends_on"])
        if "contact_person" in changes:
            await _check_people(
                principal=principal,
                project_id=before["project"],
                coresearcher_id=None,
                contact_person_id=changes["contact_person"],
            )
        if "rate_table_id" in changes:
            await payments.check_rate_table_id(changes["rate_table_id"])
        if not changes:
            return await detail(principal=principal, row=before)
        values: dict[Column | str, Any] = {"revision": before["revision"] + 1, "updated_at": now()}
        values.update(changes)
        if before["accepted_version"] == before["version"]:
            values["version"] = before["version"] + 1
        await Agreement.update(values).where(Agreement.id == agreement_id)
        after = await reload(agreement_id)
        await audit.record(
            actor=actor_of(principal),
            action="agreement.update",
            entity="agreement",
            entity_id=agreement_id,
            before=audited(before),
            after=audited(after),
        )
        return await detail(principal=principal, row=after)


async def active_on(*, project_id: UUID, coresearcher_id: UUID, day: date) -> bool:
    """True when the person has an accepted, unterminated agreement in the project covering `day`
    (what a time entry or expense needs; the payments area asks)."""
    query = Agreement.exists().where(
        (Agreement.project == project_id)
        & (Agreement.coresearcher == coresearcher_id)
        & (Agreement.status == AgreementStatus.active.value)
        & (Agreement.starts_on <= day)
        & (Agreement.ends_on >= day)
    )
    return bool(await query)


async def accepted_agreements(*, project_id: UUID, coresearcher_id: UUID) -> list[s.Agreement]:
    """The person's agreements in the project that were accepted at least once (active, ended or
    terminated since), earliest start first, in one query (the certificate of participation
    reads them; the caller has checked access)."""
    rows = await (
        Agreement.select()
        .where(
            (Agreement.project == project_id)
            & (Agreement.coresearcher == coresearcher_id)
            & Agreement.accepted_version.is_not_null()
        )
        .order_by(Agreement.starts_on)
        .order_by(Agreement.id)
    )
    return [to_agreement(row) for row in rows]


async def rate_table_on(*, project_id: UUID, coresearcher_id: UUID, day: date) -> UUID | None:
    """The rate table named by the person's active agreement in the project covering `day`, or
    None (no such agreement, or one without a rate table); what a claim prices the day by."""
    row = await (
        Agreement.select(Agreement.rate_table_id)
        .where(
            (Agreement.project == project_id)
            & (Agreement.coresearcher == coresearcher_id)
            & (Agreement.status == AgreementStatus.active.value)
            & (Agreement.starts_on <= day)
            & (Agreement.ends_on >= day)
            & Agreement.rate_table_id.is_not_null()
        )
        .first()
    )
    return None if row is None else UUID(str(row["rate_table_id"]))


async def papers_days_ahead(*, project_id: UUID, day: date) -> int | None:
    """The most days ahead of a meeting on `day` that the project's sent or active agreements
    covering it promise meeting papers (None: no agreement promises any); the notifications
    area's papers-ahead rule asks."""
    rows = await Agreement.select(Agreement.papers_days_ahead).where(
        (Agreement.project == project_id)
        & Agreement.status.is_in([AgreementStatus.sent.value, AgreementStatus.active.value])
        & (Agreement.starts_on <= day)
        & (Agreement.ends_on >= day)
    )
    return max((row["papers_days_ahead"] for row in rows), default=None)
