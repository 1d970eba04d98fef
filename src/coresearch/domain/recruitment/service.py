"""Recruitment: a project's openings and its candidates' pipeline, seen and changed only by the
project's leads (and oversight, acting as lead); anyone else gets 404 for a candidate.

A candidate moves identified → contacted → interviewed → offered → accepted, or to declined or
withdrawn from any open step; each move locks the candidate's row and is kept in
`candidate_moves`. Accepting makes the person a co-researcher (user with an invite, profile,
membership) in the transaction that records the move, so a failure leaves none of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from piccolo.query.functions.aggregate import Count

from coresearch.domain.accounts import service as accounts
from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.accounts.tables import Role
from coresearch.domain.audit import service as audit
from coresearch.domain.coresearchers import service as coresearchers
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.access import LEAD_ONLY, project_access
from coresearch.domain.projects.tables import MemberRole, Phase
from coresearch.domain.recruitment import schemas as s
from coresearch.domain.recruitment.tables import (
    Candidate,
    CandidateMove,
    CandidateSource,
    CandidateStatus,
    Opening,
)
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, keyset, page_of
from coresearch.lib.problems import Conflict, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one, set_fields

OPEN = (
    CandidateStatus.identified,
    CandidateStatus.contacted,
    CandidateStatus.interviewed,
    CandidateStatus.offered,
)
LEAVE = (CandidateStatus.declined, CandidateStatus.withdrawn)
# The moves from each status; `accepted` only through `accept_candidate`.
MOVES: dict[CandidateStatus, tuple[CandidateStatus, ...]] = {
    CandidateStatus.identified: (CandidateStatus.contacted, *LEAVE),
    CandidateStatus.contacted: (CandidateStatus.interviewed, *LEAVE),
    CandidateStatus.interviewed: (CandidateStatus.offered, *LEAVE),
    CandidateStatus.offered: (CandidateStatus.accepted, *LEAVE),
    CandidateStatus.accepted: (),
    CandidateStatus.declined: (),
    CandidateStatus.withdrawn: (),
}
AUDITED = ("status", "source", "opening")
PERSONAL = ("full_name", "email", "phone", "note")
# Stand-ins for the audit log: it shows that personal data changed, never the values.
BEFORE, AFTER = "previous value", "new value"


def to_opening(row: dict[str, Any]) -> s.Opening:
    """An opening row as the API shows it."""
    return msgspec.convert({**row, "project_id": row["project"]}, s.Opening)


def to_candidate(row: dict[str, Any]) -> s.Candidate:
    """A candidate row as the API shows it."""
    renamed = {"project_id": row["project"], "opening_id": row["opening"], "user_id": row["user"]}
    return msgspec.convert({**row, **renamed}, s.Candidate)


def refuse_move(current: CandidateStatus, wanted: CandidateStatus) -> Conflict:
    """409 naming the moves a candidate in `current` may make."""
    allowed = [status.value for status in MOVES[current]]
    named = ", ".join(allowed) if allowed else "none (the pipeline has ended)"
    return Conflict(
        f"A candidate who is {current.value} cannot move to {wanted.value}; allowed: {named}"
        + (
            " (accepted through POST /candidates/{id}/accept)"
            if CandidateStatus.accepted.value in allowed
            else ""
        ),
        extra={"status": current.value, "allowed": allowed},
    )


async def create_opening(*, principal: Principal, project_id: UUID, data: s.OpeningCreate) -> s.Opening:
    """Open a place for co-researchers (the project's leads)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    wanted = set(data.phases)
    async with transaction():
        moment = now()
        opening = Opening(
            project=project_id,
            title=data.title.strip(),
            description=data.description,
            experience_sought=data.experience_sought,
            phases=[phase.value for phase in Phase if phase in wanted],
            positions=data.positions,
            closes_on=data.closes_on,
            created_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        await Opening.insert(opening)
        row = await one(Opening.select().where(Opening.id == opening.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="opening.create",
            entity="opening",
            entity_id=opening.id,
            after={"project_id": project_id, "title": row["title"], "positions": row["positions"]},
        )
    return to_opening(row)


async def list_openings(
    *, principal: Principal, project_id: UUID, filters: s.OpeningFilters
) -> Page[s.Opening]:
    """A project's openings, newest first (the project's leads)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    query = keyset(
        Opening.select().where(Opening.project == project_id),
        filters.cursor,
        sort=Opening.created_at,
        sort_type=datetime,
        id_column=Opening.id,
        descending=True,
    )
    return page_of(
        await query.limit(filters.limit + 1), filters.limit, sort_key="created_at", convert=to_opening
    )


async def _check_opening(project_id: UUID, opening_id: UUID | None) -> None:
    if opening_id is not None and not await Opening.exists().where(
        (Opening.id == opening_id) & (Opening.project == project_id)
    ):
        raise Unprocessable(
            "The opening is not one of this project's",
            errors=[{"field": "opening_id", "message": "no such opening in this project"}],
        )


async def _check_email_free(project_id: UUID, email: str, candidate_id: UUID | None = None) -> None:
    query = Candidate.exists().where((Candidate.project == project_id) & (Candidate.email == email))
    if candidate_id is not None:
        query = query.where(Candidate.id != candidate_id)
    if await query:
        raise Conflict("This project already has a candidate with this e-mail")


async def _add_move(
    *,
    principal: Principal,
    candidate_id: UUID,
    before: CandidateStatus | None,
    after: CandidateStatus,
    note: str,
) -> None:
    await CandidateMove.insert(
        CandidateMove(
            candidate=candidate_id,
            from_status=before.value if before else None,
            to_status=after.value,
            note=note,
            moved_by=principal.id,
            moved_at=now(),
        )
    )


async def create_candidate(
    *, principal: Principal, project_id: UUID, data: s.CandidateCreate
) -> s.CandidateDetail:
    """Add a candidate, `identified` (the project's leads); an e-mail already in the project: 409."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    email = accounts.valid_email(data.email)
    async with transaction():
        await _check_opening(project_id, data.opening_id)
        await _check_email_free(project_id, email)
        moment = now()
        candidate = Candidate(
            project=project_id,
            opening=data.opening_id,
            full_name=data.full_name.strip(),
            email=email,
            phone=data.phone.strip(),
            source=data.source.value,
            note=data.note,
            created_by=principal.id,
            created_at=moment,
            updated_at=moment,
        )
        await Candidate.insert(candidate)
        await _add_move(
            principal=principal,
            candidate_id=candidate.id,
            before=None,
            after=CandidateStatus.identified,
            note="",
        )
        row = await one(Candidate.select().where(Candidate.id == candidate.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="candidate.create",
            entity="candidate",
            entity_id=candidate.id,
            after={"project_id": project_id, **{name: row[name] for name in AUDITED}},
        )
        return await detail(row)


async def candidate_in_reach(
    *, principal: Principal, candidate_id: UUID, lock: bool = False
) -> dict[str, Any]:
    """The candidate's row; 404 unless the caller acts as lead of the candidate's project."""
    query = Candidate.select().where(Candidate.id == candidate_id)
    row = await (locked(query) if lock else query).first()
    if row is None:
        raise NotFound("No such candidate")
    try:
        access = await project_access(principal=principal, project_id=row["project"])
    except NotFound:
        raise NotFound("No such candidate") from None
    if access.acting_role != MemberRole.lead:
        raise NotFound("No such candidate")
    return row


async def detail(row: dict[str, Any]) -> s.CandidateDetail:
    """The candidate with every move, oldest first."""
    moves = await (
        CandidateMove.select()
        .where(CandidateMove.candidate == row["id"])
        .order_by(CandidateMove.moved_at, CandidateMove.id)
    )
    history = [msgspec.convert(move, s.CandidateMove) for move in moves]
    # A first move and a second one within the clock's resolution keep their pipeline order.
    history.sort(key=lambda move: (move.moved_at, move.from_status is not None))
    return s.CandidateDetail(**msgspec.structs.asdict(to_candidate(row)), history=history)


async def get_candidate(*, principal: Principal, candidate_id: UUID) -> s.CandidateDetail:
    """A candidate with their history (the project's leads)."""
    return await detail(await candidate_in_reach(principal=principal, candidate_id=candidate_id))


async def list_candidates(
    *, principal: Principal, project_id: UUID, filters: s.CandidateFilters
) -> Page[s.Candidate]:
    """A project's candidates, newest first (the project's leads)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    query = Candidate.select().where(Candidate.project == project_id)
    if filters.status is not None:
        query = query.where(Candidate.status == filters.status.value)
    if filters.source is not None:
        query = query.where(Candidate.source == filters.source.value)
    if filters.opening_id is not None:
        query = query.where(Candidate.opening == filters.opening_id)
    query = keyset(
        query,
        filters.cursor,
        sort=Candidate.created_at,
        sort_type=datetime,
        id_column=Candidate.id,
        descending=True,
    )
    return page_of(
        await query.limit(filters.limit + 1), filters.limit, sort_key="created_at", convert=to_candidate
    )


async def source_counts(*, principal: Principal, project_id: UUID) -> list[s.SourceCount]:
    """Per channel: how many candidates it brought and where they are now (the project's leads)."""
    await project_access(principal=principal, project_id=project_id, allowed=LEAD_ONLY)
    rows = await (
        Candidate.select(Candidate.source, Candidate.status, Count(alias="count"))
        .where(Candidate.project == project_id)
        .group_by(Candidate.source, Candidate.status)
    )
    counts = {(row["source"], row["status"]): row["count"] for row in rows}

    def count(source: CandidateSource, *statuses: CandidateStatus) -> int:
        return sum(counts.get((source.value, status.value), 0) for status in statuses)

    return [
        s.SourceCount(
            source=source,
            total=count(source, *CandidateStatus),
            open=count(source, *OPEN),
            accepted=count(source, CandidateStatus.accepted),
            declined=count(source, CandidateStatus.declined),
            withdrawn=count(source, CandidateStatus.withdrawn),
        )
        for source in CandidateSource
    ]


async def update_candidate(
    *, principal: Principal, candidate_id: UUID, data: s.CandidateUpdate
) -> s.CandidateDetail:
    """Change a candidate's details or move them one step (the project's leads)."""
    changes = set_fields(data)
    note = changes.pop("status_note")
    if "opening_id" in changes:
        changes["opening"] = changes.pop("opening_id")
    if "email" in changes:
        changes["email"] = accounts.valid_email(changes["email"])
    for name in ("full_name", "phone"):
        if name in changes:
            changes[name] = changes[name].strip()
    async with transaction():
        before = await candidate_in_reach(principal=principal, candidate_id=candidate_id, lock=True)
        current, wanted = (
            CandidateStatus(before["status"]),
            CandidateStatus(changes.get("status", before["status"])),
        )
        if wanted != current and (wanted == CandidateStatus.accepted or wanted not in MOVES[current]):
            raise refuse_move(current, wanted)
        if changes.get("opening") not in (None, before["opening"]):
            await _check_opening(before["project"], changes["opening"])
        if changes.get("email", before["email"]) != before["email"]:
            await _check_email_free(before["project"], changes["email"], candidate_id)
        personal = [name for name in PERSONAL if name in changes and changes[name] != before[name]]
        after = await audit.update_audited(
            Candidate,
            before=before,
            changes=changes,
            actor=actor_of(principal),
            action="candidate.update",
            entity="candidate",
            fields=AUDITED,
            related=(dict.fromkeys(personal, BEFORE), dict.fromkeys(personal, AFTER)),
        )
        if wanted != current:
            await _add_move(
                principal=principal, candidate_id=candidate_id, before=current, after=wanted, note=note
            )
        return await detail(after)


async def accept_candidate(
    *, principal: Principal, candidate_id: UUID, data: s.CandidateAcceptance
) -> s.CandidateAccepted:
    """Accept an offered candidate (the project's leads): create the co-researcher's user with an
    invite, or link the co-researcher account with their e-mail, give them a profile and make
    them a co-researcher member, all in one transaction.

    Raises:
        Conflict: the candidate is not `offered` (also the loser of two accepts at once).
        Unprocessable: the e-mail belongs to an account that cannot be a co-researcher.
    """
    actor = actor_of(principal)
    async with transaction():
        before = await candidate_in_reach(principal=principal, candidate_id=candidate_id, lock=True)
        current = CandidateStatus(before["status"])
        if current != CandidateStatus.offered:
            raise refuse_move(current, CandidateStatus.accepted)
        # The move first: any failure below undoes it with everything else.
        await _add_move(
            principal=principal,
            candidate_id=candidate_id,
            before=current,
            after=CandidateStatus.accepted,
            note=data.note,
        )
        existing = await accounts.find_user_by_email(email=before["email"])
        created = None
        if existing is None:
            created = await accounts.add_user(
                actor=actor, email=before["email"], full_name=before["full_name"], role=Role.co_researcher
            )
            user_id = created.id
        elif existing["role"] != Role.co_researcher.value or not existing["is_active"]:
            raise Unprocessable(
                "The e-mail belongs to an account that cannot become a co-researcher",
                errors=[{"field": "email", "message": "belongs to an inactive or non-co-researcher account"}],
            )
        else:
            user_id = existing["id"]
        profile_id = await coresearchers.ensure_profile(user_id=user_id, actor=actor)
        await projects.join_as_coresearcher(actor=actor, project_id=before["project"], user_id=user_id)
        after = await audit.update_audited(
            Candidate,
            before=before,
            changes={"status": CandidateStatus.accepted.value, "user": user_id},
            actor=actor,
            action="candidate.accept",
            entity="candidate",
            fields=(*AUDITED, "user"),
        )
        shown = await detail(after)
    return s.CandidateAccepted(
        **msgspec.structs.asdict(shown),
        profile_id=profile_id,
        user_created=created is not None,
        invite_token=created.invite_token if created else None,
        invite_expires_at=created.invite_expires_at if created else None,
    )
