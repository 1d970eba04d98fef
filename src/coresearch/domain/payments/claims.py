"""Claims: a lead gathers a co-researcher's unclaimed time entries and expenses of a period into
lines priced by the rate rules, once per `Idempotency-Key`; then attest → approve → mark paid, or
reject (which releases the lines). Seen by the project's lead, oversight and the payee (else 404).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.agreements import service as agreements
from coresearch.domain.audit import service as audit
from coresearch.domain.payments import rules, service
from coresearch.domain.payments import schemas as s
from coresearch.domain.payments.payment_times import days_to_payment
from coresearch.domain.payments.tables import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Expense,
    IdempotencyKey,
    TimeEntry,
)
from coresearch.domain.projects.access import has_oversight, project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.domain.work.tables import AttendanceMode
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.problems import BadRequest, Conflict, NotFound, Unprocessable
from coresearch.lib.records import locked, now

# An approved claim is paid with the next payroll run, at most two weeks on (docs/decisions.md).
PAYMENT_DAYS = 14


def _nok(ore: int) -> str:
    return f"{ore // 100}" if ore % 100 == 0 else f"{ore // 100}.{ore % 100:02d}"


def rule_text(rate: s.RateTable, mode: str | None) -> str:
    """The rule a time line was priced by, e.g. "in person: minimum 60 min; rounded to 30 min;
    NOK 355/h from 2025-01-01"."""
    parts = [
        f"rounded to {rate.rounding_minutes} min",
        f"NOK {_nok(rate.hourly_rate_ore)}/h from {rate.valid_from}",
    ]
    if mode == AttendanceMode.in_person.value:
        return f"in person: minimum {rate.minimum_in_person_minutes} min; " + "; ".join(parts)
    return f"{(mode or 'time').replace('_', ' ')}: " + "; ".join(parts)


def request_hash(project_id: UUID, data: s.ClaimCreate) -> str:
    """What makes two claim requests the same: project, person and period."""
    body = {"project": str(project_id), **msgspec.to_builtins(data)}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


async def rate_on(*, project_id: UUID, coresearcher_id: UUID, day: date) -> s.RateTable:
    """The rate version in force on `day` of the table of the agreement covering it."""
    table_id = await agreements.rate_table_on(project_id=project_id, coresearcher_id=coresearcher_id, day=day)
    if table_id is None:
        raise Unprocessable(f"No agreement with a rate table covers {day.isoformat()}")
    return await service.rate_for(name_or_id=table_id, on=day)


async def load(claim_id: UUID) -> s.Claim:
    """A claim with its lines, as the API shows it."""
    row = await Claim.select().where(Claim.id == claim_id).first()
    if row is None:
        raise NotFound("No such claim")
    lines = await ClaimLine.select().where(ClaimLine.claim == claim_id).order_by(ClaimLine.day)
    return to_claim(row, lines)


def to_claim(row: dict[str, Any], lines: list[dict[str, Any]]) -> s.Claim:
    """A claim row and its line rows as the API shows them."""
    expected = None
    if row["status"] == ClaimStatus.approved.value and row["approved_at"] is not None:
        expected = row["approved_at"].date() + timedelta(days=PAYMENT_DAYS)
    return msgspec.convert(
        {
            **row,
            "project_id": row["project"],
            "coresearcher_id": row["coresearcher"],
            "expected_payment_on": expected,
            "days_to_payment": days_to_payment(row["created_at"], row["paid_on"]),
            "lines": sorted(lines, key=lambda line: (line["day"], line["kind"], str(line["id"]))),
        },
        s.Claim,
    )


async def _existing(key: str, digest: str) -> UUID | None:
    """The claim an earlier request with `key` made; 422 when that request was another."""
    row = await IdempotencyKey.select().where(IdempotencyKey.key == key).first()
    if row is None:
        return None
    if row["request_hash"] != digest:
        raise Unprocessable(
            "This Idempotency-Key was used for another request",
            errors=[{"field": "Idempotency-Key", "message": "reuse only with the same body"}],
        )
    if row["claim_id"] is None:
        raise Conflict("The request with this Idempotency-Key is still being processed; retry")
    return UUID(str(row["claim_id"]))


async def create_claim(
    *, principal: Principal, project_id: UUID, key: str | None, data: s.ClaimCreate
) -> tuple[s.Claim, bool]:
    """Make the claim (lead); the claim and True, or the key's earlier claim and False."""
    await project_access(principal=principal, project_id=project_id, allowed=(MemberRole.lead,))
    if key is None or not key.strip() or len(key) > 200:
        raise BadRequest("The Idempotency-Key header is required (1 to 200 characters)")
    if data.period_end < data.period_start:
        raise Unprocessable(
            "The period ends before it starts",
            errors=[{"field": "period_end", "message": "must not be before period_start"}],
        )
    digest = request_hash(project_id, data)
    async with transaction():
        # The unique index decides: a concurrent identical request waits here for the winner's
        # commit (PostgreSQL; SQLite lets one writer in at a time) and then finds its claim.
        inserted = await IdempotencyKey.raw(
            "INSERT INTO idempotency_keys (id, key, project, request_hash, claim_id, created_at) "
            "VALUES ({}, {}, {}, {}, NULL, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
            uuid4(),
            key,
            project_id,
            digest,
            now(),
        )
        if not inserted:
            earlier = await _existing(key, digest)
            assert earlier is not None
            return await load(earlier), False
        claim_id = await _gather(principal=principal, project_id=project_id, data=data)
        await IdempotencyKey.update({IdempotencyKey.claim_id: claim_id}).where(IdempotencyKey.key == key)
        return await load(claim_id), True


async def phases_of(entry_ids: list[UUID]) -> dict[UUID, str]:
    """The phase of each time entry's meeting, else task, else activity (entries naming none
    are left out): what a claim line's `phase` records for budget versus actual.

    Read through the entries' own foreign keys (one query; docs/decisions.md).
    """
    if not entry_ids:
        return {}
    rows = await TimeEntry.select(
        TimeEntry.id,
        TimeEntry.meeting.phase.as_alias("meeting_phase"),
        TimeEntry.task.phase.as_alias("task_phase"),
        TimeEntry.activity.phase.as_alias("activity_phase"),
    ).where(TimeEntry.id.is_in(entry_ids))
    found = {row["id"]: row["meeting_phase"] or row["task_phase"] or row["activity_phase"] for row in rows}
    return {entry: phase for entry, phase in found.items() if phase}


async def _gather(*, principal: Principal, project_id: UUID, data: s.ClaimCreate) -> UUID:
    """Insert the claim and its lines, mark the entries claimed, audit; inside the transaction."""
    person = data.coresearcher_id
    entries = await locked(
        TimeEntry.select().where(
            (TimeEntry.project == project_id)
            & (TimeEntry.coresearcher == person)
            & TimeEntry.claim_id.is_null()
            & (TimeEntry.worked_on >= data.period_start)
            & (TimeEntry.worked_on <= data.period_end)
        )
    )
    outlays = await locked(
        Expense.select().where(
            (Expense.project == project_id)
            & (Expense.coresearcher == person)
            & Expense.claim_id.is_null()
            & (Expense.incurred_on >= data.period_start)
            & (Expense.incurred_on <= data.period_end)
        )
    )
    if not entries and not outlays:
        raise Unprocessable("Nothing to claim: no unclaimed time entries or expenses in the period")
    claim_id = uuid4()
    phases = await phases_of([entry["id"] for entry in entries])
    lines: list[ClaimLine] = []
    for entry in entries:
        rate = await rate_on(project_id=project_id, coresearcher_id=person, day=entry["worked_on"])
        paid = rules.pay(
            rate, minutes=entry["minutes"], in_person=entry["mode"] == AttendanceMode.in_person.value
        )
        lines.append(
            ClaimLine(
                claim=claim_id,
                kind="time",
                day=entry["worked_on"],
                time_entry_id=entry["id"],
                minutes=entry["minutes"],
                paid_minutes=paid.minutes,
                rule=rule_text(rate, entry["mode"]),
                amount_ore=paid.amount_ore,
                phase=phases.get(entry["id"]),
            )
        )
    for outlay in outlays:
        lines.append(
            ClaimLine(
                claim=claim_id,
                kind="expense",
                day=outlay["incurred_on"],
                expense_id=outlay["id"],
                rule=f"expense: {outlay['kind'].replace('_', ' ')} as recorded",
                amount_ore=outlay["amount_ore"],
            )
        )
    total = sum(line.amount_ore for line in lines)
    await Claim.insert(
        Claim(
            id=claim_id,
            project=project_id,
            coresearcher=person,
            period_start=data.period_start,
            period_end=data.period_end,
            total_ore=total,
            created_by=principal.id,
            created_at=now(),
        )
    )
    await ClaimLine.insert(*lines)
    if entries:
        await TimeEntry.update({TimeEntry.claim_id: claim_id}).where(
            TimeEntry.id.is_in([e["id"] for e in entries])
        )
    if outlays:
        await Expense.update({Expense.claim_id: claim_id}).where(Expense.id.is_in([o["id"] for o in outlays]))
    await audit.record(
        actor=actor_of(principal),
        action="claim.create",
        entity="claim",
        entity_id=claim_id,
        after={
            "project_id": str(project_id),
            "coresearcher": str(person),
            "period_start": data.period_start.isoformat(),
            "period_end": data.period_end.isoformat(),
            "total_ore": total,
            "lines": len(lines),
        },
    )
    return claim_id


async def sees(principal: Principal, row: dict[str, Any]) -> bool:
    """True for the project's leads, oversight and the payee."""
    if has_oversight(principal) or row["coresearcher"] == principal.id:
        return True
    try:
        access = await project_access(principal=principal, project_id=row["project"])
    except NotFound:
        return False
    return access.member_role == MemberRole.lead


async def is_lead(principal: Principal, project_id: UUID) -> bool:
    try:
        access = await project_access(principal=principal, project_id=project_id)
    except NotFound:
        return False
    return access.member_role == MemberRole.lead


async def get_claim(*, principal: Principal, claim_id: UUID) -> s.Claim:
    """A claim (its project's leads, oversight, the payee; anyone else 404)."""
    row = await Claim.select().where(Claim.id == claim_id).first()
    if row is None or not await sees(principal, row):
        raise NotFound("No such claim")
    return await load(claim_id)


async def my_payments(*, principal: Principal, filters: s.PaymentFilters) -> Page[s.Claim]:
    """The caller's own claims with their lines, newest first."""
    check_limit(filters.limit)
    query = Claim.select().where(Claim.coresearcher == principal.id)
    query = keyset(
        query, filters.cursor, sort=Claim.created_at, sort_type=datetime, id_column=Claim.id, descending=True
    )
    rows = await query.limit(filters.limit + 1)
    ids = [row["id"] for row in rows]
    lines: dict[Any, list[dict[str, Any]]] = {claim: [] for claim in ids}
    if ids:
        for line in await ClaimLine.select().where(ClaimLine.claim.is_in(ids)):
            lines[line["claim"]].append(line)
    return page_of(
        rows, filters.limit, sort_key="created_at", convert=lambda row: to_claim(row, lines[row["id"]])
    )
