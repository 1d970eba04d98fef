"""The payroll export: approved claims of a month as the CSV Norwegian payroll spreadsheets read
(UTF-8 with BOM, `;`, CRLF, decimal comma), and the explicit step that marks claims exported so
nothing is paid twice. Both are for research leaders and admins, and both are audited; the export
row records the month and the number of claims, never a national ID.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.accounts.tables import Role, User
from coresearch.domain.audit import service as audit
from coresearch.domain.coresearchers import profiles
from coresearch.domain.payments.tables import Claim, ClaimLine, ClaimStatus, Expense
from coresearch.domain.projects.tables import Project
from coresearch.lib.crypto import Keyring
from coresearch.lib.db import transaction
from coresearch.lib.problems import Conflict, Forbidden, Invalid, Unprocessable
from coresearch.lib.records import locked, now

HEADER = [
    "person",
    "fødselsnummer",
    "beløp",
    "klassifisering",
    "type",
    "prosjekt",
    "tilskuddsreferanse",
    "krav",
]
CLASSIFICATION = {
    "payroll": "styrehonorar og godtgjørelse i forbindelse med verv",
    "invoice": "faktura (ENK)",
}
EXPENSE_TYPE = {"travel": "reise", "lost_earnings": "tapt arbeidsinntekt", "other": "annet"}
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class MarkExported(msgspec.Struct, forbid_unknown_fields=True):
    """Which approved claims of `month` (YYYY-MM) went to payroll."""

    month: str
    claim_ids: list[UUID]


class Marked(msgspec.Struct):
    """The claims marked exported, and when."""

    month: str
    claim_ids: list[UUID]
    exported_at: datetime


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first instant of `month` and of the next (UTC); 400 naming `month` if it is not YYYY-MM."""
    found = MONTH.match(month)
    if found is None:
        raise Invalid("The request is not valid", errors=[{"field": "month", "message": "must be YYYY-MM"}])
    year, number = int(found[1]), int(found[2])
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _check_role(principal: Principal) -> None:
    if principal.role not in (Role.research_leader, Role.admin):
        raise Forbidden("Only research leaders and admins handle the payroll export")


def kroner(ore: int) -> str:
    """`177500` → `1775,00` (the decimal comma Norwegian spreadsheets expect)."""
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100},{abs(ore) % 100:02d}"


async def _claims(month: str, *, include_exported: bool) -> list[dict[str, Any]]:
    start, end = month_bounds(month)
    query = Claim.select().where(
        (Claim.status == ClaimStatus.approved.value)
        & (Claim.approved_at >= start)
        & (Claim.approved_at < end)
    )
    if not include_exported:
        query = query.where(Claim.exported_at.is_null())
    return list(await query.order_by(Claim.approved_at).order_by(Claim.id))


async def _rows(claims: list[dict[str, Any]], keyring: Keyring) -> list[list[str]]:
    """One row per claim for its time (honorar), and one per expense line."""
    if not claims:
        return []
    claim_ids = [claim["id"] for claim in claims]
    lines = (
        await ClaimLine.select()
        .where(ClaimLine.claim.is_in(claim_ids))
        .order_by(ClaimLine.day)
        .order_by(ClaimLine.id)
    )
    expense_ids = [line["expense_id"] for line in lines if line["expense_id"] is not None]
    kinds = {
        row["id"]: row["kind"]
        for row in (
            await Expense.select(Expense.id, Expense.kind).where(Expense.id.is_in(expense_ids))
            if expense_ids
            else []
        )
    }
    people = list({claim["coresearcher"] for claim in claims})
    names = {
        row["id"]: row["full_name"]
        for row in await User.select(User.id, User.full_name).where(User.id.is_in(people))
    }
    details = await profiles.payment_details(user_ids=people, keyring=keyring)
    projects = {
        row["id"]: row
        for row in await Project.select(Project.id, Project.title, Project.grant_reference).where(
            Project.id.is_in(list({claim["project"] for claim in claims}))
        )
    }
    rows: list[list[str]] = []
    for claim in claims:
        route, national_id = details.get(claim["coresearcher"], (None, None))
        project = projects[claim["project"]]
        own = [line for line in lines if line["claim"] == claim["id"]]
        amounts = [("honorar", sum(line["amount_ore"] for line in own if line["kind"] == "time"))]
        amounts += [
            (EXPENSE_TYPE[kinds[line["expense_id"]]], line["amount_ore"])
            for line in own
            if line["kind"] == "expense"
        ]
        for kind, ore in amounts:
            if kind == "honorar" and ore == 0:
                continue
            rows.append(
                [
                    names.get(claim["coresearcher"], ""),
                    (national_id or "") if route == "payroll" else "",
                    kroner(ore),
                    CLASSIFICATION.get(route or "", ""),
                    kind,
                    project["title"],
                    project["grant_reference"],
                    str(claim["id"]),
                ]
            )
    return rows


async def export(*, principal: Principal, month: str, include_exported: bool, keyring: Keyring) -> bytes:
    """The month's approved claims as CSV bytes (research leaders, admins; others 403)."""
    _check_role(principal)
    month_bounds(month)
    async with transaction():
        claims = await _claims(month, include_exported=include_exported)
        rows = await _rows(claims, keyring)
        await audit.record(
            actor=actor_of(principal),
            action="payroll.export",
            entity="payroll_export",
            entity_id=month,
            after={"month": month, "claims": len(claims), "include_exported": include_exported},
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


async def mark_exported(*, principal: Principal, data: MarkExported) -> Marked:
    """Mark approved claims of the month exported, each audited. A claim that is not an approved
    claim of that month: 422; one already exported: 409 (nothing is marked then)."""
    _check_role(principal)
    start, end = month_bounds(data.month)
    if not data.claim_ids:
        raise Invalid(
            "The request is not valid", errors=[{"field": "claim_ids", "message": "must not be empty"}]
        )
    ids = list(dict.fromkeys(data.claim_ids))
    at = now()
    async with transaction():
        rows = await locked(Claim.select().where(Claim.id.is_in(ids)))
        found = {row["id"]: row for row in rows}
        for claim_id in ids:
            row = found.get(claim_id)
            approved_at = row["approved_at"] if row else None
            if (
                row is None
                or row["status"] != ClaimStatus.approved.value
                or approved_at is None
                or not start <= approved_at < end
            ):
                raise Unprocessable(
                    f"Claim {claim_id} is not an approved claim of {data.month}",
                    errors=[{"field": "claim_ids", "message": "not an approved claim of that month"}],
                )
            if row["exported_at"] is not None:
                raise Conflict(f"Claim {claim_id} was already exported")
        await Claim.update({Claim.exported_at: at}).where(Claim.id.is_in(ids))
        for claim_id in ids:
            await audit.record(
                actor=actor_of(principal),
                action="payroll.mark_exported",
                entity="claim",
                entity_id=claim_id,
                before={"exported_at": None},
                after={"exported_at": at.isoformat(), "month": data.month},
            )
    return Marked(month=data.month, claim_ids=ids, exported_at=at)
