"""The moves of an agreement: draft → sent (lead) → active (the co-researcher accepts) → ended
(its period is over) or terminated (lead, with a reason).

Each move locks the agreement's row first, so of two moves racing on one agreement the second
sees the first one's result: a second acceptance of the same version, or an acceptance after a
termination, answers 409. A client that passes the `revision` it read gets 409 too when anything
changed in between, so nobody accepts or terminates a state they have not seen.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.agreements import schemas as s
from coresearch.domain.agreements.service import (
    CLOSED,
    agreement_in_reach,
    awaiting_acceptance,
    check_revision,
    detail,
    effective_status,
    reload,
    render_text,
    require_lead,
)
from coresearch.domain.agreements.tables import Agreement, AgreementStatus, AgreementVersion
from coresearch.domain.audit import service as audit
from coresearch.domain.audit.service import Actor
from coresearch.domain.notifications import events as notices
from coresearch.lib.db import transaction
from coresearch.lib.problems import BadRequest, Conflict, Forbidden
from coresearch.lib.records import locked, now, today

# The termination reason a co-researcher's withdrawal from the project gives.
WITHDREW = "withdrew"


async def send_agreement(
    *, principal: Principal, agreement_id: UUID, data: s.AgreementStep
) -> s.AgreementDetail:
    """Send a draft to its co-researcher for acceptance (the project's leads)."""
    async with transaction():
        row, access = await agreement_in_reach(principal=principal, agreement_id=agreement_id, lock=True)
        require_lead(access)
        check_revision(row, data.revision)
        status = effective_status(row)
        if status != AgreementStatus.draft:
            raise Conflict(f"Only a draft can be sent; this agreement is {status.value}")
        await Agreement.update(
            {
                Agreement.status: AgreementStatus.sent.value,
                Agreement.sent_at: now(),
                Agreement.revision: row["revision"] + 1,
                Agreement.updated_at: now(),
            }
        ).where(Agreement.id == agreement_id)
        await audit.record(
            actor=actor_of(principal),
            action="agreement.send",
            entity="agreement",
            entity_id=agreement_id,
            before={"status": row["status"]},
            after={"status": AgreementStatus.sent.value},
        )
        after = await reload(agreement_id)
        await notices.agreement_sent(agreement=after, actor_id=principal.id)
        return await detail(principal=principal, row=after)


async def accept_agreement(
    *, principal: Principal, agreement_id: UUID, data: s.AgreementStep
) -> s.AgreementDetail:
    """Accept the latest version (only the co-researcher the agreement is with).

    The text accepted is rendered and stored with the time, in the same transaction; it never
    changes afterwards.
    """
    async with transaction():
        row, _ = await agreement_in_reach(principal=principal, agreement_id=agreement_id, lock=True)
        if row["coresearcher"] != principal.id:
            raise Forbidden("Only the co-researcher the agreement is with can accept it")
        check_revision(row, data.revision)
        status = effective_status(row)
        if not awaiting_acceptance(row):
            if status == AgreementStatus.active:
                raise Conflict(f"Version {row['version']} is already accepted")
            raise Conflict(f"The agreement is {status.value}; only a sent agreement can be accepted")
        if row["ends_on"] < today():
            raise Conflict("The agreement's period is over; it can no longer be accepted")
        text = await render_text(principal=principal, row=row)
        moment = now()
        await AgreementVersion.insert(
            AgreementVersion(
                agreement=agreement_id,
                version=row["version"],
                text=text,
                accepted_at=moment,
                accepted_by=principal.id,
            )
        )
        await Agreement.update(
            {
                Agreement.status: AgreementStatus.active.value,
                Agreement.accepted_version: row["version"],
                Agreement.revision: row["revision"] + 1,
                Agreement.updated_at: moment,
            }
        ).where(Agreement.id == agreement_id)
        await audit.record(
            actor=actor_of(principal),
            action="agreement.accept",
            entity="agreement",
            entity_id=agreement_id,
            before={"status": row["status"], "accepted_version": row["accepted_version"]},
            after={
                "status": AgreementStatus.active.value,
                "accepted_version": row["version"],
                # The text names people; the log keeps its digest, which proves which text it was.
                "accepted_text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
        after = await reload(agreement_id)
        return await detail(principal=principal, row=after)


async def terminate_agreement(
    *, principal: Principal, agreement_id: UUID, data: s.AgreementTermination
) -> s.AgreementDetail:
    """End a draft, sent or active agreement early, with a reason (the project's leads)."""
    reason = data.reason.strip()
    if not reason:
        raise BadRequest("Give a reason", errors=[{"field": "reason", "message": "must not be blank"}])
    async with transaction():
        row, access = await agreement_in_reach(principal=principal, agreement_id=agreement_id, lock=True)
        require_lead(access)
        check_revision(row, data.revision)
        status = effective_status(row)
        if status in CLOSED:
            raise Conflict(f"The agreement is already {status.value}")
        await _terminate(row, actor=actor_of(principal), reason=reason)
        after = await reload(agreement_id)
        return await detail(principal=principal, row=after)


async def _terminate(row: dict[str, Any], *, actor: Actor, reason: str) -> None:
    """Terminate the locked agreement `row` with a reason, audited (the caller's transaction)."""
    moment = now()
    await Agreement.update(
        {
            Agreement.status: AgreementStatus.terminated.value,
            Agreement.terminated_at: moment,
            Agreement.terminated_by: actor.id,
            Agreement.termination_reason: reason,
            Agreement.revision: row["revision"] + 1,
            Agreement.updated_at: moment,
        }
    ).where(Agreement.id == row["id"])
    await audit.record(
        actor=actor,
        action="agreement.terminate",
        entity="agreement",
        entity_id=row["id"],
        before={"status": row["status"]},
        after={"status": AgreementStatus.terminated.value, "termination_reason": reason},
    )


async def terminate_on_withdrawal(*, project_id: UUID, coresearcher_id: UUID, actor: Actor) -> list[UUID]:
    """Terminate, with the reason "withdrew", the person's sent and active agreements in the
    project; return their ids. Runs in the caller's transaction, which has checked who may act.

    Drafts are left as they are (nothing was offered); ended and terminated ones are history.
    """
    rows = await locked(
        Agreement.select()
        .where(
            (Agreement.project == project_id)
            & (Agreement.coresearcher == coresearcher_id)
            & Agreement.status.is_in([AgreementStatus.sent.value, AgreementStatus.active.value])
        )
        .order_by(Agreement.id)
    )
    ended: list[UUID] = []
    for row in rows:
        if effective_status(row) in CLOSED:
            continue
        await _terminate(row, actor=actor, reason=WITHDREW)
        ended.append(row["id"])
    return ended
