"""A claim's moves: attest (a lead of its project), approve (a research leader who did not
attest it: four eyes), reject (either; releases the lines), mark paid (research leader or admin).
Each move locks the claim row, checks who and from which state (else 403 / 409), and is audited.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.accounts.tables import Role
from coresearch.domain.audit import service as audit
from coresearch.domain.notifications import events as notices
from coresearch.domain.payments import claims
from coresearch.domain.payments import schemas as s
from coresearch.domain.payments.payment_times import days_to_payment
from coresearch.domain.payments.tables import Claim, ClaimStatus, Expense, TimeEntry
from coresearch.lib.db import transaction
from coresearch.lib.problems import Conflict, Forbidden, NotFound, Unprocessable
from coresearch.lib.records import locked, now, one

FROM: dict[str, tuple[ClaimStatus, ...]] = {
    "attest": (ClaimStatus.submitted,),
    "approve": (ClaimStatus.attested,),
    "reject": (ClaimStatus.submitted, ClaimStatus.attested),
    "mark_paid": (ClaimStatus.approved,),
}


async def _may(move: str, principal: Principal, row: dict[str, Any]) -> bool:
    lead = await claims.is_lead(principal, row["project"])
    if move == "attest":
        return lead
    if move == "approve":
        return principal.role == Role.research_leader
    if move == "reject":
        return lead or principal.role == Role.research_leader
    return principal.role in (Role.research_leader, Role.admin)


async def _move(*, principal: Principal, claim_id: UUID, move: str, values: dict[Any, Any]) -> dict[str, Any]:
    """Lock the claim, check who and from which state, apply `values` (inside the caller's
    transaction); the audit fields before and after."""
    row = await locked(Claim.select().where(Claim.id == claim_id)).first()
    if row is None or not await claims.sees(principal, row):
        raise NotFound("No such claim")
    if not await _may(move, principal, row):
        raise Forbidden(f"You may not {move.replace('_', ' ')} this claim")
    if move == "approve" and row["attested_by"] == principal.id:
        raise Forbidden("Four eyes: the person who attested a claim may not approve it")
    if row["status"] not in {state.value for state in FROM[move]}:
        raise Conflict(f"A {row['status']} claim cannot be moved by {move.replace('_', ' ')}")
    if move == "mark_paid" and (days_to_payment(row["created_at"], values[Claim.paid_on]) or 0) < 0:
        # A payment before the submission would make the payment times (and their medians) lie.
        raise Unprocessable(
            "A claim cannot be paid before it was submitted",
            errors=[{"field": "paid_on", "message": "must not be before the claim's submission date (UTC)"}],
        )
    await Claim.update(values).where(Claim.id == claim_id)
    if move == "reject":
        await TimeEntry.update({TimeEntry.claim_id: None}).where(TimeEntry.claim_id == claim_id)
        await Expense.update({Expense.claim_id: None}).where(Expense.claim_id == claim_id)
    after = await one(Claim.select(Claim.status).where(Claim.id == claim_id).first())
    return {"before": {"status": row["status"]}, "after": {"status": after["status"]}}


async def _told(claim: s.Claim, principal: Principal) -> s.Claim:
    """Tell the claim's co-researcher about its move (their own amount only); the claim."""
    await notices.claim_moved(
        claim_id=claim.id,
        project_id=claim.project_id,
        coresearcher_id=claim.coresearcher_id,
        status=claim.status,
        period=(claim.period_start, claim.period_end),
        total_ore=claim.total_ore,
        expected_on=claim.expected_payment_on,
        paid_on=claim.paid_on,
        reason=claim.reject_reason,
        actor_id=principal.id,
    )
    return claim


async def attest(*, principal: Principal, claim_id: UUID) -> s.Claim:
    """submitted → attested (a lead of the claim's project)."""
    values = {
        Claim.status: ClaimStatus.attested.value,
        Claim.attested_by: principal.id,
        Claim.attested_at: now(),
    }
    async with transaction():
        change = await _move(principal=principal, claim_id=claim_id, move="attest", values=values)
        await audit.record(
            actor=actor_of(principal), action="claim.attest", entity="claim", entity_id=claim_id, **change
        )
        return await _told(await claims.load(claim_id), principal)


async def approve(*, principal: Principal, claim_id: UUID) -> s.Claim:
    """attested → approved (a research leader other than the attester)."""
    values = {
        Claim.status: ClaimStatus.approved.value,
        Claim.approved_by: principal.id,
        Claim.approved_at: now(),
    }
    async with transaction():
        change = await _move(principal=principal, claim_id=claim_id, move="approve", values=values)
        await audit.record(
            actor=actor_of(principal), action="claim.approve", entity="claim", entity_id=claim_id, **change
        )
        return await _told(await claims.load(claim_id), principal)


async def reject(*, principal: Principal, claim_id: UUID, data: s.ClaimReject) -> s.Claim:
    """submitted or attested → rejected; its entries and expenses are claimable again."""
    values = {
        Claim.status: ClaimStatus.rejected.value,
        Claim.rejected_by: principal.id,
        Claim.rejected_at: now(),
        Claim.reject_reason: data.reason,
    }
    async with transaction():
        change = await _move(principal=principal, claim_id=claim_id, move="reject", values=values)
        await audit.record(
            actor=actor_of(principal), action="claim.reject", entity="claim", entity_id=claim_id, **change
        )
        return await _told(await claims.load(claim_id), principal)


async def mark_paid(*, principal: Principal, claim_id: UUID, data: s.ClaimMarkPaid) -> s.Claim:
    """approved → paid (a research leader or an admin)."""
    values = {
        Claim.status: ClaimStatus.paid.value,
        Claim.paid_by: principal.id,
        Claim.paid_on: data.paid_on,
        Claim.paid_reference: data.reference,
    }
    async with transaction():
        change = await _move(principal=principal, claim_id=claim_id, move="mark_paid", values=values)
        change["after"] |= {"paid_on": data.paid_on.isoformat(), "reference": data.reference}
        await audit.record(
            actor=actor_of(principal), action="claim.mark_paid", entity="claim", entity_id=claim_id, **change
        )
        return await _told(await claims.load(claim_id), principal)
