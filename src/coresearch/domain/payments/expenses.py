"""Expenses: what a co-researcher paid out for project work (travel, lost earnings, other).

Recorded as time entries are (project staff for anyone, a co-researcher for themselves; the day
in the person's active agreement, else 422 naming `incurred_on`). A receipt is a document of the
project; lost earnings must be documented by one (422 naming `receipt_document_id`). An expense a
claim holds (`claim_id`) is locked.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.accounts.service import actor_of
from coresearch.domain.audit import service as audit
from coresearch.domain.payments import common, references
from coresearch.domain.payments import schemas as s
from coresearch.domain.payments.tables import Expense, ExpenseKind
from coresearch.domain.projects.access import project_access
from coresearch.lib.db import transaction
from coresearch.lib.pagination import Page, check_limit, keyset, page_of
from coresearch.lib.problems import Unprocessable
from coresearch.lib.records import now, one

AUDITED = ("coresearcher", "incurred_on", "kind", "amount_ore", "description", "receipt_document")


def to_expense(row: dict[str, Any]) -> s.Expense:
    """An expense row as the API shows it."""
    return msgspec.convert(
        {
            **row,
            "project_id": row["project"],
            "coresearcher_id": row["coresearcher"],
            "receipt_document_id": row["receipt_document"],
        },
        s.Expense,
    )


async def create_expense(*, principal: Principal, project_id: UUID, data: s.ExpenseCreate) -> s.Expense:
    """Record an expense (project staff for anyone, a co-researcher for themselves)."""
    await common.access_for(principal=principal, project_id=project_id, coresearcher_id=data.coresearcher_id)
    if data.kind == ExpenseKind.lost_earnings and data.receipt_document_id is None:
        raise Unprocessable(
            "Lost earnings must be documented",
            errors=[{"field": "receipt_document_id", "message": "required for lost_earnings"}],
        )
    await references.check_references(
        principal=principal,
        project_id=project_id,
        references={"receipt_document_id": data.receipt_document_id},
    )
    async with transaction():
        await common.check_agreement(
            project_id=project_id,
            coresearcher_id=data.coresearcher_id,
            day=data.incurred_on,
            field="incurred_on",
        )
        expense = Expense(
            project=project_id,
            coresearcher=data.coresearcher_id,
            incurred_on=data.incurred_on,
            kind=data.kind.value,
            amount_ore=data.amount_ore,
            description=data.description,
            receipt_document=data.receipt_document_id,
            recorded_by=principal.id,
            created_at=now(),
        )
        await Expense.insert(expense)
        row = await one(Expense.select().where(Expense.id == expense.id).first())
        await audit.record(
            actor=actor_of(principal),
            action="expense.create",
            entity="expense",
            entity_id=expense.id,
            after={"project_id": str(project_id), **{name: row[name] for name in AUDITED}},
        )
    return to_expense(row)


async def list_expenses(
    *, principal: Principal, project_id: UUID, filters: s.ExpenseFilters
) -> Page[s.Expense]:
    """A project's expenses, latest day first; a co-researcher sees only their own."""
    check_limit(filters.limit)
    access = await project_access(principal=principal, project_id=project_id)
    query = Expense.select().where(Expense.project == project_id)
    if common.is_coresearcher(access):
        query = query.where(Expense.coresearcher == principal.id)
    if filters.coresearcher_id is not None:
        query = query.where(Expense.coresearcher == filters.coresearcher_id)
    query = keyset(
        query, filters.cursor, sort=Expense.incurred_on, sort_type=date, id_column=Expense.id, descending=True
    )
    rows = await query.limit(filters.limit + 1)
    return page_of(rows, filters.limit, sort_key="incurred_on", convert=to_expense)
