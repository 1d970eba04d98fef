"""Budget versus actual: a project's involvement budget, per phase, against what its claims
approved and paid (docs/api.md, Money).

A claim line counts by its own `day` (the day the work was done or the outlay made) and its
`phase` (the phase of the entry's meeting, task or activity when the claim was made; expenses
and entries naming none count as "unassigned"). Approved means a claim approved or paid; paid
means paid. Seen by the project's leads and researchers and by oversight; a co-researcher 404.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from uuid import UUID

import msgspec

from coresearch.domain.accounts.schemas import Principal
from coresearch.domain.payments.tables import ClaimLine, ClaimStatus
from coresearch.domain.projects import service as projects
from coresearch.domain.projects.access import project_access
from coresearch.domain.projects.tables import MemberRole
from coresearch.lib.periods import check_period
from coresearch.lib.problems import NotFound

APPROVED = (ClaimStatus.approved.value, ClaimStatus.paid.value)
UNASSIGNED = "unassigned"


class BudgetRow(msgspec.Struct):
    """One phase (`phase` its name, or "unassigned"): its planned budget, what was approved
    (approved or paid claims) and paid, and `remaining_ore` = budget − approved (null without
    a budget)."""

    phase: str
    budget_ore: int | None
    approved_ore: int
    paid_ore: int
    remaining_ore: int | None


class BudgetTotals(msgspec.Struct):
    """The project's whole involvement budget against everything approved and paid;
    `phases_budget_ore` is what the phases plan between them (null when none has a budget)."""

    budget_ore: int | None
    phases_budget_ore: int | None
    approved_ore: int
    paid_ore: int
    remaining_ore: int | None


class Budget(msgspec.Struct):
    """Budget versus actual of one project, for claim lines dated `from`..`to` (null: open)."""

    project_id: UUID
    from_day: date | None = msgspec.field(name="from")
    to_day: date | None = msgspec.field(name="to")
    phases: list[BudgetRow]
    unassigned: BudgetRow
    totals: BudgetTotals


async def staff_view(*, principal: Principal, project_id: UUID) -> None:
    """Pass the project's leads, researchers and oversight; a co-researcher (like anyone who does
    not see the project) gets 404: money figures of others are not theirs to know of."""
    access = await project_access(principal=principal, project_id=project_id)
    if access.acting_role == MemberRole.co_researcher:
        raise NotFound("No such project")


def _remaining(budget: int | None, approved: int) -> int | None:
    return None if budget is None else budget - approved


async def _sums(project_id: UUID, first: date | None, last: date | None) -> dict[str | None, tuple[int, int]]:
    """Approved and paid øre per line phase (None: unassigned)."""
    where = (ClaimLine.claim.project == project_id) & ClaimLine.claim.status.is_in(list(APPROVED))
    if first is not None:
        where &= ClaimLine.day >= first
    if last is not None:
        where &= ClaimLine.day <= last
    rows = await ClaimLine.select(
        ClaimLine.phase, ClaimLine.amount_ore, ClaimLine.claim.status.as_alias("status")
    ).where(where)
    approved: dict[str | None, int] = defaultdict(int)
    paid: dict[str | None, int] = defaultdict(int)
    for row in rows:
        approved[row["phase"]] += row["amount_ore"]
        if row["status"] == ClaimStatus.paid.value:
            paid[row["phase"]] += row["amount_ore"]
    return {phase: (approved[phase], paid[phase]) for phase in approved}


async def project_budget(
    *, principal: Principal, project_id: UUID, first: date | None, last: date | None
) -> Budget:
    """The project's budget versus actual per phase (leads, researchers, oversight)."""
    await staff_view(principal=principal, project_id=project_id)
    check_period(first, last)
    project = await projects.get_project(principal=principal, project_id=project_id)
    phases = await projects.list_phases(principal=principal, project_id=project_id)
    sums = await _sums(project_id, first, last)
    rows = []
    for phase in phases:
        approved, paid = sums.get(phase.phase.value, (0, 0))
        rows.append(
            BudgetRow(
                phase=phase.phase.value,
                budget_ore=phase.budget_ore,
                approved_ore=approved,
                paid_ore=paid,
                remaining_ore=_remaining(phase.budget_ore, approved),
            )
        )
    approved, paid = sums.get(None, (0, 0))
    unassigned = BudgetRow(
        phase=UNASSIGNED, budget_ore=None, approved_ore=approved, paid_ore=paid, remaining_ore=None
    )
    planned = [phase.budget_ore for phase in phases if phase.budget_ore is not None]
    approved_total = sum(approved for approved, _ in sums.values())
    totals = BudgetTotals(
        budget_ore=project.involvement_budget_ore,
        phases_budget_ore=sum(planned) if planned else None,
        approved_ore=approved_total,
        paid_ore=sum(paid for _, paid in sums.values()),
        remaining_ore=_remaining(project.involvement_budget_ore, approved_total),
    )
    return Budget(
        project_id=project_id, from_day=first, to_day=last, phases=rows, unassigned=unassigned, totals=totals
    )
